package io.streamner.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The dense parameters of the network: W (H x nC), b1 (H), U (H) and b2 (a scalar). The word
 * vectors L are kept apart (see {@link WordVectors}) because a window touches only C of them: the
 * streaming job keeps each one in its own state entry.
 *
 * <p>W is stored as one array per row: the fused SGD loop walks a row at a time and the JIT
 * vectorises that loop, which it did not do for one flat array (measured, see STACK.md).
 */
public final class DenseParameters implements Dense {
  public final int hidden;
  public final int inputSize;

  /** W[k][j]: weight from input j to hidden unit k. */
  public final double[][] w;

  public final double[] b1;
  public final double[] u;
  public double b2;

  public DenseParameters(int hidden, int inputSize) {
    this.hidden = hidden;
    this.inputSize = inputSize;
    this.w = new double[hidden][inputSize];
    this.b1 = new double[hidden];
    this.u = new double[hidden];
  }

  /**
   * The initialisation of the reference setup: W and U uniform in +-sqrt(6)/sqrt(fanIn+fanOut) (W:
   * nC + H, U: H + 1), biases zero. Seeded, so two trainers with one seed start equal.
   */
  public static DenseParameters initialise(int hidden, int inputSize, long seed) {
    DenseParameters p = new DenseParameters(hidden, inputSize);
    SplittableRandom random = new SplittableRandom(seed);
    double wRange = Math.sqrt(6.0) / Math.sqrt(inputSize + hidden);
    for (double[] row : p.w) {
      for (int j = 0; j < inputSize; j++) row[j] = uniform(random, wRange);
    }
    double uRange = Math.sqrt(6.0) / Math.sqrt(hidden + 1);
    for (int k = 0; k < hidden; k++) p.u[k] = uniform(random, uRange);
    return p;
  }

  static double uniform(SplittableRandom random, double range) {
    return (2 * random.nextDouble() - 1) * range;
  }

  public DenseParameters copy() {
    DenseParameters c = new DenseParameters(hidden, inputSize);
    for (int k = 0; k < hidden; k++) System.arraycopy(w[k], 0, c.w[k], 0, inputSize);
    System.arraycopy(b1, 0, c.b1, 0, hidden);
    System.arraycopy(u, 0, c.u, 0, hidden);
    c.b2 = b2;
    return c;
  }

  /** Whether every parameter is a finite number (no NaN, no infinity). */
  public boolean isFinite() {
    for (double[] row : w) if (!allFinite(row)) return false;
    return allFinite(b1) && allFinite(u) && Double.isFinite(b2);
  }

  /**
   * Whether every value is finite. {@code v * 0} is 0 for a finite v and NaN for an infinite or NaN
   * one, so sums of those say it for the whole array without a branch per value: four independent
   * sums, so that the additions need not wait for each other (the streaming learner checks all of W
   * after every sentence).
   */
  public static boolean allFinite(double[] values) {
    double a = 0, b = 0, c = 0, d = 0;
    int i = 0;
    for (; i + 4 <= values.length; i += 4) {
      a += values[i] * 0;
      b += values[i + 1] * 0;
      c += values[i + 2] * 0;
      d += values[i + 3] * 0;
    }
    for (; i < values.length; i++) a += values[i] * 0;
    return a + b + c + d == 0;
  }

  @Override
  public int hidden() {
    return hidden;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  /** Sum of squares of W and U: the bracket of the regularisation term in eq. (1). */
  @Override
  public double squaredWeights() {
    double s = 0;
    for (double[] row : w) for (double v : row) s += v * v;
    for (double v : u) s += v * v;
    return s;
  }

  /** W, b1, U and b2 as one flat array, row-major W first: the order of the model file. */
  public double[] flatten() {
    double[] flat = new double[hidden * inputSize + 2 * hidden + 1];
    int o = 0;
    for (double[] row : w) {
      System.arraycopy(row, 0, flat, o, inputSize);
      o += inputSize;
    }
    System.arraycopy(b1, 0, flat, o, hidden);
    o += hidden;
    System.arraycopy(u, 0, flat, o, hidden);
    o += hidden;
    flat[o] = b2;
    return flat;
  }

  public static DenseParameters unflatten(int hidden, int inputSize, double[] flat) {
    Dense.checkFlat(hidden, inputSize, flat.length);
    DenseParameters p = new DenseParameters(hidden, inputSize);
    int o = 0;
    for (double[] row : p.w) {
      System.arraycopy(flat, o, row, 0, inputSize);
      o += inputSize;
    }
    System.arraycopy(flat, o, p.b1, 0, hidden);
    o += hidden;
    System.arraycopy(flat, o, p.u, 0, hidden);
    o += hidden;
    p.b2 = flat[o];
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenseParameters p && Arrays.equals(flatten(), p.flatten());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(flatten());
  }
}
