package io.streamner.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The dense parameters of the typed network (src/site/markdown/typed-model.md, eq. 33): W (H x I),
 * b1 (H), U (K x H) and b2 (K), where K is the number of tags and I the input size (nC, or (n + k)C
 * with capitalisation features). W and b1 are what the binary {@link DenseParameters} hold; U has
 * one row and b2 one value per tag.
 *
 * <p>W and U are stored as one array per row, as in {@link DenseParameters}: the fused loops walk a
 * row at a time.
 */
public final class TypedParameters implements TypedWeights {
  public final int hidden;
  public final int inputSize;
  public final int tags;

  /** W[k][j]: weight from input j to hidden unit k. */
  public final double[][] w;

  public final double[] b1;

  /** U[t][k]: weight from hidden unit k to the score of tag t. */
  public final double[][] u;

  public final double[] b2;

  public TypedParameters(int hidden, int inputSize, int tags) {
    if (hidden < 1 || inputSize < 1 || tags < 2) {
      throw new IllegalArgumentException(
          "typed parameters need H, I >= 1 and K >= 2, got H="
              + hidden
              + ", I="
              + inputSize
              + ", K="
              + tags);
    }
    this.hidden = hidden;
    this.inputSize = inputSize;
    this.tags = tags;
    this.w = new double[hidden][inputSize];
    this.b1 = new double[hidden];
    this.u = new double[tags][hidden];
    this.b2 = new double[tags];
  }

  /**
   * The initialisation of the reference setup, as {@link DenseParameters#initialise}: W uniform in
   * +-sqrt(6)/sqrt(I + H), U in +-sqrt(6)/sqrt(H + K), biases zero; seeded.
   */
  public static TypedParameters initialise(int hidden, int inputSize, int tags, long seed) {
    TypedParameters p = new TypedParameters(hidden, inputSize, tags);
    SplittableRandom random = new SplittableRandom(seed);
    double wRange = Math.sqrt(6.0) / Math.sqrt(inputSize + hidden);
    for (double[] row : p.w) {
      for (int j = 0; j < inputSize; j++) row[j] = DenseParameters.uniform(random, wRange);
    }
    double uRange = Math.sqrt(6.0) / Math.sqrt(hidden + tags);
    for (double[] row : p.u) {
      for (int k = 0; k < hidden; k++) row[k] = DenseParameters.uniform(random, uRange);
    }
    return p;
  }

  public TypedParameters copy() {
    TypedParameters c = new TypedParameters(hidden, inputSize, tags);
    c.copyFrom(this);
    return c;
  }

  /** A copy: these parameters are double already. */
  @Override
  public TypedParameters toTyped() {
    return copy();
  }

  /** Overwrites these parameters with {@code other}'s, which must have the same shape. */
  public void copyFrom(TypedParameters other) {
    if (other.hidden != hidden || other.inputSize != inputSize || other.tags != tags) {
      throw new IllegalArgumentException(
          "cannot copy parameters of shape " + other.shape() + " into " + shape());
    }
    for (int k = 0; k < hidden; k++) System.arraycopy(other.w[k], 0, w[k], 0, inputSize);
    System.arraycopy(other.b1, 0, b1, 0, hidden);
    for (int t = 0; t < tags; t++) System.arraycopy(other.u[t], 0, u[t], 0, hidden);
    System.arraycopy(other.b2, 0, b2, 0, tags);
  }

  @Override
  public int hidden() {
    return hidden;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public int tags() {
    return tags;
  }

  @Override
  public boolean isFinite() {
    for (double[] row : w) if (!DenseParameters.allFinite(row)) return false;
    for (double[] row : u) if (!DenseParameters.allFinite(row)) return false;
    return DenseParameters.allFinite(b1) && DenseParameters.allFinite(b2);
  }

  @Override
  public double squaredWeights() {
    double s = 0;
    for (double[] row : w) for (double v : row) s += v * v;
    for (double[] row : u) for (double v : row) s += v * v;
    return s;
  }

  /** W, b1, U and b2 as one flat array, row-major, in that order: the order of the model file. */
  public double[] flatten() {
    double[] flat = new double[size(hidden, inputSize, tags)];
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
    System.arraycopy(b2, 0, flat, o, tags);
    return flat;
  }

  public static TypedParameters unflatten(int hidden, int inputSize, int tags, double[] flat) {
    TypedParameters p = new TypedParameters(hidden, inputSize, tags);
    checkSize(hidden, inputSize, tags, flat.length);
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
    System.arraycopy(flat, o, p.b2, 0, tags);
    return p;
  }

  /**
   * Checks the length of a flat array of W, b1, U and b2 ({@code flatten()} of either precision).
   *
   * @throws IllegalArgumentException when it is not {@link #size}
   */
  static void checkSize(int hidden, int inputSize, int tags, int length) {
    if (length != size(hidden, inputSize, tags)) {
      throw new IllegalArgumentException(
          "expected "
              + size(hidden, inputSize, tags)
              + " dense parameters for H="
              + hidden
              + " I="
              + inputSize
              + " K="
              + tags
              + ", got "
              + length);
    }
  }

  /** The number of values of W, b1, U and b2 together: H I + H + K H + K. */
  static int size(int hidden, int inputSize, int tags) {
    return Math.addExact(
        Math.multiplyExact(hidden, inputSize), hidden + Math.multiplyExact(tags, hidden) + tags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypedParameters p
        && p.hidden == hidden
        && p.inputSize == inputSize
        && p.tags == tags
        && Arrays.equals(flatten(), p.flatten());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(flatten());
  }
}
