package io.streamner.model;

/**
 * The fast path: forward pass, cost and one per-example SGD step of the window model, fused into
 * plain loops over {@link DenseParameters} and the C word vectors of the window.
 *
 * <p>Notation of the specification: x is the nC input (the C word vectors stacked), z1 = W x + b1,
 * a1 = tanh(z1), z2 = U^T a1 + b2, h = a2 = sigmoid(z2) (eqs. 2-4, 10). {@code ReferenceNetwork}
 * (in the tests) computes the same equations one at a time with EJML; tests hold the two together
 * and check the reference against finite differences.
 *
 * <p>The word vectors are passed as {@code double[][] columns}, one n-array per window position
 * (with capitalisation features, a word vector and then a capitalisation vector per position: x is
 * the concatenation of the arrays, see {@link HiddenLayer}). They are updated in place, so the
 * caller decides where they live (an array of the whole vocabulary offline, one state entry per
 * word in the streaming job). When a word occurs twice in a window the caller passes the same array
 * twice and it receives both gradient pieces.
 *
 * <p>Not thread-safe: a {@link Workspace} holds the activations between forward and backward; use
 * one per thread.
 */
public final class WindowNetwork {
  private WindowNetwork() {}

  /** Scratch arrays for one window: reused across steps so the hot loop allocates nothing. */
  public static final class Workspace {
    final double[] x;
    final double[] a1;
    final double[] g;
    final double[] dx;
    double z2;
    double h;

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
      this.x = new double[inputSize];
      this.a1 = new double[hidden];
      this.g = new double[hidden];
      this.dx = new double[inputSize];
    }

    /**
     * h of the last {@link #forward} (or of the forward half of the last {@link #sgdStep}): the
     * probability the model gave the window before that step changed it.
     */
    public double probability() {
      return h;
    }
  }

  /**
   * Forward pass, eq. (2): h = sigmoid(U^T tanh(W x + b1) + b2) = P(centre word is the entity).
   * Leaves x, a1 and z2 in the workspace for {@link #sgdStep}.
   */
  public static double forward(DenseParameters p, double[][] columns, Workspace ws) {
    HiddenLayer.stack(columns, ws.x);
    final double[] a1 = ws.a1;
    final double[] u = p.u[0];
    HiddenLayer.forward(p.w, p.b1, ws.x, a1);
    // z2 = U^T a1 + b2, summed four terms at a time (the order the fused loop of the first fast
    // path used: models trained before and after sharing the hidden layer are bit for bit equal)
    double z2 = p.b2[0];
    int k = 0;
    for (; k <= p.hidden - 4; k += 4) {
      z2 += u[k] * a1[k] + u[k + 1] * a1[k + 1] + u[k + 2] * a1[k + 2] + u[k + 3] * a1[k + 3];
    }
    for (; k < p.hidden; k++) z2 += u[k] * a1[k];
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
   *   dJ/dU  = delta a1 + (C/m) U                       (31)
   *   dJ/db2 = delta                                    (15)
   *   g      = delta U o (1 - a1^2)                     (25) = dJ/db1
   *   dJ/dW  = g x^T + (C/m) W                          (30)
   *   dJ/dx  = W^T g                                    (29), split into C pieces of n
   * </pre>
   *
   * @param decay the regularisation constant divided by m, C/m in eqs. (30) and (31)
   * @return the logistic loss of this window before the step (without the regularisation term)
   */
  public static double sgdStep(
      DenseParameters p,
      double[][] columns,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    return sgdStep(p, p, columns, y, learningRate, decay, ws);
  }

  /**
   * {@link #sgdStep(DenseParameters, double[][], int, double, double, Workspace)} from the
   * parameters {@code from} into {@code to}, which may be the same object: every value of {@code
   * to} is written (from {@code from}'s), so whatever {@code to} held before does not matter. The
   * streaming learner trains a sentence's first window from the live model into a spare one this
   * way, which spares it a copy of the dense parameters per sentence; the word vectors are updated
   * in place either way.
   */
  public static double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] columns,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    checkBinary(from);
    Dense.checkSameShape(from, to);
    final double h = forward(from, columns, ws);
    final double delta = h - y;
    final double[] a1 = ws.a1;
    final double[] g = ws.g;
    final double lr = learningRate;

    final double[] u = from.u[0];
    final double[] out = to.u[0];
    for (int k = 0; k < from.hidden; k++) {
      final double uk = u[k];
      g[k] = delta * uk * (1 - a1[k] * a1[k]);
      out[k] = uk - lr * (delta * a1[k] + decay * uk);
      to.b1[k] = from.b1[k] - lr * g[k];
    }
    to.b2[0] = from.b2[0] - lr * delta;
    HiddenLayer.backward(from.w, to.w, g, ws.x, ws.dx, lr, decay);
    HiddenLayer.scatter(columns, ws.dx, lr);
    return logisticLoss(ws.z2, y);
  }

  /**
   * @throws IllegalArgumentException unless {@code p} has one output, h
   */
  static void checkBinary(Dense p) {
    if (p.outputs() != 1) {
      throw new IllegalArgumentException(
          "the binary network has one output, the parameters have " + p.outputs());
    }
  }

  /**
   * The logistic loss of eq. (11), -y log h - (1-y) log(1-h), computed from z2 without overflow.
   */
  public static double logisticLoss(double z2, int y) {
    // log(1 + e^z) - y z, with log(1 + e^z) = max(z, 0) + log1p(e^-|z|)
    double softplus = Math.max(z2, 0) + Math.log1p(Math.exp(-Math.abs(z2)));
    return softplus - y * z2;
  }

  /** Eq. (4). */
  public static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
