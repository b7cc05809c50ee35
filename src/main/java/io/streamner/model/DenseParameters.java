package io.streamner.model;

import java.util.SplittableRandom;

/**
 * The dense parameters of a window network in double precision: W (H x I), b1 (H), U (K x H) and b2
 * (K), where I is the input's length (nC, or C (n + k) with capitalisation features) and K the
 * number of outputs: 1 for the specification's binary model (U is its vector of H weights, b2 its
 * scalar), one per tag for the typed model (eq. 33 of src/site/markdown/typed-model.md). The word
 * vectors L are kept apart (see {@link WordVectors}) because a window touches only C of them: the
 * streaming job keeps each one in its own state entry.
 *
 * <p>W and U are stored as one array per row: the fused SGD loops walk a row at a time and the JIT
 * vectorises that loop, which it did not do for one flat array (measured, see STACK.md).
 */
public final class DenseParameters extends Dense {
  /** W[k][j]: weight from input j to hidden unit k. */
  public final double[][] w;

  public final double[] b1;

  /** U[t][k]: weight from hidden unit k to output t. */
  public final double[][] u;

  public final double[] b2;

  public DenseParameters(int hidden, int inputSize, int outputs) {
    super(hidden, inputSize, outputs);
    this.w = new double[hidden][inputSize];
    this.b1 = new double[hidden];
    this.u = new double[outputs][hidden];
    this.b2 = new double[outputs];
  }

  /**
   * The initialisation of the reference setup: W uniform in +-sqrt(6)/sqrt(I + H), U in
   * +-sqrt(6)/sqrt(H + K), biases zero. Seeded, so two trainers with one seed start equal.
   */
  public static DenseParameters initialise(int hidden, int inputSize, int outputs, long seed) {
    DenseParameters p = new DenseParameters(hidden, inputSize, outputs);
    SplittableRandom random = new SplittableRandom(seed);
    double wRange = Math.sqrt(6.0) / Math.sqrt(inputSize + hidden);
    for (double[] row : p.w) {
      for (int j = 0; j < inputSize; j++) row[j] = uniform(random, wRange);
    }
    double uRange = Math.sqrt(6.0) / Math.sqrt(hidden + outputs);
    for (double[] row : p.u) {
      for (int k = 0; k < hidden; k++) row[k] = uniform(random, uRange);
    }
    return p;
  }

  private static double uniform(SplittableRandom random, double range) {
    return (2 * random.nextDouble() - 1) * range;
  }

  public DenseParameters copy() {
    DenseParameters c = new DenseParameters(hidden, inputSize, outputs);
    c.copyFrom(this);
    return c;
  }

  /** A copy: these parameters are double already. */
  @Override
  public DenseParameters toDouble() {
    return copy();
  }

  /** Overwrites these parameters with {@code other}'s, which must have the same shape. */
  public void copyFrom(DenseParameters other) {
    Dense.checkSameShape(other, this);
    for (int k = 0; k < hidden; k++) System.arraycopy(other.w[k], 0, w[k], 0, inputSize);
    System.arraycopy(other.b1, 0, b1, 0, hidden);
    for (int t = 0; t < outputs; t++) System.arraycopy(other.u[t], 0, u[t], 0, hidden);
    System.arraycopy(other.b2, 0, b2, 0, outputs);
  }

  @Override
  public boolean isFinite() {
    for (double[] row : w) if (!allFinite(row)) return false;
    for (double[] row : u) if (!allFinite(row)) return false;
    return allFinite(b1) && allFinite(b2);
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

  /** Sum of squares of W and U: the bracket of the regularisation term of eqs. (1) and (34). */
  @Override
  public double squaredWeights() {
    double s = 0;
    for (double[] row : w) for (double v : row) s += v * v;
    for (double[] row : u) for (double v : row) s += v * v;
    return s;
  }

  @Override
  Object flatValues() {
    return flatten();
  }

  /** W, b1, U and b2 as one flat array, row-major, in that order: the order of the model file. */
  public double[] flatten() {
    double[] flat = new double[Dense.size(hidden, inputSize, outputs)];
    int o = 0;
    for (double[] row : w) {
      System.arraycopy(row, 0, flat, o, inputSize);
      o += inputSize;
    }
    System.arraycopy(b1, 0, flat, o, hidden);
    o += hidden;
    for (double[] row : u) {
      System.arraycopy(row, 0, flat, o, hidden);
      o += hidden;
    }
    System.arraycopy(b2, 0, flat, o, outputs);
    return flat;
  }

  /** The inverse of {@link #flatten}. */
  public static DenseParameters unflatten(int hidden, int inputSize, int outputs, double[] flat) {
    DenseParameters p = new DenseParameters(hidden, inputSize, outputs);
    Dense.checkSize(hidden, inputSize, outputs, flat.length);
    int o = 0;
    for (double[] row : p.w) {
      System.arraycopy(flat, o, row, 0, inputSize);
      o += inputSize;
    }
    System.arraycopy(flat, o, p.b1, 0, hidden);
    o += hidden;
    for (double[] row : p.u) {
      System.arraycopy(flat, o, row, 0, hidden);
      o += hidden;
    }
    System.arraycopy(flat, o, p.b2, 0, outputs);
    return p;
  }
}
