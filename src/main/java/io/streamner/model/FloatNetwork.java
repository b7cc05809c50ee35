package io.streamner.model;

/**
 * The window model in single precision: forward pass, logistic loss and one per-example SGD step
 * over {@link FloatParameters} and the C float word vectors of a window, with explicit SIMD where
 * the time goes. The same semantics as the double {@link WindowNetwork} (which stays, with the EJML
 * {@link ReferenceNetwork}, as the yardstick the tests hold this kernel to).
 *
 * <p>Deterministic: one window and one set of parameters give the same bits on every JVM and
 * machine, whether the Vector API runs (an instance from {@link #fastest()} on a JVM started with
 * {@code --add-modules jdk.incubator.vector}) or not ({@link #scalar()}), in the interpreter or
 * compiled, with AVX2 or AVX-512. That is what lets a stream reproduce an offline run bit for bit.
 * It holds because {@link FloatLoops} fixes the order of every sum over W and computes tanh with
 * its own formula ({@link ScalarFloatLoops#tanh}), the rest is plain scalar Java shared by both
 * paths, and exp is {@code StrictMath}'s (Math's may differ by an ulp between JVMs and by JIT
 * intrinsics).
 *
 * <p>Notation of the specification: x is the nC input (the C word vectors stacked), z1 = W x + b1,
 * a1 = tanh(z1), z2 = U^T a1 + b2, h = a2 = sigmoid(z2) (eqs. 2-4, 10). The learning rate and C/m
 * arrive as doubles and are rounded to float once per step.
 *
 * <p>The word vectors are passed as {@code float[][] columns}, one n-array per window position
 * (with capitalisation features, a word vector and then a capitalisation vector per position, as
 * {@link WindowNetwork} takes them: x is their concatenation), and updated in place. When a word
 * occurs twice in a window the caller passes the same array twice and it receives both gradient
 * pieces, position by position.
 *
 * <p>An instance is immutable and can be shared; a {@link Workspace} holds one window's activations
 * and is for one thread.
 */
public final class FloatNetwork {
  private static final class Fastest {
    static final FloatNetwork INSTANCE = new FloatNetwork(FloatLoops.fastest());
  }

  private final FloatLoops loops;

  FloatNetwork(FloatLoops loops) {
    this.loops = loops;
  }

  /**
   * The SIMD kernel when the JVM has the Vector API; otherwise the scalar one, after a one-line
   * notice (once per JVM) that says how to enable it.
   */
  public static FloatNetwork fastest() {
    return Fastest.INSTANCE;
  }

  /** The plain-Java kernel: the same results as {@link #fastest()}, without the Vector API. */
  public static FloatNetwork scalar() {
    return new FloatNetwork(new ScalarFloatLoops());
  }

  /** Whether every parameter is a finite number: {@link FloatParameters#isFinite}, faster. */
  public boolean isFinite(FloatParameters p) {
    return loops.allFinite(p.w, p.w.length)
        && loops.allFinite(p.b1, p.hidden)
        && loops.allFinite(p.u, p.hidden)
        && Float.isFinite(p.b2[0]);
  }

  /** Which loops run: "scalar", or the Vector API and its widths. */
  public String description() {
    return loops.description();
  }

  /** Scratch arrays for one window, reused across steps so the hot loop allocates nothing. */
  public static final class Workspace {
    /** x, a1 and the gradients of the hidden layer, shared with the typed float network. */
    final FloatHiddenLayer layer;

    float z2;
    float h;

    public Workspace(Hyperparameters hp) {
      this(hp.windowSize(), hp.dim(), hp.hidden());
    }

    /**
     * For windows of {@code windowSize} positions of {@code dim} values each: n, or n + k with
     * capitalisation features (a word vector and a capitalisation vector per position).
     */
    public Workspace(int windowSize, int dim, int hidden) {
      this(Math.multiplyExact(windowSize, dim), hidden);
    }

    /** For inputs x of {@code inputSize} values (I), however the window's pieces fill them. */
    public Workspace(int inputSize, int hidden) {
      this.layer = new FloatHiddenLayer(inputSize, hidden);
    }

    /**
     * h of the last {@link #forward} (or of the forward half of the last {@link #sgdStep}): the
     * probability the model gave the window before that step changed it.
     */
    public float probability() {
      return h;
    }
  }

  /**
   * Forward pass, eq. (2): h = sigmoid(U^T tanh(W x + b1) + b2) = P(centre word is the entity).
   * Changes nothing but the workspace (it is also the scoring path). z2 sums U_k a1_k in order of
   * k.
   */
  public float forward(FloatParameters p, float[][] columns, Workspace ws) {
    final FloatHiddenLayer layer = ws.layer;
    layer.stack(p.hidden, p.inputSize, columns);
    layer.forward(loops, p.w, p.b1, p.stride);
    final float[] a1 = layer.a1;
    WindowNetwork.checkBinary(p);
    float z2 = p.b2[0]; // z2 = U^T a1 + b2 (eq. 10)
    for (int k = 0; k < p.hidden; k++) z2 += p.u[k] * a1[k];
    ws.z2 = z2;
    ws.h = sigmoid(z2);
    return ws.h;
  }

  /**
   * One stochastic gradient step on one window with label y (1 = entity), eq. (7) as the cost. All
   * gradients are taken at the parameters before the step, then every group is updated:
   *
   * <pre>
   *   delta = h - y
   *   U  -= lr (delta a1 + (C/m) U)                     (31)
   *   b2 -= lr delta                                    (15)
   *   g   = delta U o (1 - a1^2)                        (25) = dJ/db1;  b1 -= lr g
   *   W  -= lr (g x^T + (C/m) W)                        (30)
   *   dJ/dx = W^T g                                     (29), split into C pieces of n: column -= lr piece
   * </pre>
   *
   * (30) and (29) are one pass over W ({@link FloatLoops#backward}). The decay is applied as one
   * rounding of v (1 - lr C/m) before the gradient term is subtracted, for U as for W.
   *
   * @param decay the regularisation constant divided by m, C/m in eqs. (30) and (31)
   * @return the logistic loss of this window before the step (without the regularisation term)
   */
  public double sgdStep(
      FloatParameters p,
      float[][] columns,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    return sgdStep(p, p, columns, y, learningRate, decay, ws);
  }

  /**
   * {@link #sgdStep(FloatParameters, float[][], int, double, double, Workspace)} from the
   * parameters {@code from} into {@code to}, which may be the same object: every value of {@code
   * to} is written (from {@code from}'s, W's padding included), so whatever {@code to} held before
   * does not matter, and the results are the bits of the step in place. The streaming learner
   * trains a sentence's first window from the live model into a spare one this way, which spares it
   * a copy of the dense parameters per sentence; the word vectors are updated in place either way.
   */
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] columns,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    Dense.checkSameShape(from, to);
    final float h = forward(from, columns, ws);
    final float delta = h - y;
    final float lr = (float) learningRate;
    final float lrDecay = (float) (learningRate * decay);
    final float lrDelta = lr * delta;
    final FloatHiddenLayer layer = ws.layer;
    final float[] a1 = layer.a1;
    final float[] g = layer.g;
    final float[] lrg = layer.lrg;

    for (int k = 0; k < from.hidden; k++) {
      final float uk = from.u[k];
      final float ak = a1[k];
      final float gk = delta * uk * (1 - ak * ak); // (25), from the U before the step
      g[k] = gk;
      lrg[k] = lr * gk;
      to.u[k] = Math.fma(-lrDelta, ak, Math.fma(-lrDecay, uk, uk)); // (31)
      to.b1[k] = from.b1[k] - lrg[k]; // (25)
    }
    to.b2[0] = from.b2[0] - lrDelta; // (15)

    layer.backward(loops, from.w, to.w, from.stride, lrDecay); // (29), (30)
    layer.scatter(columns, lr); // dJ/dL (and dJ/dE)
    return logisticLoss(ws.z2, y);
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
