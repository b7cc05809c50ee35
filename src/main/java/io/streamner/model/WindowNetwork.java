package io.streamner.model;

/**
 * The fast path: forward pass, cost and one per-example SGD step of the window model, fused into
 * plain loops over {@link DenseParameters} and the C word vectors of the window.
 *
 * <p>Notation of the specification: x is the nC input (the C word vectors stacked),
 * z1 = W x + b1, a1 = tanh(z1), z2 = U^T a1 + b2, h = a2 = sigmoid(z2) (eqs. 2-4, 10).
 * {@link ReferenceNetwork} computes the same equations one at a time with EJML; tests hold the
 * two together and check the reference against finite differences.
 *
 * <p>The word vectors are passed as {@code double[][] columns}, one n-array per window position.
 * They are updated in place, so the caller decides where they live (an array of the whole
 * vocabulary offline, one state entry per word in the streaming job). When a word occurs twice in
 * a window the caller passes the same array twice and it receives both gradient pieces.
 *
 * <p>Not thread-safe: a {@link Workspace} holds the activations between forward and backward;
 * use one per thread.
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
  }

  /**
   * Forward pass, eq. (2): h = sigmoid(U^T tanh(W x + b1) + b2) = P(centre word is the entity).
   * Leaves x, a1 and z2 in the workspace for {@link #sgdStep}.
   */
  public static double forward(DenseParameters p, double[][] columns, Workspace ws) {
    stack(columns, ws);
    final double[] x = ws.x;
    final double[] a1 = ws.a1;
    final int in = p.inputSize;
    double z2 = p.b2;
    for (int k = 0; k < p.hidden; k++) {
      // z1_k = W_k. x + b1_k; four partial sums keep the floating-point units busy.
      final double[] wk = p.w[k];
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int j = 0;
      for (; j <= in - 4; j += 4) {
        s0 += wk[j] * x[j];
        s1 += wk[j + 1] * x[j + 1];
        s2 += wk[j + 2] * x[j + 2];
        s3 += wk[j + 3] * x[j + 3];
      }
      for (; j < in; j++) s0 += wk[j] * x[j];
      double a = Math.tanh((s0 + s1) + (s2 + s3) + p.b1[k]);
      a1[k] = a;
      z2 += p.u[k] * a;
    }
    ws.z2 = z2;
    return sigmoid(z2);
  }

  /**
   * One stochastic gradient step on one window with label y (1 = entity), eq. (7) as the cost.
   * All gradients are taken at the parameters before the step, then every group is updated:
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
      DenseParameters p, double[][] columns, int y, double learningRate, double decay, Workspace ws) {
    final double h = forward(p, columns, ws);
    final double delta = h - y;
    final double[] x = ws.x;
    final double[] a1 = ws.a1;
    final double[] g = ws.g;
    final double[] dx = ws.dx;
    final int in = p.inputSize;
    final double lr = learningRate;

    for (int k = 0; k < p.hidden; k++) {
      final double uk = p.u[k];
      g[k] = delta * uk * (1 - a1[k] * a1[k]);
      p.u[k] = uk - lr * (delta * a1[k] + decay * uk);
      p.b1[k] -= lr * g[k];
    }
    p.b2 -= lr * delta;

    // One pass over W does both (29) and (30): dx gathers W^T g from the old W before the row
    // is overwritten. Same index on both arrays, so the JIT can vectorise it.
    java.util.Arrays.fill(dx, 0.0);
    for (int k = 0; k < p.hidden; k++) {
      final double gk = g[k];
      final double[] wk = p.w[k];
      for (int j = 0; j < in; j++) {
        final double wkj = wk[j];
        dx[j] += gk * wkj;
        wk[j] = wkj - lr * (gk * x[j] + decay * wkj);
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

  /** The logistic loss of eq. (11), -y log h - (1-y) log(1-h), computed from z2 without overflow. */
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
      throw new IllegalArgumentException("window has " + columns.length + " words, model expects " + ws.windowSize);
    }
    final int n = ws.dim;
    for (int c = 0; c < columns.length; c++) System.arraycopy(columns[c], 0, ws.x, c * n, n);
  }
}
