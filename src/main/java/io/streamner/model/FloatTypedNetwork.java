package io.streamner.model;

/**
 * The typed model (src/site/markdown/typed-model.md) in single precision: forward pass, cost and
 * one per-example SGD step over {@link FloatParameters} and the window's float vectors, on the SIMD
 * loops of {@link FloatNetwork}. The same equations as the double {@link TypedNetwork} (which
 * stays, with the EJML {@code ReferenceTypedNetwork} of the tests, as the yardstick the tests hold
 * this kernel to).
 *
 * <p>Notation of the typed model's page: x is the input (eq. 32), z1 = W x + b1, a1 = tanh(z1), z2
 * = U a1 + b2 (K scores), a2 = softmax(z2) (eqs. 35, 36, 39). The hidden layer is {@link
 * FloatNetwork}'s ({@link FloatHiddenLayer}). The output layer is the same pair of loops with U in
 * the place of W and a1 in the place of x: z2 = U a1 is {@link FloatLoops#multiply}, and one {@link
 * FloatLoops#backward} pass over U gives U^T delta (eq. 44) from the old U and writes the new U
 * (eq. 50), as the pass over W gives W^T g and the new W. So every sum has the fixed order of
 * {@link FloatLoops}, and the kernel has {@link FloatNetwork}'s determinism: the same bits whether
 * the Vector API runs or not, on every JVM and machine. The softmax and the loss take StrictMath's
 * exp and log, in double, rounded to float once.
 *
 * <p>The learning rate and C/m arrive as doubles and are rounded to float once per step. The
 * window's vectors are passed as {@code float[][] pieces} (eq. 32: a word vector, and with
 * capitalisation features a capitalisation vector, per position) and updated in place; an array
 * passed twice receives both slices of the gradient.
 *
 * <p>An instance is immutable and can be shared; a {@link Workspace} holds one window's activations
 * and is for one thread.
 */
public final class FloatTypedNetwork {
  private static final class Fastest {
    static final FloatTypedNetwork INSTANCE = new FloatTypedNetwork(FloatLoops.fastest());
  }

  private final FloatLoops loops;

  FloatTypedNetwork(FloatLoops loops) {
    this.loops = loops;
  }

  /**
   * The SIMD kernel when the JVM has the Vector API, else the scalar one (see {@link
   * FloatNetwork#fastest()}).
   */
  public static FloatTypedNetwork fastest() {
    return Fastest.INSTANCE;
  }

  /** The plain-Java kernel: the same results as {@link #fastest()}, without the Vector API. */
  public static FloatTypedNetwork scalar() {
    return new FloatTypedNetwork(new ScalarFloatLoops());
  }

  /** Which loops run: "scalar", or the Vector API and its widths. */
  public String description() {
    return loops.description();
  }

  /** Scratch arrays for one window, reused across steps so the hot loop allocates nothing. */
  public static final class Workspace {
    final FloatHiddenLayer layer;

    /** U a1, before the bias. */
    final float[] ua;

    /** z2 = U a1 + b2: the K scores. */
    final float[] z2;

    /** e^(z2 - max z2), in double. */
    final double[] exp;

    /** a2 = softmax(z2), rounded to float. */
    final float[] a2;

    /** delta = a2 - e_y (eq. 41), and lr delta. */
    final float[] delta;

    final float[] lrDelta;

    /** U^T delta (eq. 44): dJ/da1; zero past H. */
    final float[] ud;

    /** max z2 and sum_t e^(z2_t - max), from the last forward pass: the loss reuses them. */
    float max;

    double sum;

    /**
     * @param inputSize I: the length of x, C n or C (n + k) with capitalisation features
     */
    public Workspace(int inputSize, int hidden, int tags) {
      this.layer = new FloatHiddenLayer(inputSize, hidden);
      this.ua = new float[tags];
      this.z2 = new float[tags];
      this.exp = new double[tags];
      this.a2 = new float[tags];
      this.delta = new float[tags];
      this.lrDelta = new float[tags];
      this.ud = new float[FloatParameters.padded(hidden)];
    }

    /**
     * a2 of the last {@link #forward} (or of the forward half of the last {@link #sgdStep}): the
     * probability of every tag, before that step changed the model. Overwritten by the next call.
     */
    public float[] probabilities() {
      return a2;
    }
  }

  /**
   * Forward pass, eq. (35): a2 = softmax(U tanh(W x + b1) + b2), the probability of each tag for
   * the centre word. Changes nothing but the workspace (it is also the scoring path).
   *
   * @return the workspace's a2 (overwritten by the next call)
   */
  public float[] forward(FloatParameters p, float[][] pieces, Workspace ws) {
    final FloatHiddenLayer layer = ws.layer;
    if (ws.z2.length != p.outputs) {
      throw new IllegalArgumentException(
          "the workspace is for " + ws.z2.length + " tags, the parameters have " + p.outputs);
    }
    layer.stack(p.hidden, p.inputSize, pieces);
    layer.forward(loops, p.w, p.b1, p.stride);
    loops.multiply(p.u, p.outputs, p.uStride, layer.a1, ws.ua, layer.scratch); // U a1
    final float[] z2 = ws.z2;
    float max = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < p.outputs; t++) {
      z2[t] = ws.ua[t] + p.b2[t]; // (39)
      max = Math.max(max, z2[t]);
    }
    ws.max = max;
    ws.sum = softmax(z2, max, ws.exp, ws.a2);
    return ws.a2;
  }

  /**
   * a2 = softmax(z2), eq. (36), in double and rounded to float once, with the largest score
   * subtracted first so that no exponential overflows; StrictMath so that every JVM gives the same
   * bits. Returns the sum of the exponentials.
   */
  private static double softmax(float[] z2, float max, double[] exp, float[] a2) {
    double sum = 0;
    for (int t = 0; t < z2.length; t++) {
      exp[t] = StrictMath.exp((double) z2[t] - max);
      sum += exp[t];
    }
    for (int t = 0; t < z2.length; t++) a2[t] = (float) (exp[t] / sum);
    return sum;
  }

  /**
   * One stochastic gradient step on one window whose centre word has tag {@code y}, eq. (38) as the
   * cost. All gradients are taken at the parameters before the step, then every group is updated:
   *
   * <pre>
   *   delta  = a2 - e_y                                 (41)
   *   U^T delta;  U -= lr (delta a1^T + (C/m) U)        (44), (50): one pass over U
   *   b2    -= lr delta                                 (43)
   *   g      = (U^T delta) o (1 - a1^2)                 (46) = dJ/db1;  b1 -= lr g
   *   W^T g;  W -= lr (g x^T + (C/m) W)                 (47), (49): one pass over W
   *   each piece -= lr (its slice of W^T g)             (48)
   * </pre>
   *
   * As in {@link FloatNetwork}, the decay is applied as one rounding of v (1 - lr C/m) before the
   * gradient term is subtracted, for U as for W.
   *
   * @param y the id of the centre word's tag in the model's tag set
   * @param decay the regularisation constant divided by m, C/m in eqs. (49) and (50)
   * @return the cross-entropy loss of this window before the step, -log a2_y (eq. 40), without the
   *     regularisation term
   */
  public double sgdStep(
      FloatParameters p, float[][] pieces, int y, double learningRate, double decay, Workspace ws) {
    return sgdStep(p, p, pieces, y, learningRate, decay, ws);
  }

  /**
   * {@link #sgdStep(FloatParameters, float[][], int, double, double, Workspace)} from the
   * parameters {@code from} into {@code to}, which may be the same object: every value of {@code
   * to} is written (from {@code from}'s, the padding of W and U included), so whatever {@code to}
   * held before does not matter, and the results are the bits of the step in place. The streaming
   * {@link OnlineLearner} trains a sentence's first window from the live model into a spare one
   * this way, which spares it a copy of the dense parameters per sentence; the window's vectors are
   * updated in place either way.
   */
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] pieces,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    TypedNetwork.checkStep(from, to, y);
    final float[] a2 = forward(from, pieces, ws);
    final FloatHiddenLayer layer = ws.layer;
    final float lr = (float) learningRate;
    final float lrDecay = (float) (learningRate * decay);
    final float[] delta = ws.delta;
    final float[] lrDelta = ws.lrDelta;
    for (int t = 0; t < from.outputs; t++) {
      delta[t] = t == y ? a2[t] - 1 : a2[t]; // (41)
      lrDelta[t] = lr * delta[t];
    }
    // (44) and (50): ud = U^T delta from the old U, and the new U, in one pass
    loops.backward(
        from.u, to.u, from.outputs, from.uStride, layer.a1, delta, lrDelta, lrDecay, ws.ud);
    for (int t = 0; t < from.outputs; t++) to.b2[t] = from.b2[t] - lrDelta[t]; // (43)

    final float[] a1 = layer.a1;
    final float[] g = layer.g;
    final float[] lrg = layer.lrg;
    for (int k = 0; k < from.hidden; k++) {
      final float ak = a1[k];
      g[k] = ws.ud[k] * (1 - ak * ak); // (46)
      lrg[k] = lr * g[k];
      to.b1[k] = from.b1[k] - lrg[k];
    }
    layer.backward(loops, from.w, to.w, from.stride, lrDecay); // (47), (49)
    layer.scatter(pieces, lr); // (48)
    // crossEntropy(ws.z2, y), from the forward pass's max and sum (the same terms in the same
    // order)
    return (double) ws.max + StrictMath.log(ws.sum) - ws.z2[y];
  }

  /**
   * Whether every parameter is a finite number: {@link FloatParameters#isFinite}, on the SIMD loops
   * (the streaming learner checks after every sentence), as {@link FloatNetwork#isFinite}.
   */
  public boolean isFinite(FloatParameters p) {
    return loops.allFinite(p.w, p.w.length)
        && loops.allFinite(p.b1, p.hidden)
        && loops.allFinite(p.u, p.u.length)
        && loops.allFinite(p.b2, p.outputs);
  }

  /**
   * -log softmax(z)_y, eq. (51), in double from the float scores: log sum_t e^{z_t} - z_y with the
   * largest score taken out of the sum. StrictMath, so reported losses are reproducible too.
   */
  public static double crossEntropy(float[] z, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) max = Math.max(max, v);
    double sum = 0;
    for (float v : z) sum += StrictMath.exp(v - max);
    return max + StrictMath.log(sum) - z[y];
  }
}
