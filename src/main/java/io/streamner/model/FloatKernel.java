package io.streamner.model;

/**
 * The window network in single precision, with explicit SIMD where the time goes: forward pass,
 * cost and one per-example SGD step over {@link FloatParameters} and the window's float vectors.
 * The same equations as {@link DoubleKernel} (which stays, with the EJML reference networks of the
 * tests, as the yardstick the tests hold this kernel to): the same hidden layer, and the {@link
 * Output} layer of one output (the specification's sigmoid) or of one per tag (the typed softmax).
 *
 * <p>Deterministic: one window and one set of parameters give the same bits on every JVM and
 * machine, whether the Vector API runs (on a JVM started with {@code --add-modules
 * jdk.incubator.vector}) or not ({@link FloatLoops}, the scalar path), in the interpreter or
 * compiled, with AVX2 or AVX-512. That is what lets a stream reproduce an offline run bit for bit.
 * It holds because {@link FloatLoops} fixes the order of every sum over W (and over U of a typed
 * model) and computes tanh with its own formula ({@link FloatLoops#tanh(double)}), the rest is
 * plain scalar Java shared by both paths, and exp and log are {@code StrictMath}'s (Math's may
 * differ by an ulp between JVMs and by JIT intrinsics).
 *
 * <p>The learning rate and C/m arrive as doubles and are rounded to float once per step; the decay
 * is applied as one rounding of v (1 - lr C/m) before the gradient term is subtracted, for U as for
 * W. The window's pieces (eq. 32: a word vector, and with capitalisation features a capitalisation
 * vector, per position) are updated in place; an array passed twice receives both slices.
 *
 * <p>Not thread-safe: an instance holds one window's activations; use one per thread.
 */
public final class FloatKernel implements WindowKernel<float[], FloatParameters> {
  private static final class Fastest {
    static final FloatLoops LOOPS = FloatLoops.fastest();
  }

  private final FloatLoops loops;
  private final int inputSize;
  private final int hidden;
  private final int outputs;
  private final Output output;

  /** f: the pieces (rows of L and E) step at f times the learning rate (eq. 54). */
  private final double vectorStepFactor;

  /** x, zero from I to the padded length (the padding of W's rows multiplies zeros). */
  private final float[] x;

  /** W x, before the bias. */
  private final float[] wx;

  /**
   * z1 = W x + b1 and tanh(z1), widened to double for {@link FloatLoops#tanh}; zero past H (to a
   * multiple of 16).
   */
  private final double[] z1;

  private final double[] tanh;

  /** a1 = tanh(z1) in float; zero past H (to a multiple of 16), so it can be the x of a layer. */
  private final float[] a1;

  /** dJ/da1 from the output layer; zero past H. */
  private final float[] da1;

  /** g = dJ/db1 (eqs. 25 and 46), and lr g_k: the step of row k of W and of b1_k. */
  final float[] g;

  private final float[] lrg;

  /** dJ/dx = W^T g (eqs. 29 and 47). */
  final float[] dx;

  private final float[] scratch = new float[FloatLoops.BLOCK];

  /**
   * The kernel on the SIMD loops when the JVM has the Vector API; otherwise on the scalar ones,
   * after a one-line notice (once per JVM) that says how to enable it.
   *
   * @param inputSize I: C n, or C (n + k) with capitalisation features
   * @param outputs 1 for a binary model, the number of tags for a typed one
   */
  public FloatKernel(int inputSize, int hidden, int outputs) {
    this(Fastest.LOOPS, inputSize, hidden, outputs, 1);
  }

  /**
   * @param vectorStepFactor f of {@link Hyperparameters#vectorStepFactor()}: the pieces step at f
   *     times the learning rate
   */
  public FloatKernel(int inputSize, int hidden, int outputs, double vectorStepFactor) {
    this(Fastest.LOOPS, inputSize, hidden, outputs, vectorStepFactor);
  }

  /** The binary float model of {@code hp}'s shape: C n inputs, one output. */
  public FloatKernel(Hyperparameters hp) {
    this(hp.inputSize(), hp.hidden(), 1, hp.vectorStepFactor());
  }

  /**
   * The kernel on {@code loops}: the scalar {@link FloatLoops}, or vector loops of a chosen width.
   */
  FloatKernel(FloatLoops loops, int inputSize, int hidden, int outputs) {
    this(loops, inputSize, hidden, outputs, 1);
  }

  FloatKernel(FloatLoops loops, int inputSize, int hidden, int outputs, double vectorStepFactor) {
    Dense.checkShape(hidden, inputSize, outputs);
    this.vectorStepFactor = vectorStepFactor;
    this.loops = loops;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.outputs = outputs;
    this.output = outputs == 1 ? new Sigmoid() : new Softmax(outputs);
    int stride = FloatParameters.padded(inputSize);
    this.x = new float[stride];
    this.wx = new float[hidden];
    this.z1 = new double[FloatParameters.padded(hidden)];
    this.tanh = new double[z1.length];
    this.a1 = new float[z1.length];
    this.da1 = new float[z1.length];
    this.g = new float[hidden];
    this.lrg = new float[hidden];
    this.dx = new float[stride];
  }

  /** The plain-Java kernel: the same results as the SIMD one, without the Vector API. */
  public static FloatKernel scalar(int inputSize, int hidden, int outputs) {
    return new FloatKernel(new FloatLoops(), inputSize, hidden, outputs);
  }

  /** Which loops the kernels of this JVM run: "scalar", or the Vector API and its widths. */
  public static String fastestDescription() {
    return Fastest.LOOPS.description();
  }

  /** The loops of {@link #FloatKernel(int, int, int)}: one instance per JVM (per class loader). */
  static FloatLoops fastestLoops() {
    return Fastest.LOOPS;
  }

  /** Which loops run: "scalar", or the Vector API and its widths. */
  public String description() {
    return loops.description();
  }

  @Override
  public VectorOps<float[]> vectors() {
    return VectorOps.FLOAT;
  }

  /**
   * Forward pass, eqs. (2) and (35): the output layer over a1 = tanh(W x + b1), z1 a float sum.
   * Changes nothing but this kernel's activations (it is also the scoring path). The output is the
   * float one widened to double (exactly).
   */
  @Override
  public double[] forward(FloatParameters p, float[][] pieces) {
    run(p, pieces);
    return probabilities();
  }

  /** The forward pass, its output left in the output layer. */
  private void run(FloatParameters p, float[][] pieces) {
    Dense.checkFits(p, hidden, inputSize, outputs);
    stack(pieces);
    loops.multiply(p.w, hidden, p.stride, x, wx, scratch);
    for (int k = 0; k < hidden; k++) z1[k] = wx[k] + p.b1[k];
    loops.tanh(z1, tanh, z1.length);
    for (int k = 0; k < hidden; k++) a1[k] = (float) tanh[k];
    output.forward(p);
  }

  /**
   * One stochastic gradient step on one window, from {@code from} into {@code to} (which may be the
   * same object; every value of {@code to} is written, the padding of W and U included, so whatever
   * it held does not matter and the results are the bits of the step in place):
   *
   * <pre>
   *   the output layer: dJ/da1 = U^T delta, U and b2   (31), (15); typed (44), (50), (43)
   *   g   = dJ/da1 o (1 - a1^2)                        (25); typed (46)  = dJ/db1;  b1 -= lr g
   *   W^T g;  W -= lr (g x^T + (C/m) W)                (29), (30); typed (47), (49): one pass over W
   *   each piece -= f lr (its slice of W^T g)          (48), (54)
   * </pre>
   *
   * @param label 1 = entity (binary), or the tag id of the centre word (typed)
   * @param decay C/m of eqs. (30), (31), (49), (50)
   * @return the loss before the step (logistic, eq. 11, or cross-entropy, eq. 40), in double
   */
  @Override
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] pieces,
      int label,
      double learningRate,
      double decay) {
    DoubleKernel.checkStep(from, to, label);
    run(from, pieces);
    final float lr = (float) learningRate;
    final float lrDecay = (float) (learningRate * decay);
    final double loss = output.backward(from, to, label, lr, lrDecay);
    for (int k = 0; k < hidden; k++) {
      final float ak = a1[k];
      g[k] = da1[k] * (1 - ak * ak);
      lrg[k] = lr * g[k];
      to.b1[k] = from.b1[k] - lrg[k];
    }
    loops.backward(from.w, to.w, hidden, from.stride, x, g, lrg, lrDecay, dx);
    // dJ/dL (and dJ/dE) at their step f alpha_t (lr itself for f = 1): one fused multiply-add
    // per value, in window order
    final float lrVectors = (float) (learningRate * vectorStepFactor);
    int o = 0;
    for (final float[] piece : pieces) {
      for (int d = 0; d < piece.length; d++) piece[d] = Math.fma(-lrVectors, dx[o + d], piece[d]);
      o += piece.length;
    }
    return loss;
  }

  @Override
  public double[] probabilities() {
    return output.probabilities();
  }

  @Override
  public FloatParameters newDense() {
    return new FloatParameters(hidden, inputSize, outputs);
  }

  @Override
  public FloatParameters dense(DenseParameters dense) {
    return FloatParameters.of(dense);
  }

  /**
   * Whether every parameter is a finite number: {@link FloatParameters#isFinite}, on the SIMD loops
   * (the streaming learner checks after every sentence).
   */
  @Override
  public boolean isFiniteDense(FloatParameters p) {
    return loops.allFinite(p.w, p.w.length)
        && loops.allFinite(p.b1, p.hidden)
        && loops.allFinite(p.u, p.u.length)
        && loops.allFinite(p.b2, p.outputs);
  }

  /** x = the pieces one after another, zero to the padded length (which stays zero). */
  private void stack(float[][] pieces) {
    int o = 0;
    for (float[] piece : pieces) {
      if (o + piece.length > inputSize) throw DoubleKernel.tooLong(pieces, inputSize);
      System.arraycopy(piece, 0, x, o, piece.length);
      o += piece.length;
    }
    if (o != inputSize) throw DoubleKernel.tooLong(pieces, inputSize);
  }

  /**
   * The output layer over the kernel's a1, as in {@link DoubleKernel}: it keeps the last window's
   * scores.
   */
  private interface Output {
    void forward(FloatParameters p);

    /** The probabilities of the last {@link #forward}, widened to double. */
    double[] probabilities();

    /**
     * After {@link #forward} on the same window: dJ/da1 = U^T delta from the old U into da1, and
     * the new U and b2 into {@code to}. Returns the loss of the window before the step.
     */
    double backward(FloatParameters from, FloatParameters to, int y, float lr, float lrDecay);
  }

  /** The specification's output: h = sigmoid(U^T a1 + b2), z2 summing U_k a1_k in order of k. */
  private final class Sigmoid implements Output {
    private final double[] widened = new double[1];
    private float z2;
    private float h;

    @Override
    public void forward(FloatParameters p) {
      float z = p.b2[0]; // z2 = U^T a1 + b2 (eq. 10)
      for (int k = 0; k < p.hidden; k++) z += p.u[k] * a1[k];
      z2 = z;
      h = sigmoid(z);
    }

    @Override
    public double[] probabilities() {
      widened[0] = h;
      return widened;
    }

    /** delta = h - y; U -= lr (delta a1 + (C/m) U) (31); b2 -= lr delta (15). */
    @Override
    public double backward(
        FloatParameters from, FloatParameters to, int y, float lr, float lrDecay) {
      final float delta = h - y;
      final float lrDelta = lr * delta;
      for (int k = 0; k < from.hidden; k++) {
        final float uk = from.u[k];
        da1[k] = delta * uk; // from the U before the step
        to.u[k] = Math.fma(-lrDelta, a1[k], Math.fma(-lrDecay, uk, uk));
      }
      to.b2[0] = from.b2[0] - lrDelta;
      return logisticLoss(z2, y);
    }
  }

  /**
   * The typed output: a2 = softmax(U a1 + b2). U is a layer like W with a1 in the place of x: z2 =
   * U a1 is {@link FloatLoops#multiply}, and one {@link FloatLoops#backward} pass over U gives U^T
   * delta (eq. 44) from the old U and writes the new U (eq. 50), so every sum has the fixed order
   * of {@link FloatLoops}. The softmax and the loss take StrictMath's exp and log, in double,
   * rounded to float once.
   */
  private final class Softmax implements Output {
    /** U a1, before the bias; z2 = U a1 + b2: the K scores. */
    private final float[] ua;

    private final float[] z2;

    /** e^(z2 - max z2), in double; a2 = softmax(z2), rounded to float, and widened. */
    private final double[] exp;

    private final float[] a2;
    private final double[] widened;

    /** delta = a2 - e_y (eq. 41), and lr delta. */
    private final float[] delta;

    private final float[] lrDelta;

    /** max z2 and sum_t e^(z2_t - max), from the last forward pass: the loss reuses them. */
    private float max;

    private double sum;

    Softmax(int tags) {
      this.ua = new float[tags];
      this.z2 = new float[tags];
      this.exp = new double[tags];
      this.a2 = new float[tags];
      this.widened = new double[tags];
      this.delta = new float[tags];
      this.lrDelta = new float[tags];
    }

    @Override
    public void forward(FloatParameters p) {
      loops.multiply(p.u, p.outputs, p.uStride, a1, ua, scratch); // U a1
      float m = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < z2.length; t++) {
        z2[t] = ua[t] + p.b2[t]; // (39)
        m = Math.max(m, z2[t]);
      }
      max = m;
      // (36), the largest score subtracted first so that no exponential overflows
      double s = 0;
      for (int t = 0; t < z2.length; t++) {
        exp[t] = StrictMath.exp((double) z2[t] - m);
        s += exp[t];
      }
      sum = s;
      for (int t = 0; t < z2.length; t++) a2[t] = (float) (exp[t] / s);
    }

    @Override
    public double[] probabilities() {
      for (int t = 0; t < a2.length; t++) widened[t] = a2[t];
      return widened;
    }

    /** delta = a2 - e_y (41); U^T delta and the new U (44), (50) in one pass; b2 (43). */
    @Override
    public double backward(
        FloatParameters from, FloatParameters to, int y, float lr, float lrDecay) {
      for (int t = 0; t < z2.length; t++) {
        delta[t] = t == y ? a2[t] - 1 : a2[t];
        lrDelta[t] = lr * delta[t];
      }
      loops.backward(from.u, to.u, from.outputs, from.uStride, a1, delta, lrDelta, lrDecay, da1);
      for (int t = 0; t < z2.length; t++) to.b2[t] = from.b2[t] - lrDelta[t];
      // -log a2_y = max + log sum - z2_y (eq. 51), from the forward pass's max and sum
      return (double) max + StrictMath.log(sum) - z2[y];
    }
  }

  /**
   * The logistic loss of eq. (11), -y log h - (1-y) log(1-h), from z2 without overflow: log(1 +
   * e^z) - y z with log(1 + e^z) = max(z, 0) + log1p(e^-|z|). StrictMath, so reported losses are
   * reproducible too.
   */
  public static double logisticLoss(float z2, int y) {
    double z = z2;
    return Math.max(z, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(z))) - y * z;
  }

  /** Eq. (4), in double and rounded once; StrictMath so that every JVM gives the same bits. */
  static float sigmoid(float z) {
    return (float) (1.0 / (1.0 + StrictMath.exp(-(double) z)));
  }
}
