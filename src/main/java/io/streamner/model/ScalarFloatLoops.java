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
        w[o + j] = Math.fma(step, x[j], Math.fma(keep, wkj, wkj));
      }
    }
  }

  @Override
  public String description() {
    return "scalar";
  }
}
