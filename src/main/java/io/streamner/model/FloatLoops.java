package io.streamner.model;

import java.lang.reflect.InvocationTargetException;
import org.slf4j.LoggerFactory;

/**
 * The two loops of {@link FloatKernel} that run over all of W, where nearly all of an SGD step's
 * time goes. Two implementations give bit for bit the same results: {@link VectorFloatLoops}
 * (explicit SIMD with the incubating Vector API) and {@link ScalarFloatLoops} (plain Java, the
 * fallback when the JVM runs without {@code --add-modules jdk.incubator.vector}).
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
 * Fused multiply-add is {@code Math.fma} in the scalar path and {@code FloatVector.fma} in the
 * vector path: both are the exactly rounded a*b+c of IEEE 754.
 */
interface FloatLoops {
  /** Floats per block: the number of partial sums of a dot product, and the row padding. */
  int BLOCK = 16;

  /**
   * W x of eq. (2): {@code z[k] = sum_j w[k * stride + j] * x[j]} for k < rows, in the order above.
   *
   * @param scratch at least 16 floats this call may overwrite
   */
  void multiply(float[] w, int rows, int stride, float[] x, float[] z, float[] scratch);

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
      float[] dx);

  /**
   * Eq. (3) for every entry: {@code out[i] = tanh(z[i])} for i < length, a multiple of 16, in
   * double by the formula of {@link ScalarFloatLoops#tanh}, which takes only +, *, fma, / and bit
   * operations, so it is lane-wise too.
   */
  void tanh(double[] z, double[] out, int length);

  /**
   * Whether the first {@code length} values are all finite numbers (no NaN, no infinity): the check
   * the streaming learner makes on W after every sentence, so it must not cost a fraction of the
   * sentence. {@code v * 0} is 0 for a finite v and NaN otherwise, so sums of those say it without
   * a branch per value; several independent sums (lanes), so that the additions need not wait for
   * each other.
   */
  boolean allFinite(float[] values, int length);

  /** What runs, for reports: "scalar", "Vector API, 512-bit", ... */
  String description();

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

  /** The module that holds the Vector API; the JVM has it only with --add-modules. */
  String VECTOR_MODULE = "jdk.incubator.vector";

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
      return new ScalarFloatLoops();
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
      return new ScalarFloatLoops();
    }
  }

  private static void notice(String message) {
    LoggerFactory.getLogger(FloatKernel.class).warn(message);
  }
}
