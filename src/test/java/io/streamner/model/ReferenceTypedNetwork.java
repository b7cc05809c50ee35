package io.streamner.model;

import static io.streamner.model.ReferenceNetwork.column;
import static io.streamner.model.ReferenceNetwork.elementSquare;
import static io.streamner.model.ReferenceNetwork.hidden;
import static io.streamner.model.ReferenceNetwork.step;
import static io.streamner.model.ReferenceNetwork.throughTanh;
import static io.streamner.model.ReferenceNetwork.throughW;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The plain, obvious implementation of the typed model (src/site/markdown/typed-model.md) with EJML
 * matrices: one call per equation, every gradient materialised, no fusion. It is the typed
 * network's yardstick, as {@link ReferenceNetwork} is the binary one's: {@code
 * GradientCheckTypedTest} holds it against finite differences of {@link #cost}, {@code
 * DoubleKernelTypedTest} holds {@link TypedNetwork} against it.
 */
public final class ReferenceTypedNetwork {
  /** W (H x I), b1 (H x 1), U (K x H), b2 (K x 1). */
  public static final class Parameters {
    public final DMatrixRMaj w;
    public final DMatrixRMaj b1;
    public final DMatrixRMaj u;
    public final DMatrixRMaj b2;

    Parameters(DMatrixRMaj w, DMatrixRMaj b1, DMatrixRMaj u, DMatrixRMaj b2) {
      this.w = w;
      this.b1 = b1;
      this.u = u;
      this.b2 = b2;
    }

    public static Parameters of(DenseParameters p) {
      return new Parameters(new DMatrixRMaj(p.w), column(p.b1), new DMatrixRMaj(p.u), column(p.b2));
    }

    public DenseParameters toDouble() {
      DenseParameters p = new DenseParameters(w.numRows, w.numCols, u.numRows);
      for (int k = 0; k < w.numRows; k++)
        for (int j = 0; j < w.numCols; j++) p.w[k][j] = w.get(k, j);
      for (int t = 0; t < u.numRows; t++)
        for (int k = 0; k < u.numCols; k++) p.u[t][k] = u.get(t, k);
      System.arraycopy(b1.data, 0, p.b1, 0, b1.numRows);
      System.arraycopy(b2.data, 0, p.b2, 0, b2.numRows);
      return p;
    }
  }

  /** The activations of eq. (39) for one window. */
  public record Forward(DMatrixRMaj x, DMatrixRMaj a1, DMatrixRMaj a2) {}

  /** The gradients of the per-example cost (38) with respect to every parameter group. */
  public record Gradients(
      DMatrixRMaj dW,
      DMatrixRMaj db1,
      DMatrixRMaj dU,
      DMatrixRMaj db2,
      DMatrixRMaj dx,
      DMatrixRMaj a2)
      implements ReferenceNetwork.SharedGradients {}

  private ReferenceTypedNetwork() {}

  /** Eq. (32): x, the window's vectors one after another. */
  public static DMatrixRMaj stack(double[][] pieces) {
    int size = 0;
    for (double[] piece : pieces) size += piece.length;
    DMatrixRMaj x = new DMatrixRMaj(size, 1);
    int o = 0;
    for (double[] piece : pieces) {
      System.arraycopy(piece, 0, x.data, o, piece.length);
      o += piece.length;
    }
    return x;
  }

  /** Eq. (39): z1 = W x + b1, a1 = tanh(z1), z2 = U a1 + b2, a2 = softmax(z2) (eq. 36). */
  public static Forward forward(Parameters p, double[][] pieces) {
    DMatrixRMaj x = stack(pieces);
    DMatrixRMaj a1 = hidden(p.w, p.b1, x);
    DMatrixRMaj z2 = new DMatrixRMaj(p.u.numRows, 1);
    CommonOps_DDRM.mult(p.u, a1, z2);
    CommonOps_DDRM.addEquals(z2, p.b2);
    DMatrixRMaj a2 = new DMatrixRMaj(z2.numRows, 1);
    double sum = 0;
    for (int t = 0; t < z2.numRows; t++) sum += Math.exp(z2.data[t]);
    for (int t = 0; t < z2.numRows; t++) a2.data[t] = Math.exp(z2.data[t]) / sum;
    return new Forward(x, a1, a2);
  }

  /**
   * Eq. (38), the cost of one window: -log a2_y + C/(2m) (sum W^2 + sum U^2).
   *
   * @param decay C/m
   */
  public static double cost(Parameters p, double[][] pieces, int y, double decay) {
    double a2y = forward(p, pieces).a2().data[y];
    double squares =
        CommonOps_DDRM.elementSum(elementSquare(p.w))
            + CommonOps_DDRM.elementSum(elementSquare(p.u));
    return -Math.log(a2y) + decay / 2 * squares;
  }

  /**
   * Eqs. (41), (50), (43), (46), (49) and (47), each as written in
   * src/site/markdown/typed-model.md.
   */
  public static Gradients gradients(Parameters p, double[][] pieces, int y, double decay) {
    Forward f = forward(p, pieces);

    // (41): delta = a2 - y, y the one-hot vector of the tag
    DMatrixRMaj delta = f.a2().copy();
    delta.data[y] -= 1;

    // (50): dJ/dU = delta a1^T + (C/m) U
    DMatrixRMaj dU = new DMatrixRMaj(p.u.numRows, p.u.numCols);
    CommonOps_DDRM.multTransB(delta, f.a1(), dU);
    CommonOps_DDRM.addEquals(dU, decay, p.u);

    // (43): dJ/db2 = delta
    DMatrixRMaj db2 = delta.copy();

    // (46): dJ/db1 = (U^T delta) o (1 - a1^2)
    DMatrixRMaj uTdelta = new DMatrixRMaj(p.u.numCols, 1);
    CommonOps_DDRM.multTransA(p.u, delta, uTdelta);
    DMatrixRMaj db1 = throughTanh(uTdelta, f.a1());

    // (49): dJ/dW = [(U^T delta) o (1 - a1^2)] x^T + (C/m) W
    // (47): dJ/dx = W^T [(U^T delta) o (1 - a1^2)]
    ReferenceNetwork.ThroughW back = throughW(db1, f.x(), p.w, decay);

    return new Gradients(back.dW(), db1, dU, db2, back.dx(), f.a2());
  }

  /**
   * One SGD step: every parameter moves against its gradient, and each piece of the window moves
   * against its slice of dJ/dx (eq. 48). An array present twice receives both slices.
   *
   * @return the loss before the step, -log a2_y (without the regularisation term)
   */
  public static double sgdStep(
      Parameters p, double[][] pieces, int y, double learningRate, double decay) {
    Gradients grad = gradients(p, pieces, y, decay);
    step(p.w, p.b1, p.u, grad, pieces, learningRate);
    CommonOps_DDRM.addEquals(p.b2, -learningRate, grad.db2());
    return -Math.log(grad.a2().data[y]);
  }
}
