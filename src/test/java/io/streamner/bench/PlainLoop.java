package io.streamner.bench;

import io.streamner.model.DenseParameters;

/**
 * The yardstick of issue 12: the SGD step of the window model as anyone would write it in plain
 * Java from the specification, in double over {@code double[][]}. No library, no unrolling, no
 * fusion of loops, no tricks; scratch arrays allocated once (allocating them per step would only be
 * slower). Loops go in the natural row-major order (k outer, j inner), so it is not a straw man
 * either. {@link Yardstick} times every kernel of the project against it on the same windows, and
 * SpeedSuiteTest checks that it computes what {@link io.streamner.model.ReferenceNetwork} does.
 */
final class PlainLoop {
  final double[][] w;
  final double[] b1;
  final double[] u;
  double b2;

  private final double[] x;
  private final double[] a1;
  private final double[] g;
  private final double[] dx;

  PlainLoop(DenseParameters start) {
    DenseParameters p = start.copy();
    this.w = p.w;
    this.b1 = p.b1;
    this.u = p.u[0];
    this.b2 = p.b2[0];
    this.x = new double[p.inputSize];
    this.a1 = new double[p.hidden];
    this.g = new double[p.hidden];
    this.dx = new double[p.inputSize];
  }

  /** One SGD step on the window whose word vectors are {@code columns}; returns the loss. */
  double step(double[][] columns, int y, double lr, double decay) {
    int n = columns[0].length;
    for (int c = 0; c < columns.length; c++)
      for (int d = 0; d < n; d++) x[c * n + d] = columns[c][d];

    // forward, eq. (2): a1 = tanh(W x + b1), h = sigmoid(U . a1 + b2)
    double z2 = b2;
    for (int k = 0; k < w.length; k++) {
      double z = b1[k];
      for (int j = 0; j < x.length; j++) z += w[k][j] * x[j];
      a1[k] = Math.tanh(z);
      z2 += u[k] * a1[k];
    }
    double h = 1 / (1 + Math.exp(-z2));

    // backward: every gradient at the parameters before the step
    double delta = h - y;
    for (int k = 0; k < w.length; k++) g[k] = delta * u[k] * (1 - a1[k] * a1[k]); // (25)
    for (int j = 0; j < dx.length; j++) dx[j] = 0;
    for (int k = 0; k < w.length; k++)
      for (int j = 0; j < x.length; j++) dx[j] += w[k][j] * g[k]; // (29)

    // update
    for (int k = 0; k < w.length; k++)
      for (int j = 0; j < x.length; j++) w[k][j] -= lr * (g[k] * x[j] + decay * w[k][j]); // (30)
    for (int k = 0; k < w.length; k++) {
      u[k] -= lr * (delta * a1[k] + decay * u[k]); // (31)
      b1[k] -= lr * g[k];
    }
    b2 -= lr * delta; // (15)
    for (int c = 0; c < columns.length; c++)
      for (int d = 0; d < n; d++) columns[c][d] -= lr * dx[c * n + d];

    return y == 1 ? -Math.log(h) : -Math.log(1 - h);
  }
}
