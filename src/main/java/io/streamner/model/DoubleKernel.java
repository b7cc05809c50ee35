package io.streamner.model;

import java.util.Arrays;

/**
 * The window network in double precision: forward pass, cost and one per-example SGD step, fused
 * into plain loops over {@link DenseParameters} and the window's vectors. With one output it is the
 * specification's model, bit for bit; with one output per tag it is the typed model of
 * src/site/markdown/typed-model.md. The hidden layer is the same for both; only the {@link Output}
 * layer differs: {@link Sigmoid} (eqs. 2, 4, 11) or {@link Softmax} (eqs. 35, 36, 40).
 *
 * <p>Notation: x is the input, the window's pieces one after another (per position the word vector
 * of eq. 10, and with capitalisation features the class's vector after it, eq. 32 of the typed
 * model's page); z1 = W x + b1, a1 = tanh(z1), z2 = U a1 + b2 (one score per output), and the
 * output layer's probabilities. {@code ReferenceNetwork} and {@code ReferenceTypedNetwork} (in the
 * tests) compute the same equations one at a time with EJML and are checked against finite
 * differences; tests hold this kernel to them.
 *
 * <p>The pieces are arrays owned by the caller (an array of the whole vocabulary offline, one state
 * entry per word in the streaming job), updated in place with their slice of dJ/dx; when the same
 * array fills two slices (a word twice in a window) it receives both.
 *
 * <p>Not thread-safe: an instance holds one window's activations between the forward half and the
 * backward half of a step; use one per thread.
 */
public final class DoubleKernel implements WindowKernel<double[], DenseParameters> {
  private final int inputSize;
  private final int hidden;
  private final int outputs;
  private final Output output;

  /** f: the pieces (rows of L and E) step at f times the learning rate (eq. 54). */
  private final double vectorStepFactor;

  /** x, a1, g = dJ/dz1 (= dJ/db1, eqs. 25 and 46) and dJ/dx of the last window. */
  private final double[] x;

  private final double[] a1;
  private final double[] g;
  private final double[] dx;

  /**
   * @param inputSize I: C n, or C (n + k) with capitalisation features
   * @param outputs 1 for a binary model (the specification's sigmoid), the number of tags for a
   *     typed one (softmax)
   */
  public DoubleKernel(int inputSize, int hidden, int outputs) {
    this(inputSize, hidden, outputs, 1);
  }

  /**
   * @param vectorStepFactor f of {@link Hyperparameters#vectorStepFactor()}: the pieces step at f
   *     times the learning rate
   */
  public DoubleKernel(int inputSize, int hidden, int outputs, double vectorStepFactor) {
    Dense.checkShape(hidden, inputSize, outputs);
    this.vectorStepFactor = vectorStepFactor;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.outputs = outputs;
    this.output = outputs == 1 ? new Sigmoid() : new Softmax(outputs);
    this.x = new double[inputSize];
    this.a1 = new double[hidden];
    this.g = new double[hidden];
    this.dx = new double[inputSize];
  }

  /** The specification's binary model of {@code hp}'s shape: C n inputs, one output. */
  public DoubleKernel(Hyperparameters hp) {
    this(hp.inputSize(), hp.hidden(), 1, hp.vectorStepFactor());
  }

  @Override
  public VectorOps<double[]> vectors() {
    return VectorOps.DOUBLE;
  }

  /**
   * Forward pass: the output layer over a1 = tanh(W x + b1), eqs. (2) and (35). Leaves x and a1 for
   * the backward half of {@link #sgdStep}.
   */
  @Override
  public double[] forward(DenseParameters p, double[][] pieces) {
    Dense.checkFits(p, hidden, inputSize, outputs);
    stack(pieces, x);
    hiddenForward(p.w, p.b1, x, a1);
    return output.forward(p);
  }

  /**
   * One stochastic gradient step on one window. All gradients are taken at the parameters before
   * the step, then every group is updated:
   *
   * <pre>
   *   the output layer: dJ/da1 = U^T delta, U and b2   (31), (15); typed (44), (50), (43)
   *   g      = dJ/da1 o (1 - a1^2)                     (25); typed (46)  = dJ/db1
   *   dJ/dW  = g x^T + (C/m) W                         (30); typed (49)
   *   dJ/dx  = W^T g                                   (29); typed (47), split into the pieces
   * </pre>
   *
   * From {@code from} into {@code to}, which may be the same object: every value of {@code to} is
   * written (from {@code from}'s), so whatever {@code to} held before does not matter. The
   * streaming learner trains a sentence's first window from the live model into a spare one this
   * way, which spares it a copy of the dense parameters per sentence.
   *
   * @param label 1 = entity (binary), or the tag id of the centre word (typed)
   * @param decay the regularisation constant divided by m, C/m in eqs. (30), (31), (49), (50)
   * @return the loss of this window before the step (logistic, eq. 11, or cross-entropy, eq. 40),
   *     without the regularisation term
   */
  @Override
  public double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] pieces,
      int label,
      double learningRate,
      double decay) {
    checkStep(from, to, label);
    forward(from, pieces);
    final double lr = learningRate;
    final double loss = output.backward(from, to, label, lr, decay);
    // locals, so that the JIT keeps the arrays in registers (measured: 3-5% of a step otherwise)
    final double[] a = a1, gradient = g, b1 = from.b1, newB1 = to.b1;
    for (int k = 0; k < hidden; k++) {
      final double ak = a[k];
      final double gk = gradient[k] * (1 - ak * ak);
      gradient[k] = gk;
      newB1[k] = b1[k] - lr * gk;
    }
    backward(from.w, to.w, g, x, dx, lr, decay);
    scatter(pieces, dx, lr * vectorStepFactor);
    return loss;
  }

  @Override
  public double[] probabilities() {
    return output.probabilities;
  }

  @Override
  public DenseParameters newDense() {
    return new DenseParameters(hidden, inputSize, outputs);
  }

  @Override
  public DenseParameters dense(DenseParameters dense) {
    return dense.copy();
  }

  @Override
  public boolean isFiniteDense(DenseParameters dense) {
    return dense.isFinite();
  }

  /**
   * The checks of an SGD step from {@code from} into {@code to} on a window of label {@code y}.
   *
   * @throws IllegalArgumentException when the two differ in shape or y is not an output's label
   */
  static void checkStep(Dense from, Dense to, int y) {
    Dense.checkSameShape(from, to);
    int top = from.outputs() == 1 ? 1 : from.outputs() - 1;
    if (y < 0 || y > top) {
      throw new IllegalArgumentException(
          (from.outputs() == 1 ? "label " : "tag id ") + y + " outside 0.." + top);
    }
  }

  /**
   * The output layer over the kernel's a1: its scores z2 = U a1 + b2, the probabilities, the loss,
   * and the backward pass to dJ/da1 (into the kernel's g) with the step of U and b2. It keeps the
   * last window's scores.
   */
  private abstract static class Output {
    /** The probabilities of the last {@link #forward} (overwritten by the next call). */
    final double[] probabilities;

    Output(int outputs) {
      this.probabilities = new double[outputs];
    }

    /** The probabilities of the window whose hidden layer is a1. */
    abstract double[] forward(DenseParameters p);

    /**
     * After {@link #forward} on the same window: dJ/da1 = U^T delta from the old U into g, and the
     * new U and b2 into {@code to}. Returns the loss of the window before the step.
     */
    abstract double backward(
        DenseParameters from, DenseParameters to, int y, double lr, double decay);
  }

  /** The specification's output: h = sigmoid(U^T a1 + b2) = P(centre word is the entity). */
  private final class Sigmoid extends Output {
    /** h, the one probability. */
    private final double[] h = probabilities;

    private double z2;

    Sigmoid() {
      super(1);
    }

    @Override
    double[] forward(DenseParameters p) {
      final double[] u = p.u[0], a1 = DoubleKernel.this.a1;
      final int hidden = a1.length;
      // z2 = U^T a1 + b2, summed four terms at a time (the order the fused loop of the first fast
      // path used: models trained before and after sharing the hidden layer are bit for bit equal)
      double z = p.b2[0];
      int k = 0;
      for (; k <= hidden - 4; k += 4) {
        z += u[k] * a1[k] + u[k + 1] * a1[k + 1] + u[k + 2] * a1[k + 2] + u[k + 3] * a1[k + 3];
      }
      for (; k < hidden; k++) z += u[k] * a1[k];
      z2 = z;
      h[0] = sigmoid(z);
      return h;
    }

    /** delta = h - y; dJ/da1 = delta U; U -= lr (delta a1 + (C/m) U) (31); b2 -= lr delta (15). */
    @Override
    double backward(DenseParameters from, DenseParameters to, int y, double lr, double decay) {
      final double delta = h[0] - y;
      final double[] u = from.u[0], a1 = DoubleKernel.this.a1, da1 = g;
      final double[] out = to.u[0];
      for (int k = 0; k < a1.length; k++) {
        final double uk = u[k];
        da1[k] = delta * uk;
        out[k] = uk - lr * (delta * a1[k] + decay * uk);
      }
      to.b2[0] = from.b2[0] - lr * delta;
      return logisticLoss(z2, y);
    }
  }

  /** The typed output: a2 = softmax(U a1 + b2), the probability of each tag for the centre word. */
  private final class Softmax extends Output {
    private final double[] z2;

    /** a2, the probability of each tag. */
    private final double[] a2 = probabilities;

    /** max z2 and sum_t e^(z2_t - max), from the last forward pass: the loss reuses them. */
    private double max;

    private double sum;

    Softmax(int tags) {
      super(tags);
      this.z2 = new double[tags];
    }

    /** Eqs. (39), (36): K dot products of length H, two chains each, then the softmax. */
    @Override
    double[] forward(DenseParameters p) {
      final double[] a1 = DoubleKernel.this.a1;
      double m = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < z2.length; t++) {
        final double[] ut = p.u[t];
        double s0 = 0, s1 = 0;
        int k = 0;
        for (; k <= hidden - 2; k += 2) {
          s0 += ut[k] * a1[k];
          s1 += ut[k + 1] * a1[k + 1];
        }
        if (k < hidden) s0 += ut[k] * a1[k];
        z2[t] = s0 + s1 + p.b2[t];
        m = Math.max(m, z2[t]);
      }
      max = m;
      // the largest score subtracted first so that no exponential overflows (e^-max cancels)
      double s = 0;
      for (int t = 0; t < z2.length; t++) {
        a2[t] = Math.exp(z2[t] - m);
        s += a2[t];
      }
      sum = s;
      final double inverse = 1.0 / s;
      for (int t = 0; t < a2.length; t++) a2[t] *= inverse;
      return a2;
    }

    /**
     * delta = a2 - e_y (41); dJ/da1 = U^T delta (44) and U -= lr (delta a1^T + (C/m) U) (50) in one
     * pass over U; b2 -= lr delta (43).
     */
    @Override
    double backward(DenseParameters from, DenseParameters to, int y, double lr, double decay) {
      final double[] a1 = DoubleKernel.this.a1, da1 = g;
      // -log a2_y = max + log sum - z2_y (eq. 51), from the forward pass's max and sum
      final double loss = max + Math.log(sum) - z2[y];
      Arrays.fill(da1, 0.0);
      for (int t = 0; t < z2.length; t++) {
        final double delta = t == y ? a2[t] - 1 : a2[t];
        final double[] ut = from.u[t];
        final double[] out = to.u[t];
        for (int k = 0; k < a1.length; k++) {
          final double utk = ut[k];
          da1[k] += delta * utk;
          out[k] = utk - lr * (delta * a1[k] + decay * utk);
        }
        to.b2[t] = from.b2[t] - lr * delta;
      }
      return loss;
    }
  }

  /** x = the pieces one after another. */
  private static void stack(double[][] pieces, double[] x) {
    int o = 0;
    for (double[] piece : pieces) {
      if (o + piece.length > x.length) throw tooLong(pieces, x.length);
      System.arraycopy(piece, 0, x, o, piece.length);
      o += piece.length;
    }
    if (o != x.length) throw tooLong(pieces, x.length);
  }

  /**
   * The error of a window whose pieces (arrays of either precision) do not fill the model's input
   * exactly.
   */
  static IllegalArgumentException tooLong(Object[] pieces, int inputSize) {
    long total = 0;
    for (Object piece : pieces) total += java.lang.reflect.Array.getLength(piece);
    return new IllegalArgumentException(
        "the window's "
            + pieces.length
            + " vectors hold "
            + total
            + " values, the model's input has "
            + inputSize);
  }

  /**
   * a1 = tanh(W x + b1), eqs. (2)-(3), four rows at a time: each x[j] is loaded once for four dot
   * products, and the eight partial sums (two per row) are independent chains the CPU can overlap.
   * The JIT does not vectorise a floating-point reduction, so this is where forward speed comes
   * from.
   */
  private static void hiddenForward(double[][] w, double[] b1, double[] x, double[] a1) {
    final int hidden = a1.length;
    final int in = x.length;
    int k = 0;
    for (; k <= hidden - 4; k += 4) {
      final double[] w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
      double a0 = 0, b0 = 0, a1s = 0, b1s = 0, a2 = 0, b2 = 0, a3 = 0, b3 = 0;
      int j = 0;
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
      a1[k] = Math.tanh(a0 + b0 + b1[k]);
      a1[k + 1] = Math.tanh(a1s + b1s + b1[k + 1]);
      a1[k + 2] = Math.tanh(a2 + b2 + b1[k + 2]);
      a1[k + 3] = Math.tanh(a3 + b3 + b1[k + 3]);
    }
    for (; k < hidden; k++) {
      final double[] wk = w[k];
      double s = 0;
      for (int j = 0; j < in; j++) s += wk[j] * x[j];
      a1[k] = Math.tanh(s + b1[k]);
    }
  }

  /**
   * One pass over W does both dJ/dx = W^T g (eq. 29; 47 typed) and W := W - lr (g x^T + (C/m) W)
   * (eq. 30; 49 typed): dx gathers W^T g from the old W before the row is overwritten. The new W
   * goes to {@code out}, which may be {@code w} itself. Same index on every array, so the JIT can
   * vectorise it.
   */
  private static void backward(
      double[][] w,
      double[][] out,
      double[] g,
      double[] x,
      double[] dx,
      double learningRate,
      double decay) {
    final int in = x.length;
    final double lr = learningRate;
    Arrays.fill(dx, 0.0);
    for (int k = 0; k < g.length; k++) {
      final double gk = g[k];
      final double[] wk = w[k];
      final double[] ok = out[k];
      for (int j = 0; j < in; j++) {
        final double wkj = wk[j];
        dx[j] += gk * wkj;
        ok[j] = wkj - lr * (gk * x[j] + decay * wkj);
      }
    }
  }

  /**
   * Each piece moves against its slice of dJ/dx (eq. 48): columns of L and E by SGD at their own
   * step size f alpha_t (eq. 54), no decay.
   */
  private static void scatter(double[][] pieces, double[] dx, double learningRate) {
    int o = 0;
    for (double[] piece : pieces) {
      for (int d = 0; d < piece.length; d++) piece[d] -= learningRate * dx[o + d];
      o += piece.length;
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
