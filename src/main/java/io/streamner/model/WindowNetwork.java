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
 * <p>The word vectors are passed as {@code double[][] columns}, one n-array per window position.
 * They are updated in place, so the caller decides where they live (an array of the whole
 * vocabulary offline, one state entry per word in the streaming job). When a word occurs twice in a
 * window the caller passes the same array twice and it receives both gradient pieces.
 *
 * <p>Not thread-safe: a {@link Workspace} holds the activations between forward and backward; use
 * one per thread.
 */
public final class WindowNetwork {
  private WindowNetwork() {}

  /** Scratch arrays for one window: reused across steps so the hot loop allocates nothing. */
  public static final class Workspace {
    final int windowSize;
    final int dim;
    final double[] x;
    final double[] a1;
    final double[] g;
    final double[] dx;
    double z2;
    double h;

    public Workspace(Hyperparameters hp) {
      this(hp.windowSize(), hp.dim(), hp.hidden());
    }

    public Workspace(int windowSize, int dim, int hidden) {
      this.windowSize = windowSize;
      this.dim = dim;
      this.x = new double[windowSize * dim];
      this.a1 = new double[hidden];
      this.g = new double[hidden];
      this.dx = new double[windowSize * dim];
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
    stack(columns, ws);
    final double[] x = ws.x;
    final double[] a1 = ws.a1;
    final int hidden = p.hidden;
    double z2 = p.b2;
    int k = 0;
    // z1 = W x + b1, four rows at a time: each x[j] is loaded once for four dot products, and the
    // eight partial sums (two per row) are independent chains the CPU can overlap. The JIT does
    // not vectorise a floating-point reduction, so this is where forward speed comes from.
    for (; k <= hidden - 4; k += 4) {
      final double[] w0 = p.w[k], w1 = p.w[k + 1], w2 = p.w[k + 2], w3 = p.w[k + 3];
      double a0 = 0, b0 = 0, a1s = 0, b1s = 0, a2 = 0, b2 = 0, a3 = 0, b3 = 0;
      int j = 0;
      final int in = p.inputSize;
      for (; j <= in - 2; j += 2) {
        final double xa = x[j], xb = x[j + 1];
        a0 += w0[j] * xa;
        b0 += w0[j + 1] * xb;
        a1s += w1[j] * xa;
        b1s += w1[j + 1] * xb;
        a2 += w2[j] * xa;
        b2 += w2[j + 1] * xb;
        a3 += w3[j] * xa;
        b3 += w3[j + 1] * xb;
      }
      for (; j < in; j++) {
        a0 += w0[j] * x[j];
        a1s += w1[j] * x[j];
        a2 += w2[j] * x[j];
        a3 += w3[j] * x[j];
      }
      z2 +=
          activate(k, a0 + b0, p, a1)
              + activate(k + 1, a1s + b1s, p, a1)
              + activate(k + 2, a2 + b2, p, a1)
              + activate(k + 3, a3 + b3, p, a1);
    }
    for (; k < hidden; k++) {
      final double[] wk = p.w[k];
      double s = 0;
      for (int j = 0; j < p.inputSize; j++) s += wk[j] * x[j];
      z2 += activate(k, s, p, a1);
    }
    ws.z2 = z2;
    ws.h = sigmoid(z2);
    return ws.h;
  }

  /** a1_k = tanh(z1_k) with z1_k = (W x)_k + b1_k; returns U_k a1_k, its share of z2. */
  private static double activate(int k, double wx, DenseParameters p, double[] a1) {
    double a = Math.tanh(wx + p.b1[k]);
    a1[k] = a;
    return p.u[k] * a;
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
    if (to.hidden != from.hidden || to.inputSize != from.inputSize) {
      throw new IllegalArgumentException("the parameters to train into have another shape");
    }
    final double h = forward(from, columns, ws);
    final double delta = h - y;
    final double[] x = ws.x;
    final double[] a1 = ws.a1;
    final double[] g = ws.g;
    final double[] dx = ws.dx;
    final int in = from.inputSize;
    final double lr = learningRate;

    for (int k = 0; k < from.hidden; k++) {
      final double uk = from.u[k];
      g[k] = delta * uk * (1 - a1[k] * a1[k]);
      to.u[k] = uk - lr * (delta * a1[k] + decay * uk);
      to.b1[k] = from.b1[k] - lr * g[k];
    }
    to.b2 = from.b2 - lr * delta;

    // One pass over W does both (29) and (30): dx gathers W^T g from the old W before the row
    // is overwritten. Same index on every array, so the JIT can vectorise it.
    java.util.Arrays.fill(dx, 0.0);
    for (int k = 0; k < from.hidden; k++) {
      final double gk = g[k];
      final double[] wk = from.w[k];
      final double[] out = to.w[k];
      for (int j = 0; j < in; j++) {
        final double wkj = wk[j];
        dx[j] += gk * wkj;
        out[j] = wkj - lr * (gk * x[j] + decay * wkj);
      }
    }

    final int n = ws.dim;
    for (int c = 0; c < ws.windowSize; c++) {
      final double[] column = columns[c];
      final int o = c * n;
      for (int d = 0; d < n; d++) column[d] -= lr * dx[o + d];
    }
    return logisticLoss(ws.z2, y);
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

  private static void stack(double[][] columns, Workspace ws) {
    if (columns.length != ws.windowSize) {
      throw new IllegalArgumentException(
          "window has " + columns.length + " words, model expects " + ws.windowSize);
    }
    final int n = ws.dim;
    for (int c = 0; c < columns.length; c++) System.arraycopy(columns[c], 0, ws.x, c * n, n);
  }
}
