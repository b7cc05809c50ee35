package io.streamner.model;

/**
 * The window network in one {@link Precision}, as the trainers and scorers use it: {@code V} is one
 * word vector ({@code double[]} or {@code float[]}), {@code P} the dense parameters ({@link
 * DenseParameters} or {@link FloatParameters}). {@link DoubleKernel} runs {@link WindowNetwork},
 * {@link FloatKernel} runs {@link FloatNetwork}; code written against this interface (the offline
 * {@link Trainer} through {@link NerModel#steps()}, the streaming {@link OnlineLearner}) runs the
 * same arithmetic in either precision.
 *
 * <p>An instance holds the activations of one window between the forward half and the backward half
 * of a step: one per thread.
 */
public interface WindowKernel<V, P> {
  Precision precision();

  /**
   * P(centre word is the entity), eq. (2), for the window whose C word vectors are {@code columns};
   * changes nothing (the scoring path).
   */
  double forward(P p, V[] columns);

  /**
   * One SGD step on the window with label y (1 = entity), reading the dense parameters from {@code
   * from} and writing them into {@code to} (the same object, or a spare one of the same shape whose
   * old values do not matter); the word vectors in {@code columns} are updated in place. Returns
   * the logistic loss before the step.
   *
   * @param decay C/m of eqs. (30) and (31)
   */
  double sgdStep(P from, P to, V[] columns, int y, double learningRate, double decay);

  /** h of the last {@link #forward} or of the forward half of the last {@link #sgdStep}. */
  double probability();

  /** An array for the C vectors of one window, to be filled by the caller. */
  V[] window();

  /** The word vectors of this precision. */
  VectorOps<V> vectors();

  /** Dense parameters of this shape whose values are to be overwritten (a spare). */
  P newDense(Hyperparameters hp);

  /** {@code dense} in this precision: a copy, each value rounded to float in float. */
  P dense(DenseParameters dense);

  boolean isFiniteDense(P dense);

  /** The kernel of {@code hp}'s precision: {@link DoubleKernel} or {@link FloatKernel}. */
  static WindowKernel<?, ?> of(Hyperparameters hp) {
    return hp.precision() == Precision.FLOAT ? new FloatKernel(hp) : new DoubleKernel(hp);
  }
}
