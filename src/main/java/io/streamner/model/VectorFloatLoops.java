package io.streamner.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLoops} with explicit SIMD (the incubating Vector API, {@code jdk.incubator.vector}):
 * the same bits as the scalar {@link FloatLoops}, several times faster.
 *
 * <p>Only {@link FloatLoops#fastest} loads this class, by name, after checking that the JVM has the
 * module: every reference to the Vector API stays here, so a JVM without it never resolves one.
 *
 * <p>Species are static constants (the JIT turns only constant species into vector instructions).
 * The backward pass is lane-wise and uses {@link #LANES}, the widest of 512, 256 and 128 bits the
 * machine prefers. The dot products of the forward pass keep 16 partial sums whatever the width
 * (one 512-bit vector, two 256-bit or four 128-bit ones per row) and fold them in the fixed tree of
 * {@link FloatLoops}; the width is a constructor argument so that tests run all three in one JVM.
 *
 * <p>What was measured (one SGD step, C=5 H=100 n=50, on btc.train's windows, best of many bursts
 * on a shared 2-core AVX-512 machine, December 2026): fused multiply-add beats a multiply and an
 * add by about 15% (235k against 270-280k windows/s); four rows per pass of the backward loop beat
 * two by 1-8% and one by 25%; 512-bit vectors beat 256-bit ones by 3-10% (AVX-512 with 256-bit
 * vectors 265-280k, AVX2 only 247-272k, AVX-512 281-288k); folding the 16 partials through an array
 * was as fast as or faster than with four shuffles per row; W as {@code float[][]} rows was as fast
 * as one flat array. Mixing widths in one JVM costs: in a JVM that had run the 512-, 256- and
 * 128-bit loops, the 256-bit backward pass ran 20 times slower than alone (C2 no longer turned some
 * of it into vector instructions), so the kernel runs one width (the tests, which run all three,
 * are slower for it but no less exact).
 */
final class VectorFloatLoops extends FloatLoops {
  private static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512;
  private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
  private static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;

  /** The vector width of the lane-wise loops: the preferred one, at most 512 bits. */
  static final VectorSpecies<Float> LANES = widest(FloatVector.SPECIES_PREFERRED.vectorBitSize());

  /** The double vectors of {@link #tanh}: as wide as {@link #LANES}. */
  static final VectorSpecies<Double> DOUBLES =
      LANES.vectorBitSize() == 512
          ? DoubleVector.SPECIES_512
          : LANES.vectorBitSize() == 256 ? DoubleVector.SPECIES_256 : DoubleVector.SPECIES_128;

  private final int bits;

  /** The machine's preferred width (at most 512 bits). */
  VectorFloatLoops() {
    this(LANES.vectorBitSize());
  }

  /**
   * @param bits vector width of the dot products: 128, 256 or 512
   * @throws UnsupportedOperationException when the machine has no 128-bit vectors
   */
  VectorFloatLoops(int bits) {
    if (bits != 128 && bits != 256 && bits != 512)
      throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + bits);
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 128)
      throw new UnsupportedOperationException("no SIMD: the preferred float vector is too short");
    this.bits = bits;
  }

  private static VectorSpecies<Float> widest(int preferredBits) {
    return preferredBits >= 512 ? S512 : preferredBits >= 256 ? S256 : S128;
  }

  @Override
  String description() {
    return "Vector API, " + bits + "-bit dot products, " + LANES.vectorBitSize() + "-bit updates";
  }

  @Override
  void multiply(float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
    switch (bits) {
      case 512 -> multiply512(w, rows, stride, x, z, scratch);
      case 256 -> multiply256(w, rows, stride, x, z, scratch);
      default -> multiply128(w, rows, stride, x, z, scratch);
    }
  }

  /**
   * Four rows at a time, each x block loaded once for the four; one vector holds a row's 16
   * partials. Rows past the end repeat the last row and their sums are dropped.
   */
  private static void multiply512(
      float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
    for (int k = 0; k < rows; k += 4) {
      final int o0 = k * stride;
      final int o1 = clamped(k + 1, rows, stride);
      final int o2 = clamped(k + 2, rows, stride);
      final int o3 = clamped(k + 3, rows, stride);
      FloatVector p0 = FloatVector.zero(S512);
      FloatVector p1 = p0, p2 = p0, p3 = p0;
      for (int j = 0; j < stride; j += BLOCK) {
        final FloatVector xv = FloatVector.fromArray(S512, x, j);
        p0 = FloatVector.fromArray(S512, w, o0 + j).fma(xv, p0);
        p1 = FloatVector.fromArray(S512, w, o1 + j).fma(xv, p1);
        p2 = FloatVector.fromArray(S512, w, o2 + j).fma(xv, p2);
        p3 = FloatVector.fromArray(S512, w, o3 + j).fma(xv, p3);
      }
      z[k] = fold16(p0, scratch);
      if (k + 1 < rows) z[k + 1] = fold16(p1, scratch);
      if (k + 2 < rows) z[k + 2] = fold16(p2, scratch);
      if (k + 3 < rows) z[k + 3] = fold16(p3, scratch);
    }
  }

  /** Where row k starts, or the last row when k is past the end. */
  private static int clamped(int k, int rows, int stride) {
    return Math.min(k, rows - 1) * stride;
  }

  private static float fold16(FloatVector p, float[] scratch) {
    p.intoArray(scratch, 0);
    return FloatLoops.fold16(scratch);
  }

  /**
   * Four rows at a time; a row's partials 0-7 and 8-15 are two vectors, whose sum is the first
   * level of the tree.
   */
  private static void multiply256(
      float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
    for (int k = 0; k < rows; k += 4) {
      final int o0 = k * stride;
      final int o1 = clamped(k + 1, rows, stride);
      final int o2 = clamped(k + 2, rows, stride);
      final int o3 = clamped(k + 3, rows, stride);
      FloatVector l0 = FloatVector.zero(S256);
      FloatVector h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
      for (int j = 0; j < stride; j += BLOCK) {
        final FloatVector xl = FloatVector.fromArray(S256, x, j);
        final FloatVector xh = FloatVector.fromArray(S256, x, j + 8);
        l0 = FloatVector.fromArray(S256, w, o0 + j).fma(xl, l0);
        h0 = FloatVector.fromArray(S256, w, o0 + j + 8).fma(xh, h0);
        l1 = FloatVector.fromArray(S256, w, o1 + j).fma(xl, l1);
        h1 = FloatVector.fromArray(S256, w, o1 + j + 8).fma(xh, h1);
        l2 = FloatVector.fromArray(S256, w, o2 + j).fma(xl, l2);
        h2 = FloatVector.fromArray(S256, w, o2 + j + 8).fma(xh, h2);
        l3 = FloatVector.fromArray(S256, w, o3 + j).fma(xl, l3);
        h3 = FloatVector.fromArray(S256, w, o3 + j + 8).fma(xh, h3);
      }
      z[k] = fold8(l0.add(h0), scratch);
      if (k + 1 < rows) z[k + 1] = fold8(l1.add(h1), scratch);
      if (k + 2 < rows) z[k + 2] = fold8(l2.add(h2), scratch);
      if (k + 3 < rows) z[k + 3] = fold8(l3.add(h3), scratch);
    }
  }

  private static float fold8(FloatVector t, float[] scratch) {
    t.intoArray(scratch, 0);
    return FloatLoops.fold8(
        scratch[0],
        scratch[1],
        scratch[2],
        scratch[3],
        scratch[4],
        scratch[5],
        scratch[6],
        scratch[7]);
  }

  /**
   * Two rows at a time; a row's partials are four vectors (0-3, 4-7, 8-11, 12-15), and the first
   * two levels of the tree are (q0 + q2) + (q1 + q3).
   */
  private static void multiply128(
      float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
    for (int k = 0; k < rows; k += 2) {
      final int o0 = k * stride;
      final int o1 = clamped(k + 1, rows, stride);
      FloatVector a0 = FloatVector.zero(S128);
      FloatVector b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
      for (int j = 0; j < stride; j += BLOCK) {
        final FloatVector xa = FloatVector.fromArray(S128, x, j);
        final FloatVector xb = FloatVector.fromArray(S128, x, j + 4);
        final FloatVector xc = FloatVector.fromArray(S128, x, j + 8);
        final FloatVector xd = FloatVector.fromArray(S128, x, j + 12);
        a0 = FloatVector.fromArray(S128, w, o0 + j).fma(xa, a0);
        b0 = FloatVector.fromArray(S128, w, o0 + j + 4).fma(xb, b0);
        c0 = FloatVector.fromArray(S128, w, o0 + j + 8).fma(xc, c0);
        d0 = FloatVector.fromArray(S128, w, o0 + j + 12).fma(xd, d0);
        a1 = FloatVector.fromArray(S128, w, o1 + j).fma(xa, a1);
        b1 = FloatVector.fromArray(S128, w, o1 + j + 4).fma(xb, b1);
        c1 = FloatVector.fromArray(S128, w, o1 + j + 8).fma(xc, c1);
        d1 = FloatVector.fromArray(S128, w, o1 + j + 12).fma(xd, d1);
      }
      z[k] = fold4(a0.add(c0).add(b0.add(d0)), scratch);
      if (k + 1 < rows) z[k + 1] = fold4(a1.add(c1).add(b1.add(d1)), scratch);
    }
  }

  private static float fold4(FloatVector u, float[] scratch) {
    u.intoArray(scratch, 0);
    return FloatLoops.fold4(scratch[0], scratch[1], scratch[2], scratch[3]);
  }

  @Override
  boolean allFinite(float[] values, int length) {
    final VectorSpecies<Float> s = LANES;
    final FloatVector zero = FloatVector.zero(s);
    FloatVector a = zero, b = zero;
    int i = 0;
    for (; i + 2 * s.length() <= length; i += 2 * s.length()) {
      a = FloatVector.fromArray(s, values, i).fma(zero, a);
      b = FloatVector.fromArray(s, values, i + s.length()).fma(zero, b);
    }
    float rest = 0;
    for (; i < length; i++) rest += values[i] * 0;
    return a.add(b).reduceLanes(VectorOperators.ADD) + rest == 0;
  }

  /** {@link FloatLoops#tanh(double)}, operation for operation, a vector of doubles at a time. */
  @Override
  void tanh(double[] z, double[] out, int length) {
    final VectorSpecies<Double> s = DOUBLES;
    final DoubleVector two = DoubleVector.broadcast(s, 2);
    for (int i = 0; i < length; i += s.length()) {
      final LongVector zBits = DoubleVector.fromArray(s, z, i).reinterpretAsLongs();
      final DoubleVector y = zBits.and(~SIGN).reinterpretAsDoubles().min(TANH_CLAMP).mul(two);
      final DoubleVector rounded = y.mul(INV_LN2).add(ROUND);
      final DoubleVector n = rounded.sub(ROUND);
      final DoubleVector r = y.sub(n.mul(LN2));
      DoubleVector p = DoubleVector.zero(s);
      for (double c : SERIES) p = p.fma(r, DoubleVector.broadcast(s, c));
      final DoubleVector twoToN =
          rounded
              .reinterpretAsLongs()
              .add(1023)
              .lanewise(VectorOperators.LSHL, 52)
              .reinterpretAsDoubles();
      final DoubleVector e = twoToN.fma(p.mul(r), twoToN.sub(1));
      final DoubleVector q = e.div(e.add(two));
      q.reinterpretAsLongs().or(zBits.and(SIGN)).reinterpretAsDoubles().intoArray(out, i);
    }
  }

  /**
   * Eqs. (29) and (30) in one pass over W ({@link FloatLoops#backward}), four rows at a time: each
   * block of x and dx is loaded once for four rows of W, and dx takes the four rows' terms in row
   * order. Then the rows left over one at a time.
   */
  @Override
  void backward(
      float[] w,
      float[] out,
      int rows,
      int stride,
      float[] x,
      float[] g,
      float[] lrg,
      float lrDecay,
      float[] dx) {
    final VectorSpecies<Float> s = LANES;
    final int step = s.length();
    final FloatVector minusLrDecay = FloatVector.broadcast(s, -lrDecay);
    final FloatVector zero = FloatVector.zero(s);
    for (int j = 0; j < stride; j += step) zero.intoArray(dx, j);
    int k = 0;
    for (; k + 4 <= rows; k += 4) {
      final int o0 = k * stride, o1 = o0 + stride, o2 = o1 + stride, o3 = o2 + stride;
      final FloatVector g0 = FloatVector.broadcast(s, g[k]);
      final FloatVector g1 = FloatVector.broadcast(s, g[k + 1]);
      final FloatVector g2 = FloatVector.broadcast(s, g[k + 2]);
      final FloatVector g3 = FloatVector.broadcast(s, g[k + 3]);
      final FloatVector m0 = FloatVector.broadcast(s, -lrg[k]);
      final FloatVector m1 = FloatVector.broadcast(s, -lrg[k + 1]);
      final FloatVector m2 = FloatVector.broadcast(s, -lrg[k + 2]);
      final FloatVector m3 = FloatVector.broadcast(s, -lrg[k + 3]);
      for (int j = 0; j < stride; j += step) {
        final FloatVector xv = FloatVector.fromArray(s, x, j);
        final FloatVector w0 = FloatVector.fromArray(s, w, o0 + j);
        final FloatVector w1 = FloatVector.fromArray(s, w, o1 + j);
        final FloatVector w2 = FloatVector.fromArray(s, w, o2 + j);
        final FloatVector w3 = FloatVector.fromArray(s, w, o3 + j);
        w3.fma(g3, w2.fma(g2, w1.fma(g1, w0.fma(g0, FloatVector.fromArray(s, dx, j)))))
            .intoArray(dx, j);
        xv.fma(m0, w0.fma(minusLrDecay, w0)).intoArray(out, o0 + j);
        xv.fma(m1, w1.fma(minusLrDecay, w1)).intoArray(out, o1 + j);
        xv.fma(m2, w2.fma(minusLrDecay, w2)).intoArray(out, o2 + j);
        xv.fma(m3, w3.fma(minusLrDecay, w3)).intoArray(out, o3 + j);
      }
    }
    for (; k < rows; k++) {
      final int o = k * stride;
      final FloatVector gk = FloatVector.broadcast(s, g[k]);
      final FloatVector mk = FloatVector.broadcast(s, -lrg[k]);
      for (int j = 0; j < stride; j += step) {
        final FloatVector wk = FloatVector.fromArray(s, w, o + j);
        wk.fma(gk, FloatVector.fromArray(s, dx, j)).intoArray(dx, j);
        FloatVector.fromArray(s, x, j).fma(mk, wk.fma(minusLrDecay, wk)).intoArray(out, o + j);
      }
    }
  }
}
