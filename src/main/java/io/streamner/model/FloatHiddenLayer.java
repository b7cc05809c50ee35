package io.streamner.model;

/**
 * The float loops the binary ({@link FloatNetwork}) and the typed ({@link FloatTypedNetwork}) float
 * networks share, the counterpart of {@link HiddenLayer}: the input x, a1 = tanh(W x + b1), the
 * pass back over W and the updates of the window's vectors. The two networks differ only in their
 * output layer.
 *
 * <p>An instance holds one window's activations between the forward and the backward half of a
 * step: it belongs to one workspace, for one thread. W is a {@link FloatParameters}-style flat
 * array whose rows are {@code stride} floats apart (see {@link FloatParameters#stride}).
 */
final class FloatHiddenLayer {
  /** I: nC, or C (n + k) with capitalisation features; the length of x before the padding. */
  final int inputSize;

  /** H. */
  final int hidden;

  /** x, zero from I to the padded length (the padding of W's rows multiplies zeros). */
  final float[] x;

  /** W x, before the bias. */
  final float[] wx;

  /**
   * z1 = W x + b1 and tanh(z1), widened to double for {@link FloatLoops#tanh}; zero past H (to a
   * multiple of 16).
   */
  final double[] z1;

  final double[] tanh;

  /** a1 = tanh(z1) in float; zero past H (to a multiple of 16), so it can be the x of a layer. */
  final float[] a1;

  /** g = dJ/db1 (eqs. 25 and 46), set by the output layer before {@link #backward}. */
  final float[] g;

  /** lr g_k, the step of row k of W and of b1_k. */
  final float[] lrg;

  /** dJ/dx = W^T g (eqs. 29 and 47). */
  final float[] dx;

  final float[] scratch = new float[FloatLoops.BLOCK];

  FloatHiddenLayer(int inputSize, int hidden) {
    this.inputSize = inputSize;
    this.hidden = hidden;
    int stride = FloatParameters.padded(inputSize);
    this.x = new float[stride];
    this.wx = new float[hidden];
    this.z1 = new double[FloatParameters.padded(hidden)];
    this.tanh = new double[z1.length];
    this.a1 = new float[z1.length];
    this.g = new float[hidden];
    this.lrg = new float[hidden];
    this.dx = new float[stride];
  }

  /**
   * x = the pieces one after another, zero to the padded length (which stays zero).
   *
   * @throws IllegalArgumentException when the parameters are of another shape than this layer, or
   *     the pieces do not fill x exactly
   */
  void stack(int paramHidden, int paramInputSize, float[][] pieces) {
    if (paramInputSize != inputSize || paramHidden != hidden) {
      throw new IllegalArgumentException(
          "the workspace is for another shape than the "
              + paramHidden
              + "x"
              + paramInputSize
              + " parameters");
    }
    int o = 0;
    for (float[] piece : pieces) {
      if (o + piece.length > inputSize) throw HiddenLayer.tooLong(pieces, inputSize);
      System.arraycopy(piece, 0, x, o, piece.length);
      o += piece.length;
    }
    if (o != inputSize) throw HiddenLayer.tooLong(pieces, inputSize);
  }

  /** a1 = tanh(W x + b1), eqs. (2)-(3) (39 typed): z1 = W x + b1 is a float sum. */
  void forward(FloatLoops loops, float[] w, float[] b1, int stride) {
    loops.multiply(w, hidden, stride, x, wx, scratch);
    for (int k = 0; k < hidden; k++) z1[k] = wx[k] + b1[k];
    loops.tanh(z1, tanh, z1.length);
    for (int k = 0; k < hidden; k++) a1[k] = (float) tanh[k];
  }

  /**
   * (29) and (30), typed (47) and (49): dJ/dx = W^T g from the W before the step, and W - lr (g x^T
   * + (C/m) W) into {@code out} (which may be {@code w}), with {@link #g} and {@link #lrg} set.
   */
  void backward(FloatLoops loops, float[] w, float[] out, int stride, float lrDecay) {
    loops.backward(w, out, hidden, stride, x, g, lrg, lrDecay, dx);
  }

  /**
   * dJ/dL (and dJ/dE), eqs. (29) and (48): each piece moves against its slice of dJ/dx, in window
   * order, by one fused multiply-add per value (a piece passed twice receives both slices).
   */
  void scatter(float[][] pieces, float lr) {
    int o = 0;
    for (final float[] piece : pieces) {
      for (int d = 0; d < piece.length; d++) piece[d] = Math.fma(-lr, dx[o + d], piece[d]);
      o += piece.length;
    }
  }
}
