package io.streamner.model;

import java.util.Arrays;

/**
 * The loops the binary ({@link WindowNetwork}) and the typed ({@link TypedNetwork}) networks share:
 * everything from the window's vectors to the hidden layer and back. The two networks differ only
 * in their output layer, so the input x, z1 = W x + b1, a1 = tanh(z1), and the updates of W and of
 * the window's vectors are computed here, fused and allocation-free, for both.
 *
 * <p>The input x is the concatenation of the window's <em>pieces</em>: one word vector per window
 * position (the specification's x, eq. 10), or with capitalisation features a word vector and a
 * capitalisation vector per position (x_c = [L_w ; E_q], eq. 32 of
 * src/site/markdown/typed-model.md). A piece is an array owned by the caller and updated in place
 * with its slice of dJ/dx (eqs. 29 and 48); when the same array fills two slices it receives both.
 */
final class HiddenLayer {
  private HiddenLayer() {}

  /** x = the pieces one after another. */
  static void stack(double[][] pieces, double[] x) {
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
  static void forward(double[][] w, double[] b1, double[] x, double[] a1) {
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
   * (eq. 30; 49 typed), where g = dJ/db1 is already in {@code g}: dx gathers W^T g from the old W
   * before the row is overwritten. The new W goes to {@code out}, which may be {@code w} itself (a
   * step in place) or a spare of the same shape whose old values do not matter (the streaming
   * learner's double buffer). Same index on every array, so the JIT can vectorise it.
   */
  static void backward(
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

  /** Each piece moves against its slice of dJ/dx (eq. 48): columns of L and E by SGD, no decay. */
  static void scatter(double[][] pieces, double[] dx, double learningRate) {
    int o = 0;
    for (double[] piece : pieces) {
      for (int d = 0; d < piece.length; d++) piece[d] -= learningRate * dx[o + d];
      o += piece.length;
    }
  }
}
