package io.streamner.model;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * The plain, obvious implementation of the specification with EJML matrices: one method per
 * equation, every gradient materialised, no fusion. It is the yardstick: the gradient check tests
 * hold it against finite differences of {@link #cost}, the equivalence tests hold {@link
 * DoubleKernel} against it, and the benchmark measures the fast path beside it.
 */
public final class ReferenceNetwork {
  /** W (H x nC), b1 (H x 1), U (H x 1), b2. */
  public static final class Parameters {
    public final DMatrixRMaj w;
    public final DMatrixRMaj b1;
    public final DMatrixRMaj u;
    public double b2;

    public Parameters(DMatrixRMaj w, DMatrixRMaj b1, DMatrixRMaj u, double b2) {
      this.w = w;
      this.b1 = b1;
      this.u = u;
      this.b2 = b2;
    }

    public static Parameters of(DenseParameters p) {
      DMatrixRMaj w = new DMatrixRMaj(p.hidden, p.inputSize);
      for (int k = 0; k < p.hidden; k++)
        for (int j = 0; j < p.inputSize; j++) w.set(k, j, p.w[k][j]);
      return new Parameters(w, column(p.b1), column(p.u[0]), p.b2[0]);
    }

    public DenseParameters toDouble() {
      DenseParameters p = new DenseParameters(w.numRows, w.numCols, 1);
      for (int k = 0; k < w.numRows; k++)
        for (int j = 0; j < w.numCols; j++) p.w[k][j] = w.get(k, j);
      System.arraycopy(b1.data, 0, p.b1, 0, b1.numRows);
      System.arraycopy(u.data, 0, p.u[0], 0, u.numRows);
      p.b2[0] = b2;
      return p;
    }
  }

  /** The activations of eq. (10) for one window. */
  public record Forward(DMatrixRMaj x, DMatrixRMaj a1, double a2) {}

  /** The gradients of the per-example cost (7) with respect to every parameter group. */
  public record Gradients(
      DMatrixRMaj dW, DMatrixRMaj db1, DMatrixRMaj dU, double db2, DMatrixRMaj dx, double h)
      implements SharedGradients {}

  /**
   * The gradients the binary and the typed model have alike (the models differ only after the
   * hidden layer), so that one SGD step and one gradient check of them serve both references.
   */
  interface SharedGradients {
    DMatrixRMaj dW();

    DMatrixRMaj db1();

    DMatrixRMaj dU();

    DMatrixRMaj dx();
  }

  private ReferenceNetwork() {}

  /** x: the C word vectors stacked into one nC column. */
  public static DMatrixRMaj stack(double[][] columns) {
    int n = columns[0].length;
    DMatrixRMaj x = new DMatrixRMaj(columns.length * n, 1);
    for (int c = 0; c < columns.length; c++) System.arraycopy(columns[c], 0, x.data, c * n, n);
    return x;
  }

  /** Eq. (10): z1 = W x + b1, a1 = tanh(z1), z2 = U^T a1 + b2, a2 = sigmoid(z2). */
  public static Forward forward(Parameters p, double[][] columns) {
    DMatrixRMaj x = stack(columns);
    DMatrixRMaj a1 = hidden(p.w, p.b1, x);
    double z2 = VectorVectorMult_DDRM.innerProd(p.u, a1) + p.b2;
    double a2 = 1.0 / (1.0 + Math.exp(-z2));
    return new Forward(x, a1, a2);
  }

  /**
   * Eq. (7), the cost of one window: -y log h - (1-y) log(1-h) + C/(2m) (sum W^2 + sum U^2).
   *
   * @param decay C/m
   */
  public static double cost(Parameters p, double[][] columns, int y, double decay) {
    double h = forward(p, columns).a2();
    double squares =
        CommonOps_DDRM.elementSum(elementSquare(p.w))
            + CommonOps_DDRM.elementSum(elementSquare(p.u));
    return -y * Math.log(h) - (1 - y) * Math.log(1 - h) + decay / 2 * squares;
  }

  /** Eqs. (14)/(31), (15), (25), (22)/(30) and (29), each as written in the specification. */
  public static Gradients gradients(Parameters p, double[][] columns, int y, double decay) {
    Forward f = forward(p, columns);
    double delta = f.a2() - y;

    // (31): dJ/dU = (a2 - y) a1 + (C/m) U
    DMatrixRMaj dU = f.a1().copy();
    CommonOps_DDRM.scale(delta, dU);
    CommonOps_DDRM.addEquals(dU, decay, p.u);

    // (15): dJ/db2 = a2 - y
    double db2 = delta;

    // (25): dJ/db1 = (a2 - y) U o (1 - a1^2)
    DMatrixRMaj db1 = throughTanh(p.u, f.a1());
    CommonOps_DDRM.scale(delta, db1);

    // (30): dJ/dW = [(a2 - y) U o (1 - a1^2)] x^T + (C/m) W
    // (29): dJ/dx = (a2 - y) W^T [U o (1 - a1^2)]
    ThroughW back = throughW(db1, f.x(), p.w, decay);

    return new Gradients(back.dW(), db1, dU, db2, back.dx(), f.a2());
  }

  /**
   * One SGD step: every parameter moves against its gradient, and piece i of dJ/dx (n numbers)
   * moves the word vector at window position i. A word present twice receives both pieces.
   *
   * @return the logistic loss before the step (without the regularisation term)
   */
  public static double sgdStep(
      Parameters p, double[][] columns, int y, double learningRate, double decay) {
    Gradients grad = gradients(p, columns, y, decay);
    double h = grad.h();
    step(p.w, p.b1, p.u, grad, columns, learningRate);
    p.b2 -= learningRate * grad.db2();
    return -y * Math.log(h) - (1 - y) * Math.log(1 - h);
  }

  /**
   * The part of one SGD step the binary and the typed model share: W, b1 and U move against their
   * gradients, and each piece of the window against its slice of dJ/dx. An array present twice
   * receives both slices, in window order.
   */
  static void step(
      DMatrixRMaj w,
      DMatrixRMaj b1,
      DMatrixRMaj u,
      SharedGradients grad,
      double[][] pieces,
      double learningRate) {
    CommonOps_DDRM.addEquals(w, -learningRate, grad.dW());
    CommonOps_DDRM.addEquals(b1, -learningRate, grad.db1());
    CommonOps_DDRM.addEquals(u, -learningRate, grad.dU());
    int o = 0;
    for (double[] piece : pieces) {
      for (int d = 0; d < piece.length; d++) piece[d] -= learningRate * grad.dx().data[o + d];
      o += piece.length;
    }
  }

  /**
   * z1 = W x + b1, a1 = tanh(z1). The hidden layer is the same in the binary and the typed model
   * (eqs. 10 and 39), so this and the steps back through it below serve both references.
   */
  static DMatrixRMaj hidden(DMatrixRMaj w, DMatrixRMaj b1, DMatrixRMaj x) {
    DMatrixRMaj z1 = new DMatrixRMaj(w.numRows, 1);
    CommonOps_DDRM.mult(w, x, z1);
    CommonOps_DDRM.addEquals(z1, b1);
    DMatrixRMaj a1 = z1.copy();
    for (int k = 0; k < a1.numRows; k++) a1.data[k] = Math.tanh(z1.data[k]);
    return a1;
  }

  /** g o (1 - a1^2): a gradient g with respect to a1 taken back through tanh, to z1 (and b1). */
  static DMatrixRMaj throughTanh(DMatrixRMaj g, DMatrixRMaj a1) {
    DMatrixRMaj oneMinusA1Squared = new DMatrixRMaj(a1.numRows, 1);
    for (int k = 0; k < oneMinusA1Squared.numRows; k++) {
      oneMinusA1Squared.data[k] = 1 - a1.data[k] * a1.data[k];
    }
    DMatrixRMaj dz1 = new DMatrixRMaj(g.numRows, 1);
    CommonOps_DDRM.elementMult(g, oneMinusA1Squared, dz1);
    return dz1;
  }

  /** dJ/dW and dJ/dx, both taken from dJ/dz1 through W. */
  record ThroughW(DMatrixRMaj dW, DMatrixRMaj dx) {}

  /** dJ/dW = dJ/dz1 x^T + (C/m) W and dJ/dx = W^T dJ/dz1. */
  static ThroughW throughW(DMatrixRMaj dz1, DMatrixRMaj x, DMatrixRMaj w, double decay) {
    DMatrixRMaj dW = new DMatrixRMaj(w.numRows, w.numCols);
    CommonOps_DDRM.multTransB(dz1, x, dW);
    CommonOps_DDRM.addEquals(dW, decay, w);
    DMatrixRMaj dx = new DMatrixRMaj(w.numCols, 1);
    CommonOps_DDRM.multTransA(w, dz1, dx);
    return new ThroughW(dW, dx);
  }

  /** A column vector of the values. */
  static DMatrixRMaj column(double[] values) {
    DMatrixRMaj m = new DMatrixRMaj(values.length, 1);
    System.arraycopy(values, 0, m.data, 0, values.length);
    return m;
  }

  /** Every entry squared. */
  static DMatrixRMaj elementSquare(DMatrixRMaj m) {
    DMatrixRMaj s = new DMatrixRMaj(m.numRows, m.numCols);
    CommonOps_DDRM.elementMult(m, m, s);
    return s;
  }
}
