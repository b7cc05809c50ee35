package io.streamner.model;

/**
 * The typed network (src/site/markdown/typed-model.md) in one {@link Precision}, as {@link
 * WindowKernel} is the binary one: {@code V} is one vector ({@code double[]} or {@code float[]}),
 * {@code P} the dense parameters ({@link DenseParameters} or {@link FloatParameters}). {@link
 * DoubleTypedKernel} runs {@link TypedNetwork}, {@link FloatTypedKernel} runs {@link
 * FloatTypedNetwork#fastest()}; code written against this interface (a {@link TypedModel}'s {@link
 * TypedModel#steps() steps}, the streaming {@link TypedLearner}) runs the same arithmetic in either
 * precision.
 *
 * <p>The window's vectors are passed as pieces (eq. 32: per position the word vector, and with
 * capitalisation features the class's vector after it) and updated in place by a step.
 *
 * <p>An instance holds the activations of one window between the forward half and the backward half
 * of a step: one per thread.
 */
public interface TypedKernel<V, P extends Dense> {
  /** The word (and capitalisation) vectors of this precision. */
  VectorOps<V> vectors();

  /**
   * P(tag) of every tag for the centre word, eq. (35), in tag id order and in double; changes
   * nothing (the scoring path). The array is overwritten by the next call.
   */
  double[] forward(P p, V[] pieces);

  /**
   * One SGD step on the window whose centre word has tag {@code tag}, reading the dense parameters
   * from {@code from} and writing them into {@code to} (the same object, or a spare one of the same
   * shape whose old values do not matter); the pieces are updated in place. Returns the
   * cross-entropy loss before the step (eq. 40). Its forward half's probabilities are then {@link
   * #probabilities()}.
   *
   * @param decay C/m of eqs. (49) and (50)
   */
  double sgdStep(P from, P to, V[] pieces, int tag, double learningRate, double decay);

  /** a2 of the last {@link #forward} or of the forward half of the last {@link #sgdStep}. */
  double[] probabilities();

  /** {@code dense} in this precision: a copy, each value rounded to float in float. */
  P dense(DenseParameters dense);

  /** Whether every dense parameter is a finite number: {@link Dense#isFinite}, or faster. */
  boolean isFiniteDense(P dense);
}
