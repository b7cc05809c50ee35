package io.streamner.model;

/**
 * The dense parameters of a typed model (W, b1, U with a row per tag, b2 with a value per tag; eq.
 * 33 of src/site/markdown/typed-model.md) in either precision: {@link TypedParameters} (double) or
 * {@link FloatTypedParameters} (float). What code that holds a typed model of either precision asks
 * of them, as {@link Dense} is for the binary model's.
 */
public sealed interface TypedWeights permits TypedParameters, FloatTypedParameters {
  /** H: hidden units, the rows of W. */
  int hidden();

  /** I: the input's length, the columns of W. */
  int inputSize();

  /** K: tags, the rows of U. */
  int tags();

  /** Sum of squares of W and U, in double: the bracket of the regularisation term of eq. (34). */
  double squaredWeights();

  /** Whether every parameter is a finite number (no NaN, no infinity). */
  boolean isFinite();

  /** These parameters in double: a copy (exact for float ones). */
  TypedParameters toTyped();

  /**
   * The checks of an SGD step from {@code from} into {@code to} on a window of tag {@code y}.
   *
   * @throws IllegalArgumentException when the two differ in shape or y is not a tag id
   */
  static void checkStep(TypedWeights from, TypedWeights to, int y) {
    if (to.hidden() != from.hidden()
        || to.inputSize() != from.inputSize()
        || to.tags() != from.tags()) {
      throw new IllegalArgumentException(
          "the parameters to train into have the shape " + to.shape() + ", not " + from.shape());
    }
    if (y < 0 || y >= from.tags()) {
      throw new IllegalArgumentException("tag id " + y + " outside 0.." + (from.tags() - 1));
    }
  }

  /** "H=.. I=.. K=..", for messages. */
  default String shape() {
    return "H=" + hidden() + " I=" + inputSize() + " K=" + tags();
  }
}
