package io.streamner.model;

/**
 * The dense parameters of the network, W (H x nC), b1, U and b2, in either precision: {@link
 * DenseParameters} (double) or {@link FloatParameters} (float). What code that holds a model of
 * either precision asks of them.
 */
public interface Dense {
  /** H: hidden units, the rows of W. */
  int hidden();

  /** nC: the input's length, the columns of W. */
  int inputSize();

  /** Sum of squares of W and U, in double: the bracket of the regularisation term in eq. (1). */
  double squaredWeights();

  /** The number of values of W, b1, U and b2 together: H nC + 2H + 1. */
  static long values(int hidden, int inputSize) {
    return (long) hidden * inputSize + 2L * hidden + 1;
  }

  /**
   * Checks the length of a flat array of W, b1, U and b2 ({@code flatten()} of either precision).
   *
   * @throws IllegalArgumentException when it is not {@link #values}
   */
  static void checkFlat(int hidden, int inputSize, int length) {
    if (length != values(hidden, inputSize)) {
      throw new IllegalArgumentException(
          "expected "
              + values(hidden, inputSize)
              + " dense parameters for H="
              + hidden
              + ", nC="
              + inputSize
              + ", got "
              + length);
    }
  }
}
