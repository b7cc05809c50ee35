package io.streamner.model;

import java.util.Arrays;

/**
 * The dense parameters of {@link TypedParameters} in single precision, laid out for {@link
 * FloatTypedNetwork}: W (H x I), b1 (H), U (K x H) and b2 (K).
 *
 * <p>W is laid out as in {@link FloatParameters}: one flat row-major array whose rows are {@link
 * #stride} floats apart, I rounded up to a multiple of 16, the padding zero. U is laid out the same
 * way, its rows {@link #uStride} floats apart (H rounded up to a multiple of 16): the output layer
 * z2 = U a1 + b2 and its gradients are then the same SIMD loops ({@link FloatLoops}) as the hidden
 * layer's, with a1 (zero past H) in the place of x.
 */
public final class FloatTypedParameters implements TypedWeights {
  public final int hidden;
  public final int inputSize;
  public final int tags;

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

  public FloatTypedParameters(int hidden, int inputSize, int tags) {
    if (hidden < 1 || inputSize < 1 || tags < 2) {
      throw new IllegalArgumentException(
          "typed parameters need H, I >= 1 and K >= 2, got H="
              + hidden
              + ", I="
              + inputSize
              + ", K="
              + tags);
    }
    this.hidden = hidden;
    this.inputSize = inputSize;
    this.tags = tags;
    this.stride = FloatParameters.padded(inputSize);
    this.uStride = FloatParameters.padded(hidden);
    this.w = new float[Math.multiplyExact(hidden, stride)];
    this.b1 = new float[hidden];
    this.u = new float[Math.multiplyExact(tags, uStride)];
    this.b2 = new float[tags];
  }

  /** Every double rounded to the nearest float. */
  public static FloatTypedParameters of(TypedParameters p) {
    return unflatten(p.hidden, p.inputSize, p.tags, WordVectors.toFloat(p.flatten()));
  }

  /** The same values in double (exactly: every float is a double). */
  @Override
  public TypedParameters toTyped() {
    return TypedParameters.unflatten(hidden, inputSize, tags, WordVectors.toDouble(flatten()));
  }

  /** W[k][j]. */
  public float w(int k, int j) {
    return w[k * stride + j];
  }

  /** U[t][k]. */
  public float u(int t, int k) {
    return u[t * uStride + k];
  }

  public FloatTypedParameters copy() {
    FloatTypedParameters c = new FloatTypedParameters(hidden, inputSize, tags);
    c.copyFrom(this);
    return c;
  }

  /** Overwrites these parameters with {@code other}'s, which must have the same shape. */
  public void copyFrom(FloatTypedParameters other) {
    if (other.hidden != hidden || other.inputSize != inputSize || other.tags != tags) {
      throw new IllegalArgumentException(
          "cannot copy parameters of shape " + other.shape() + " into " + shape());
    }
    System.arraycopy(other.w, 0, w, 0, w.length);
    System.arraycopy(other.b1, 0, b1, 0, hidden);
    System.arraycopy(other.u, 0, u, 0, u.length);
    System.arraycopy(other.b2, 0, b2, 0, tags);
  }

  @Override
  public int hidden() {
    return hidden;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public int tags() {
    return tags;
  }

  @Override
  public boolean isFinite() {
    return FloatParameters.allFinite(w)
        && FloatParameters.allFinite(b1)
        && FloatParameters.allFinite(u)
        && FloatParameters.allFinite(b2);
  }

  /** Sum of squares of W and U in double (the padding adds zeros). */
  @Override
  public double squaredWeights() {
    double s = 0;
    for (float v : w) s += (double) v * v;
    for (float v : u) s += (double) v * v;
    return s;
  }

  /**
   * W (row-major, without the padding), b1, U (row-major, without the padding) and b2 as one flat
   * array: the order of {@link TypedParameters#flatten} and of the model file.
   */
  public float[] flatten() {
    float[] flat = new float[TypedParameters.size(hidden, inputSize, tags)];
    int o = rows(w, hidden, inputSize, stride, flat, 0, true);
    System.arraycopy(b1, 0, flat, o, hidden);
    o = rows(u, tags, hidden, uStride, flat, o + hidden, true);
    System.arraycopy(b2, 0, flat, o, tags);
    return flat;
  }

  /** The inverse of {@link #flatten}. */
  public static FloatTypedParameters unflatten(int hidden, int inputSize, int tags, float[] flat) {
    FloatTypedParameters p = new FloatTypedParameters(hidden, inputSize, tags);
    TypedParameters.checkSize(hidden, inputSize, tags, flat.length);
    int o = rows(p.w, hidden, inputSize, p.stride, flat, 0, false);
    System.arraycopy(flat, o, p.b1, 0, hidden);
    o = rows(p.u, tags, hidden, p.uStride, flat, o + hidden, false);
    System.arraycopy(flat, o, p.b2, 0, tags);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTypedParameters p
        && p.hidden == hidden
        && p.inputSize == inputSize
        && p.tags == tags
        && Arrays.equals(flatten(), p.flatten());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(flatten());
  }
}
