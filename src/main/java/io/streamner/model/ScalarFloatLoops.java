package io.streamner.model;

import java.util.Arrays;

/**
 * {@link FloatLoops} in plain Java: the definition of the canonical order written out, and the
 * fallback when the Vector API is not enabled. {@link VectorFloatLoops} gives the same bits.
 */
final class ScalarFloatLoops implements FloatLoops {

  /**
   * Eq. (2)'s W x: 16 partial sums per row, partial l over the entries j = l (mod 16), then {@link
   * FloatLoops#fold16}. The partials are locals (registers); each is one chain of fused
   * multiply-adds in increasing j.
   */
  @Override
  public void multiply(float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
    for (int k = 0; k < rows; k++) {
      final int o = k * stride;
      float p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
      float p8 = 0, p9 = 0, p10 = 0, p11 = 0, p12 = 0, p13 = 0, p14 = 0, p15 = 0;
      for (int j = 0; j < stride; j += BLOCK) {
        final int i = o + j;
        p0 = Math.fma(w[i], x[j], p0);
        p1 = Math.fma(w[i + 1], x[j + 1], p1);
        p2 = Math.fma(w[i + 2], x[j + 2], p2);
        p3 = Math.fma(w[i + 3], x[j + 3], p3);
        p4 = Math.fma(w[i + 4], x[j + 4], p4);
        p5 = Math.fma(w[i + 5], x[j + 5], p5);
        p6 = Math.fma(w[i + 6], x[j + 6], p6);
        p7 = Math.fma(w[i + 7], x[j + 7], p7);
        p8 = Math.fma(w[i + 8], x[j + 8], p8);
        p9 = Math.fma(w[i + 9], x[j + 9], p9);
        p10 = Math.fma(w[i + 10], x[j + 10], p10);
        p11 = Math.fma(w[i + 11], x[j + 11], p11);
        p12 = Math.fma(w[i + 12], x[j + 12], p12);
        p13 = Math.fma(w[i + 13], x[j + 13], p13);
        p14 = Math.fma(w[i + 14], x[j + 14], p14);
        p15 = Math.fma(w[i + 15], x[j + 15], p15);
      }
      z[k] =
          FloatLoops.fold8(
              p0 + p8, p1 + p9, p2 + p10, p3 + p11, p4 + p12, p5 + p13, p6 + p14, p7 + p15);
    }
  }

  /** Eqs. (29) and (30) in one pass over W, entry by entry as {@link FloatLoops#backward} says. */
  @Override
  public void backward(
      float[] w,
      float[] out,
      int rows,
      int stride,
      float[] x,
      float[] g,
      float[] lrg,
      float lrDecay,
      float[] dx) {
    Arrays.fill(dx, 0, stride, 0f);
    final float keep = -lrDecay;
    for (int k = 0; k < rows; k++) {
      final int o = k * stride;
      final float gk = g[k];
      final float step = -lrg[k];
      for (int j = 0; j < stride; j++) {
        final float wkj = w[o + j];
        dx[j] = Math.fma(gk, wkj, dx[j]);
        out[o + j] = Math.fma(step, x[j], Math.fma(keep, wkj, wkj));
      }
    }
  }

  @Override
  public boolean allFinite(float[] values, int length) {
    float a = 0, b = 0, c = 0, d = 0;
    int i = 0;
    for (; i + 4 <= length; i += 4) {
      a += values[i] * 0;
      b += values[i + 1] * 0;
      c += values[i + 2] * 0;
      d += values[i + 3] * 0;
    }
    for (; i < length; i++) a += values[i] * 0;
    return a + b + c + d == 0;
  }

  @Override
  public void tanh(double[] z, double[] out, int length) {
    for (int i = 0; i < length; i++) out[i] = tanh(z[i]);
  }

  /** |z| beyond which tanh is computed at this bound (its float value is 1 from 9.01 on). */
  static final double TANH_CLAMP = 10;

  static final double LN2 = 0.6931471805599453;
  static final double INV_LN2 = 1.4426950408889634;

  /**
   * Adding 1.5 x 2^52 to a double in [0, 2^51) rounds it to an integer (ties to even), which then
   * sits in the low bits of the sum; subtracting it again gives that integer as a double.
   */
  static final double ROUND = 0x1.8p52;

  static final long SIGN = 0x8000000000000000L;

  /** (e^r - 1) / r = 1 + r/2! + ... + r^8/9!: the coefficients, highest power first. */
  static final double[] SERIES = {
    1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1
  };

  /**
   * tanh, eq. (3), in double, within about 1e-13 of the true value: rounded to float it is the
   * correctly rounded tanh but in rare near-ties (1 ulp off for 4 of 22 million floats in [-12,
   * 12]). StrictMath.tanh costs 35 ns here (a JNI call on Java 17: 100 of them were half an SGD
   * step) and Math.tanh may become a JIT intrinsic that rounds differently on another JVM; this is
   * a few ns, and its operations (+, *, fma, /, bit operations) are lane-wise, so {@link
   * VectorFloatLoops#tanh} computes the same formula 8 lanes at a time with the same bits.
   *
   * <p>With y = 2 min(|z|, 10): tanh |z| = (e^y - 1) / (e^y + 1) = E / (E + 2), E = e^y - 1. With y
   * = n ln2 + r, n an integer and |r| <= ln2 / 2, E = 2^n (e^r - 1) + (2^n - 1), and e^r - 1 = r (1
   * + r/2! + ... + r^8/9!) (truncation error below 2e-11 relative). Nothing cancels: for n = 0 E is
   * the series itself, and for n >= 1 it is 2^n - 1 >= 1 plus a term of at most half its size. The
   * sign of z is copied onto the result bit for bit (so tanh(-0) = -0).
   */
  static double tanh(double z) {
    final long zBits = Double.doubleToRawLongBits(z);
    final double y = 2 * Math.min(Double.longBitsToDouble(zBits & ~SIGN), TANH_CLAMP);
    final double rounded = y * INV_LN2 + ROUND; // ROUND + n
    final double n = rounded - ROUND;
    final double r = y - n * LN2;
    double p = 0; // Horner: the first fma gives 1/9! exactly
    for (double c : SERIES) p = Math.fma(p, r, c);
    // 2^n: n + 1023 in the exponent bits; the low 12 bits of ROUND + n are n
    final double twoToN =
        Double.longBitsToDouble((Double.doubleToRawLongBits(rounded) + 1023) << 52);
    final double e = Math.fma(twoToN, p * r, twoToN - 1);
    final double q = e / (e + 2);
    return Double.longBitsToDouble(Double.doubleToRawLongBits(q) | (zBits & SIGN));
  }

  @Override
  public String description() {
    return "scalar";
  }
}
