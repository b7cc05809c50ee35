package io.streamner.model;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * The loops of {@link FloatKernel} that run over all of W, where nearly all of an SGD step's time
 * goes, in plain Java: the definition of the canonical order written out, and the fallback when the
 * JVM runs without {@code --add-modules jdk.incubator.vector}. {@link VectorFloatLoops} overrides
 * them with explicit SIMD (the incubating Vector API) and gives the same bits.
 *
 * <p>The same bits whatever runs them (the interpreter or compiled code, SSE, AVX2 or AVX-512, a
 * JIT that vectorises or not) because every value is computed by one fixed sequence of IEEE float
 * operations, each exactly rounded:
 *
 * <ul>
 *   <li>A dot product over a row of W (eq. 2's W x) keeps 16 partial sums, partial l taking the
 *       products of the entries j = l (mod 16) in increasing j, each added by a fused multiply-add;
 *       then the 16 partials are folded in a fixed tree: p_l + p_(l+8), then + the one 4 apart, 2
 *       apart, 1 apart ({@link #fold16}). Rows are padded with zeros to a multiple of 16 ({@link
 *       FloatParameters#stride}), so there is no tail. The order never depends on the vector width:
 *       a 512-bit vector holds the 16 partials, two 256-bit vectors hold 8 each, and the first
 *       levels of the tree are then lane-wise adds of those vectors. A horizontal {@code
 *       reduceLanes(ADD)} is never used: its order is unspecified and differs between the
 *       interpreter and C2.
 *   <li>Everything else is lane-wise (an entry of a result depends on the same entry of each
 *       input), so it is the scalar formula applied to each entry, whatever the width: dJ/dx = W^T
 *       g, which sums over the rows k in increasing k, the update of W, and tanh.
 * </ul>
 *
 * Fused multiply-add is {@code Math.fma} here and {@code FloatVector.fma} in the vector loops: both
 * are the exactly rounded a*b+c of IEEE 754.
 */
class FloatLoops {
  /** Floats per block: the number of partial sums of a dot product, and the row padding. */
  static final int BLOCK = 16;

  /**
   * W x of eq. (2): {@code z[k] = sum_j w[k * stride + j] * x[j]} for k < rows, in the order above.
   * The 16 partials are locals (registers); each is one chain of fused multiply-adds in increasing
   * j.
   *
   * @param scratch at least 16 floats this call may overwrite
   */
  void multiply(float[] w, int rows, int stride, float[] x, float[] z, float[] scratch) {
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
      z[k] = fold8(p0 + p8, p1 + p9, p2 + p10, p3 + p11, p4 + p12, p5 + p13, p6 + p14, p7 + p15);
    }
  }

  /**
   * The pass over W of an SGD step, from the W before the step ({@code w}) into {@code out}, which
   * may be the same array. For every k in increasing order and every j < stride:
   *
   * <pre>
   *   dx[j]     = fma(g[k], W[k][j], dx[j])                                (29): dx = W^T g, dx from 0
   *   out[k][j] = fma(-lrg[k], x[j], fma(-lrDecay, W[k][j], W[k][j]))      (30): W - lr (g x^T + (C/m) W)
   * </pre>
   *
   * The inner fma is W (1 - lr C/m) rounded once; the outer subtracts lr g_k x_j, with {@code
   * lrg[k] = lr * g[k]}. Every entry of {@code out} is written, the padding too (with zeros, as x
   * is zero there).
   */
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

  /**
   * Eq. (3) for every entry: {@code out[i] = tanh(z[i])} for i < length, a multiple of 16, by the
   * formula of {@link #tanh(double)}, which takes only +, *, fma, / and bit operations, so it is
   * lane-wise too.
   */
  void tanh(double[] z, double[] out, int length) {
    for (int i = 0; i < length; i++) out[i] = tanh(z[i]);
  }

  /**
   * Whether the first {@code length} values are all finite numbers (no NaN, no infinity): the check
   * the streaming learner makes on W after every sentence, so it must not cost a fraction of the
   * sentence. {@code v * 0} is 0 for a finite v and NaN otherwise, so sums of those say it without
   * a branch per value; several independent sums (lanes), so that the additions need not wait for
   * each other.
   */
  boolean allFinite(float[] values, int length) {
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

  /** What runs, for reports: "scalar", "Vector API, 512-bit", ... */
  String description() {
    return "scalar";
  }

  /**
   * The fixed tree that folds the 16 partial sums of a dot product: (p_l + p_(l+8)) for l < 8, then
   * {@link #fold8}.
   */
  static float fold16(float[] p) {
    return fold8(
        p[0] + p[8],
        p[1] + p[9],
        p[2] + p[10],
        p[3] + p[11],
        p[4] + p[12],
        p[5] + p[13],
        p[6] + p[14],
        p[7] + p[15]);
  }

  /** Levels 2 to 4 of the tree, from the 8 sums p_l + p_(l+8): 4 apart, then {@link #fold4}. */
  static float fold8(
      float t0, float t1, float t2, float t3, float t4, float t5, float t6, float t7) {
    return fold4(t0 + t4, t1 + t5, t2 + t6, t3 + t7);
  }

  /** Levels 3 and 4 of the tree: 2 apart, then 1 apart. */
  static float fold4(float u0, float u1, float u2, float u3) {
    return (u0 + u2) + (u1 + u3);
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

  /** The module that holds the Vector API; the JVM has it only with --add-modules. */
  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /**
   * The vector loops when the JVM has the Vector API, else the scalar ones with a one-line notice
   * that says how to enable it. {@link FloatKernel} calls this once per JVM (per class loader, in a
   * Flink job), so the notice is printed once.
   */
  static FloatLoops fastest() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      notice(
          "the Vector API is not enabled: the float kernel runs its scalar path (same results,"
              + " slower); bin/streamner enables it, or java --add-modules "
              + VECTOR_MODULE);
      return new FloatLoops();
    }
    // By name: VectorFloatLoops links against jdk.incubator.vector, so it must not be loaded, not
    // even by the verifier of this class, when the module is absent.
    try {
      return (FloatLoops)
          Class.forName(
                  FloatLoops.class.getPackageName() + ".VectorFloatLoops",
                  true,
                  FloatLoops.class.getClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      Throwable why = e instanceof InvocationTargetException i ? i.getCause() : e;
      notice(
          "the Vector API is present but unusable here ("
              + why
              + "): the float kernel runs its scalar path (same results, slower)");
      return new FloatLoops();
    }
  }

  private static void notice(String message) {
    LoggerFactory.getLogger(FloatKernel.class).warn(message);
  }
}
