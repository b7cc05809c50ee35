package io.streamner.model;

/**
 * The float SGD step written the slow, obvious way from the specification and the canonical order
 * of {@link FloatLoops}: W as {@code float[H][nC]} with no padding, every sum a plain loop, the 16
 * partial sums of a dot product an array indexed by {@code j % 16}, the fold a loop over the tree's
 * levels. No fusion beyond what the order itself prescribes. {@link FloatNetwork} must give the
 * same bits.
 */
final class ObviousFloatNetwork {
  final float[][] w;
  final float[] b1;
  final float[] u;
  float b2;

  ObviousFloatNetwork(FloatParameters p) {
    w = new float[p.hidden][p.inputSize];
    for (int k = 0; k < p.hidden; k++) for (int j = 0; j < p.inputSize; j++) w[k][j] = p.w(k, j);
    b1 = p.b1.clone();
    u = java.util.Arrays.copyOf(p.u, p.hidden);
    b2 = p.b2[0];
  }

  /** (W x)_k: partial l sums the products with j = l (mod 16) in increasing j; then the tree. */
  static float dot(float[] row, float[] x) {
    float[] partial = new float[16];
    for (int j = 0; j < row.length; j++) partial[j % 16] = Math.fma(row[j], x[j], partial[j % 16]);
    for (int half = 8; half >= 1; half /= 2)
      for (int l = 0; l < half; l++) partial[l] = partial[l] + partial[l + half];
    return partial[0];
  }

  static float[] stack(float[][] columns) {
    int n = columns[0].length;
    float[] x = new float[columns.length * n];
    for (int c = 0; c < columns.length; c++) System.arraycopy(columns[c], 0, x, c * n, n);
    return x;
  }

  /** Eqs. (2)-(4): z1 = W x + b1, a1 = tanh(z1), z2 = U^T a1 + b2 (in order of k), h. */
  float[] hidden(float[] x) {
    float[] a1 = new float[w.length];
    for (int k = 0; k < w.length; k++) a1[k] = (float) FloatLoops.tanh(dot(w[k], x) + b1[k]);
    return a1;
  }

  float z2(float[] a1) {
    float z2 = b2;
    for (int k = 0; k < a1.length; k++) z2 += u[k] * a1[k];
    return z2;
  }

  float forward(float[][] columns) {
    return FloatKernel.sigmoid(z2(hidden(stack(columns))));
  }

  /** One SGD step, every gradient from the parameters before it; returns the loss before it. */
  double sgdStep(float[][] columns, int y, double learningRate, double decay) {
    float[] x = stack(columns);
    float[] a1 = hidden(x);
    float z2 = z2(a1);
    float delta = FloatKernel.sigmoid(z2) - y;
    float lr = (float) learningRate;
    float lrDecay = (float) (learningRate * decay);
    int hidden = w.length;

    // (25): g = dJ/db1 = delta U o (1 - a1^2), from the U before the step
    float[] g = new float[hidden];
    for (int k = 0; k < hidden; k++) g[k] = delta * u[k] * (1 - a1[k] * a1[k]);

    // (29): dJ/dx = W^T g, from the W before the step, summed in order of k
    float[] dx = new float[x.length];
    for (int k = 0; k < hidden; k++)
      for (int j = 0; j < x.length; j++) dx[j] = Math.fma(g[k], w[k][j], dx[j]);

    // (31), (15), (25), (30): each parameter times (1 - lr C/m), then minus lr times the data term
    for (int k = 0; k < hidden; k++) {
      u[k] = Math.fma(-(lr * delta), a1[k], Math.fma(-lrDecay, u[k], u[k]));
      b1[k] -= lr * g[k];
      for (int j = 0; j < x.length; j++)
        w[k][j] = Math.fma(-(lr * g[k]), x[j], Math.fma(-lrDecay, w[k][j], w[k][j]));
    }
    b2 -= lr * delta;

    // dJ/dL: piece c of dJ/dx moves the column at position c (a repeated word gets every piece)
    int n = columns[0].length;
    for (int c = 0; c < columns.length; c++)
      for (int d = 0; d < n; d++) columns[c][d] = Math.fma(-lr, dx[c * n + d], columns[c][d]);
    return FloatKernel.logisticLoss(z2, y);
  }

  /** The parameters in the order of {@link FloatParameters#flatten}. */
  float[] flatten() {
    int hidden = w.length, in = w[0].length;
    float[] flat = new float[hidden * in + 2 * hidden + 1];
    for (int k = 0; k < hidden; k++) System.arraycopy(w[k], 0, flat, k * in, in);
    System.arraycopy(b1, 0, flat, hidden * in, hidden);
    System.arraycopy(u, 0, flat, hidden * in + hidden, hidden);
    flat[flat.length - 1] = b2;
    return flat;
  }
}
