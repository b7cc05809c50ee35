package io.streamner.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The dense parameters of a window network, W (H x I), b1, U (K x H) and b2 (K), in either
 * precision: {@link DenseParameters} (double) or {@link FloatParameters} (float, laid out for the
 * SIMD loops). K is 1 for a binary model and the number of tags for a typed one. What code that
 * holds a model of either precision asks of them.
 */
public abstract sealed class Dense permits DenseParameters, FloatParameters {
  /** H: hidden units, the rows of W. */
  public final int hidden;

  /** I: the input's length (nC, or C (n + k) with capitalisation features), the columns of W. */
  public final int inputSize;

  /** K: the outputs, the rows of U: 1 for a binary model, the number of tags for a typed one. */
  public final int outputs;

  /**
   * @throws IllegalArgumentException unless H, I and K are at least 1
   */
  Dense(int hidden, int inputSize, int outputs) {
    checkShape(hidden, inputSize, outputs);
    this.hidden = hidden;
    this.inputSize = inputSize;
    this.outputs = outputs;
  }

  public int hidden() {
    return hidden;
  }

  public int inputSize() {
    return inputSize;
  }

  public int outputs() {
    return outputs;
  }

  /** Sum of squares of W and U, in double: the bracket of the regularisation term in eq. (1). */
  public abstract double squaredWeights();

  /** Whether every parameter is a finite number (no NaN, no infinity). */
  public abstract boolean isFinite();

  /** These parameters in double: a copy (exact for float ones). */
  public abstract DenseParameters toDouble();

  /** W, b1, U and b2 one after the other: {@code double[]} or {@code float[]}, by precision. */
  abstract Object flatValues();

  /** Equal: the same precision, shape and values (what a test of bit-for-bit training compares). */
  @Override
  public final boolean equals(Object o) {
    return o instanceof Dense p
        && p.getClass() == getClass()
        && p.hidden == hidden
        && p.inputSize == inputSize
        && p.outputs == outputs
        && Objects.deepEquals(flatValues(), p.flatValues());
  }

  @Override
  public final int hashCode() {
    return Arrays.deepHashCode(new Object[] {flatValues()});
  }

  /** "H=.. I=.. K=..", for messages. */
  public String shape() {
    return "H=" + hidden() + " I=" + inputSize() + " K=" + outputs();
  }

  /** The number of values of W, b1, U and b2 together: H I + H + K H + K. */
  static int size(int hidden, int inputSize, int outputs) {
    return Math.addExact(
        Math.multiplyExact(hidden, inputSize),
        hidden + Math.multiplyExact(outputs, hidden) + outputs);
  }

  /**
   * Checks the length of a flat array of W, b1, U and b2 ({@code flatten()} of either precision).
   *
   * @throws IllegalArgumentException when it is not {@link #size}
   */
  static void checkSize(int hidden, int inputSize, int outputs, int length) {
    if (length != size(hidden, inputSize, outputs)) {
      throw new IllegalArgumentException(
          "expected "
              + size(hidden, inputSize, outputs)
              + " dense parameters for H="
              + hidden
              + " I="
              + inputSize
              + " K="
              + outputs
              + ", got "
              + length);
    }
  }

  /**
   * @throws IllegalArgumentException unless H, I and K are at least 1
   */
  static void checkShape(int hidden, int inputSize, int outputs) {
    if (hidden < 1 || inputSize < 1 || outputs < 1) {
      throw new IllegalArgumentException(
          "dense parameters need H, I, K >= 1, got H="
              + hidden
              + ", I="
              + inputSize
              + ", K="
              + outputs);
    }
  }

  /**
   * The check of an SGD step from {@code from} into {@code to}, or of a copy.
   *
   * @throws IllegalArgumentException when the two differ in shape
   */
  static void checkSameShape(Dense from, Dense to) {
    if (to.hidden() != from.hidden()
        || to.inputSize() != from.inputSize()
        || to.outputs() != from.outputs()) {
      throw new IllegalArgumentException(
          "the parameters to train into have the shape " + to.shape() + ", not " + from.shape());
    }
  }

  /**
   * The check of a kernel of shape H, I, K on parameters {@code p}.
   *
   * @throws IllegalArgumentException when they are of another shape
   */
  static void checkFits(Dense p, int hidden, int inputSize, int outputs) {
    if (p.hidden() != hidden || p.inputSize() != inputSize || p.outputs() != outputs) {
      throw new IllegalArgumentException(
          "a kernel of H="
              + hidden
              + " I="
              + inputSize
              + " K="
              + outputs
              + " for parameters of "
              + p.shape());
    }
  }
}
