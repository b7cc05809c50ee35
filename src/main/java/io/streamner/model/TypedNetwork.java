package io.streamner.model;

/**
 * The fast path of the typed model (src/site/markdown/typed-model.md): forward pass, cost and one
 * per-example SGD step of a window network whose output layer scores every tag of a {@link
 * io.streamner.text.TagSet} with a softmax, fused into plain loops over {@link DenseParameters} and
 * the window's vectors.
 *
 * <p>Notation of src/site/markdown/typed-model.md: x is the input (eq. 32: per window position the
 * word vector, and with capitalisation features the class's vector after it), z1 = W x + b1, a1 =
 * tanh(z1), z2 = U a1 + b2 (K scores), a2 = softmax(z2), the probability of every tag for the
 * centre word (eqs. 35, 36, 39). The hidden layer and the updates of W and of the window's vectors
 * are the binary network's loops ({@link HiddenLayer}); only the output layer is new. {@code
 * ReferenceTypedNetwork} (in the tests) computes the same equations one at a time with EJML and is
 * checked against finite differences; tests hold the two together.
 *
 * <p>The window's vectors are passed as {@code double[][] pieces}, updated in place: the caller
 * decides where they live. When a word (or a capitalisation class) fills two positions, the caller
 * passes the same array twice and it receives both gradient pieces.
 *
 * <p>Not thread-safe: a {@link Workspace} holds the activations between forward and backward; use
 * one per thread.
 */
public final class TypedNetwork {
  private TypedNetwork() {}

  /** Scratch arrays for one window: reused across steps so the hot loop allocates nothing. */
  public static final class Workspace {
    final double[] x;
    final double[] a1;
    final double[] g;
    final double[] dx;
    final double[] z2;
    final double[] a2;

    /** max z2 and sum_t e^(z2_t - max), from the last forward pass: the loss reuses them. */
    double max;

    double sum;

    /**
     * @param inputSize I: the length of x, C n or C (n + k) with capitalisation features
     */
    public Workspace(int inputSize, int hidden, int tags) {
      this.x = new double[inputSize];
      this.a1 = new double[hidden];
      this.g = new double[hidden];
      this.dx = new double[inputSize];
      this.z2 = new double[tags];
      this.a2 = new double[tags];
    }

    /**
     * a2 of the last {@link #forward} (or of the forward half of the last {@link #sgdStep}): the
     * probability of every tag, before that step changed the model. Overwritten by the next call.
     */
    public double[] probabilities() {
      return a2;
    }
  }

  /**
   * Forward pass, eq. (35): a2 = softmax(U tanh(W x + b1) + b2), the probability of each tag for
   * the centre word. Leaves x, a1, z2 and a2 in the workspace for {@link #sgdStep}.
   *
   * @return the workspace's a2 (overwritten by the next call)
   */
  public static double[] forward(DenseParameters p, double[][] pieces, Workspace ws) {
    HiddenLayer.stack(pieces, ws.x);
    final double[] a1 = ws.a1;
    HiddenLayer.forward(p.w, p.b1, ws.x, a1);
    // z2 = U a1 + b2: K dot products of length H, two chains each
    final double[] z2 = ws.z2;
    final int hidden = p.hidden;
    double max = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < p.outputs; t++) {
      final double[] ut = p.u[t];
      double s0 = 0, s1 = 0;
      int k = 0;
      for (; k <= hidden - 2; k += 2) {
        s0 += ut[k] * a1[k];
        s1 += ut[k + 1] * a1[k + 1];
      }
      if (k < hidden) s0 += ut[k] * a1[k];
      z2[t] = s0 + s1 + p.b2[t];
      max = Math.max(max, z2[t]);
    }
    ws.max = max;
    ws.sum = softmax(z2, max, ws.a2);
    return ws.a2;
  }

  /**
   * a2 = softmax(z2), eq. (36), with the largest score subtracted first so that no exponential
   * overflows (the result is the same: the factor e^-max cancels).
   */
  private static double softmax(double[] z2, double max, double[] a2) {
    double sum = 0;
    for (int t = 0; t < z2.length; t++) {
      a2[t] = Math.exp(z2[t] - max);
      sum += a2[t];
    }
    final double inverse = 1.0 / sum;
    for (int t = 0; t < a2.length; t++) a2[t] *= inverse;
    return sum;
  }

  /**
   * One stochastic gradient step on one window whose centre word has tag {@code y}, eq. (38) as the
   * cost. All gradients are taken at the parameters before the step, then every group is updated:
   *
   * <pre>
   *   delta  = a2 - e_y                                 (41)
   *   dJ/dU  = delta a1^T + (C/m) U                     (50)
   *   dJ/db2 = delta                                    (43)
   *   g      = (U^T delta) o (1 - a1^2)                 (46) = dJ/db1
   *   dJ/dW  = g x^T + (C/m) W                          (49)
   *   dJ/dx  = W^T g                                    (47), split into the pieces (48)
   * </pre>
   *
   * One pass over U computes U^T delta from the old U and updates it; one pass over W computes W^T
   * g from the old W and updates it ({@link HiddenLayer#backward}).
   *
   * @param y the id of the centre word's tag in the model's tag set
   * @param decay the regularisation constant divided by m, C/m in eqs. (49) and (50)
   * @return the cross-entropy loss of this window before the step, -log a2_y (eq. 40), without the
   *     regularisation term
   */
  public static double sgdStep(
      DenseParameters p,
      double[][] pieces,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    return sgdStep(p, p, pieces, y, learningRate, decay, ws);
  }

  /**
   * {@link #sgdStep(DenseParameters, double[][], int, double, double, Workspace)} from the
   * parameters {@code from} into {@code to}, which may be the same object: every value of {@code
   * to} is written (from {@code from}'s), so whatever {@code to} held before does not matter, and
   * the results are the bits of the step in place. The streaming {@link OnlineLearner} trains a
   * sentence's first window from the live model into a spare one this way, which spares it a copy
   * of the dense parameters per sentence; the window's vectors are updated in place either way.
   */
  public static double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] pieces,
      int y,
      double learningRate,
      double decay,
      Workspace ws) {
    checkStep(from, to, y);
    final double[] a2 = forward(from, pieces, ws);
    final double[] a1 = ws.a1;
    final double[] g = ws.g;
    final int hidden = from.hidden;
    final double lr = learningRate;
    // crossEntropy(ws.z2, y), from the forward pass's max and sum (the same terms in the same
    // order)
    final double loss = ws.max + Math.log(ws.sum) - ws.z2[y];

    java.util.Arrays.fill(g, 0.0);
    for (int t = 0; t < from.outputs; t++) {
      final double delta = t == y ? a2[t] - 1 : a2[t];
      final double[] ut = from.u[t];
      final double[] out = to.u[t];
      for (int k = 0; k < hidden; k++) {
        final double utk = ut[k];
        g[k] += delta * utk;
        out[k] = utk - lr * (delta * a1[k] + decay * utk);
      }
      to.b2[t] = from.b2[t] - lr * delta;
    }
    for (int k = 0; k < hidden; k++) {
      g[k] *= 1 - a1[k] * a1[k];
      to.b1[k] = from.b1[k] - lr * g[k];
    }
    HiddenLayer.backward(from.w, to.w, g, ws.x, ws.dx, lr, decay);
    HiddenLayer.scatter(pieces, ws.dx, lr);
    return loss;
  }

  /**
   * The checks of an SGD step from {@code from} into {@code to} on a window of tag {@code y}.
   *
   * @throws IllegalArgumentException when the two differ in shape or y is not a tag id
   */
  static void checkStep(Dense from, Dense to, int y) {
    Dense.checkSameShape(from, to);
    if (y < 0 || y >= from.outputs()) {
      throw new IllegalArgumentException("tag id " + y + " outside 0.." + (from.outputs() - 1));
    }
  }

  /**
   * -log softmax(z)_y, eq. (51): log sum_t e^{z_t} - z_y, with the largest score taken out of the
   * sum so that it neither overflows nor loses a confident model's small losses to rounding.
   */
  public static double crossEntropy(double[] z, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double sum = 0;
    for (double v : z) sum += Math.exp(v - max);
    return max + Math.log(sum) - z[y];
  }
}
