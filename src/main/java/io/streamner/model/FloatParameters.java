package io.streamner.model;

import java.util.Arrays;

/**
 * The dense parameters of {@link DenseParameters} in single precision, laid out for {@link
 * FloatNetwork}: W (H x nC), b1 (H), U (H) and b2.
 *
 * <p>W is one flat row-major array whose rows are {@link #stride} floats apart, nC rounded up to a
 * multiple of {@link FloatLoops#BLOCK} (16). The padding entries are zero and stay zero (the input
 * x is zero there too), so every loop over a row runs whole blocks of 16 with no tail: the SIMD
 * path and the scalar path then share one summation order without special cases, and a row starts
 * at the same offset within a 64-byte line whatever its index. One array rather than H rows: the
 * Vector API loads from it at computed offsets, and it halves the pointer chasing (measured, see
 * {@link VectorFloatLoops}).
 */
public final class FloatParameters implements Dense {
  public final int hidden;
  public final int inputSize;

  /** Floats from one row of W to the next: inputSize rounded up to a multiple of 16. */
  public final int stride;

  /** W[k][j] is {@code w[k * stride + j]}; zero for inputSize <= j < stride. */
  public final float[] w;

  public final float[] b1;
  public final float[] u;
  public float b2;

  public FloatParameters(int hidden, int inputSize) {
    if (hidden < 1 || inputSize < 1) {
      throw new IllegalArgumentException(
          "W must have at least one row and column, got " + hidden + "x" + inputSize);
    }
    this.hidden = hidden;
    this.inputSize = inputSize;
    this.stride = padded(inputSize);
    this.w = new float[Math.multiplyExact(hidden, stride)];
    this.b1 = new float[hidden];
    this.u = new float[hidden];
  }

  /** {@code length} rounded up to a whole number of blocks of 16. */
  static int padded(int length) {
    return (length + FloatLoops.BLOCK - 1) / FloatLoops.BLOCK * FloatLoops.BLOCK;
  }

  /** Every double rounded to the nearest float. */
  public static FloatParameters of(DenseParameters p) {
    FloatParameters f = new FloatParameters(p.hidden, p.inputSize);
    for (int k = 0; k < p.hidden; k++) {
      for (int j = 0; j < p.inputSize; j++) f.w[k * f.stride + j] = (float) p.w[k][j];
      f.b1[k] = (float) p.b1[k];
      f.u[k] = (float) p.u[k];
    }
    f.b2 = (float) p.b2;
    return f;
  }

  /** The same values in double (exactly: every float is a double). */
  public DenseParameters toDense() {
    DenseParameters p = new DenseParameters(hidden, inputSize);
    for (int k = 0; k < hidden; k++) {
      for (int j = 0; j < inputSize; j++) p.w[k][j] = w[k * stride + j];
      p.b1[k] = b1[k];
      p.u[k] = u[k];
    }
    p.b2 = b2;
    return p;
  }

  /** W[k][j]. */
  public float w(int k, int j) {
    return w[k * stride + j];
  }

  public FloatParameters copy() {
    FloatParameters c = new FloatParameters(hidden, inputSize);
    System.arraycopy(w, 0, c.w, 0, w.length);
    System.arraycopy(b1, 0, c.b1, 0, hidden);
    System.arraycopy(u, 0, c.u, 0, hidden);
    c.b2 = b2;
    return c;
  }

  /** Whether every parameter is a finite number (no NaN, no infinity). */
  public boolean isFinite() {
    return allFinite(w) && allFinite(b1) && allFinite(u) && Float.isFinite(b2);
  }

  /** Whether every value is finite ({@link FloatLoops#allFinite}). */
  public static boolean allFinite(float[] values) {
    return SCALAR.allFinite(values, values.length);
  }

  private static final FloatLoops SCALAR = new ScalarFloatLoops();

  @Override
  public int hidden() {
    return hidden;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  /** Sum of squares of W and U, in double: the bracket of the regularisation term in eq. (1). */
  @Override
  public double squaredWeights() {
    double s = 0;
    for (float v : w) s += (double) v * v;
    for (float v : u) s += (double) v * v;
    return s;
  }

  /**
   * W (row-major, without the padding), b1, U and b2 as one flat array: the order of {@link
   * DenseParameters#flatten}.
   */
  public float[] flatten() {
    float[] flat = new float[hidden * inputSize + 2 * hidden + 1];
    int o = 0;
    for (int k = 0; k < hidden; k++) {
      System.arraycopy(w, k * stride, flat, o, inputSize);
      o += inputSize;
    }
    System.arraycopy(b1, 0, flat, o, hidden);
    o += hidden;
    System.arraycopy(u, 0, flat, o, hidden);
    o += hidden;
    flat[o] = b2;
    return flat;
  }

  /** The inverse of {@link #flatten}: W (unpadded, row-major), b1, U, b2. */
  public static FloatParameters unflatten(int hidden, int inputSize, float[] flat) {
    Dense.checkFlat(hidden, inputSize, flat.length);
    FloatParameters p = new FloatParameters(hidden, inputSize);
    int o = 0;
    for (int k = 0; k < hidden; k++) {
      System.arraycopy(flat, o, p.w, k * p.stride, inputSize);
      o += inputSize;
    }
    System.arraycopy(flat, o, p.b1, 0, hidden);
    o += hidden;
    System.arraycopy(flat, o, p.u, 0, hidden);
    o += hidden;
    p.b2 = flat[o];
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatParameters p
        && p.hidden == hidden
        && p.inputSize == inputSize
        && Arrays.equals(flatten(), p.flatten());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(flatten());
  }
}
