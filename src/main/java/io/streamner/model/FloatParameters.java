package io.streamner.model;

/**
 * The dense parameters of {@link DenseParameters} in single precision, laid out for the float SIMD
 * loops ({@link FloatLoops}): W (H x I), b1 (H), U (K x H) and b2 (K).
 *
 * <p>W is one flat row-major array whose rows are {@link #stride} floats apart, I rounded up to a
 * multiple of {@link FloatLoops#BLOCK} (16). The padding entries are zero and stay zero (the input
 * x is zero there too), so every loop over a row runs whole blocks of 16 with no tail: the SIMD
 * path and the scalar path then share one summation order without special cases, and a row starts
 * at the same offset within a 64-byte line whatever its index. One array rather than H rows: the
 * Vector API loads from it at computed offsets, and it halves the pointer chasing (measured, see
 * {@link VectorFloatLoops}). U is laid out the same way, its rows {@link #uStride} floats apart (H
 * rounded up to a multiple of 16): the typed output layer z2 = U a1 + b2 and its gradients are then
 * the same SIMD loops as the hidden layer's, with a1 (zero past H) in the place of x.
 */
public final class FloatParameters extends Dense {
  /** Floats from one row of W to the next: I rounded up to a multiple of 16. */
  public final int stride;

  /** Floats from one row of U to the next: H rounded up to a multiple of 16. */
  public final int uStride;

  /** W[k][j] is {@code w[k * stride + j]}; zero for I <= j < stride. */
  public final float[] w;

  public final float[] b1;

  /** U[t][k] is {@code u[t * uStride + k]}; zero for H <= k < uStride. */
  public final float[] u;

  public final float[] b2;

  public FloatParameters(int hidden, int inputSize, int outputs) {
    super(hidden, inputSize, outputs);
    this.stride = padded(inputSize);
    this.uStride = padded(hidden);
    this.w = new float[Math.multiplyExact(hidden, stride)];
    this.b1 = new float[hidden];
    this.u = new float[Math.multiplyExact(outputs, uStride)];
    this.b2 = new float[outputs];
  }

  /** {@code length} rounded up to a whole number of blocks of 16. */
  static int padded(int length) {
    return (length + FloatLoops.BLOCK - 1) / FloatLoops.BLOCK * FloatLoops.BLOCK;
  }

  /** Every double rounded to the nearest float. */
  public static FloatParameters of(DenseParameters p) {
    return unflatten(p.hidden, p.inputSize, p.outputs, WordVectors.toFloat(p.flatten()));
  }

  /** The same values in double (exactly: every float is a double). */
  @Override
  public DenseParameters toDouble() {
    return DenseParameters.unflatten(hidden, inputSize, outputs, WordVectors.toDouble(flatten()));
  }

  /** W[k][j]. */
  public float w(int k, int j) {
    return w[k * stride + j];
  }

  /** U[t][k]. */
  public float u(int t, int k) {
    return u[t * uStride + k];
  }

  public FloatParameters copy() {
    FloatParameters c = new FloatParameters(hidden, inputSize, outputs);
    c.copyFrom(this);
    return c;
  }

  /** Overwrites these parameters with {@code other}'s, which must have the same shape. */
  public void copyFrom(FloatParameters other) {
    Dense.checkSameShape(other, this);
    System.arraycopy(other.w, 0, w, 0, w.length);
    System.arraycopy(other.b1, 0, b1, 0, hidden);
    System.arraycopy(other.u, 0, u, 0, u.length);
    System.arraycopy(other.b2, 0, b2, 0, outputs);
  }

  @Override
  public boolean isFinite() {
    return allFinite(w) && allFinite(b1) && allFinite(u) && allFinite(b2);
  }

  /** Whether every value is finite ({@link FloatLoops#allFinite}). */
  public static boolean allFinite(float[] values) {
    return SCALAR.allFinite(values, values.length);
  }

  private static final FloatLoops SCALAR = new FloatLoops();

  /** Sum of squares of W and U in double (the padding adds zeros). */
  @Override
  public double squaredWeights() {
    double s = 0;
    for (float v : w) s += (double) v * v;
    for (float v : u) s += (double) v * v;
    return s;
  }

  @Override
  Object flatValues() {
    return flatten();
  }

  /**
   * W (row-major, without the padding), b1, U (row-major, without the padding) and b2 as one flat
   * array: the order of {@link DenseParameters#flatten} and of the model file.
   */
  public float[] flatten() {
    float[] flat = new float[Dense.size(hidden, inputSize, outputs)];
    int o = rows(w, hidden, inputSize, stride, flat, 0, true);
    System.arraycopy(b1, 0, flat, o, hidden);
    o = rows(u, outputs, hidden, uStride, flat, o + hidden, true);
    System.arraycopy(b2, 0, flat, o, outputs);
    return flat;
  }

  /** The inverse of {@link #flatten}. */
  public static FloatParameters unflatten(int hidden, int inputSize, int outputs, float[] flat) {
    FloatParameters p = new FloatParameters(hidden, inputSize, outputs);
    Dense.checkSize(hidden, inputSize, outputs, flat.length);
    int o = rows(p.w, hidden, inputSize, p.stride, flat, 0, false);
    System.arraycopy(flat, o, p.b1, 0, hidden);
    o = rows(p.u, outputs, hidden, p.uStride, flat, o + hidden, false);
    System.arraycopy(flat, o, p.b2, 0, outputs);
    return p;
  }

  /**
   * Copies {@code rows} rows of {@code columns} values between a padded matrix and {@code flat}
   * from offset {@code o}: into {@code flat} when {@code out}, else from it. Returns the offset
   * after them.
   */
  private static int rows(
      float[] padded, int rows, int columns, int stride, float[] flat, int o, boolean out) {
    for (int r = 0; r < rows; r++, o += columns) {
      if (out) System.arraycopy(padded, r * stride, flat, o, columns);
      else System.arraycopy(flat, o, padded, r * stride, columns);
    }
    return o;
  }
}
