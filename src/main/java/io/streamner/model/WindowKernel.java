package io.streamner.model;

/**
 * The window network in one {@link Precision}, as the trainers, learners and scorers use it: {@code
 * V} is one vector ({@code double[]} or {@code float[]}), {@code P} the dense parameters ({@link
 * DenseParameters} or {@link FloatParameters}). {@link DoubleKernel} runs it in double (the
 * specification's exact model), {@link FloatKernel} in float on SIMD loops. Each has one hidden
 * layer and an output layer chosen by the parameters' shape: the specification's sigmoid for one
 * output (K = 1), the typed softmax for one per tag. Code written against this interface (a model's
 * steps, the streaming learner) runs the same arithmetic in either precision and for either output
 * layer.
 *
 * <p>The window's vectors are passed as pieces (per position the word vector, and with
 * capitalisation features the class's vector after it: eq. 32 of src/site/markdown/typed-model.md)
 * and updated in place by a step.
 *
 * <p>An instance holds the activations of one window between the forward half and the backward half
 * of a step: one per thread.
 */
public interface WindowKernel<V, P> {
  /** The vectors of this precision. */
  VectorOps<V> vectors();

  /**
   * The network's output for the window, in double: P(centre word is the entity) as the one value
   * of a binary model (eq. 2), P(tag) of every tag in tag id order for a typed one (eq. 35).
   * Changes nothing (the scoring path). The array is overwritten by the next call.
   */
  double[] forward(P p, V[] pieces);

  /**
   * One SGD step on the window with label {@code label} (1 = entity for a binary model, a tag id
   * for a typed one), reading the dense parameters from {@code from} and writing them into {@code
   * to} (the same object, or a spare one of the same shape whose old values do not matter); the
   * pieces are updated in place. Returns the loss before the step: logistic (eq. 11) or
   * cross-entropy (eq. 40). Its forward half's output is then {@link #probabilities()}.
   *
   * @param decay C/m of eqs. (30), (31) and (49), (50)
   */
  double sgdStep(P from, P to, V[] pieces, int label, double learningRate, double decay);

  /** {@link #sgdStep(Object, Object, Object[], int, double, double)} in place. */
  default double sgdStep(P p, V[] pieces, int label, double learningRate, double decay) {
    return sgdStep(p, p, pieces, label, learningRate, decay);
  }

  /**
   * The output of the last {@link #forward} or of the forward half of the last {@link #sgdStep}.
   */
  double[] probabilities();

  /** Dense parameters of this kernel's shape whose values are to be overwritten (a spare). */
  P newDense();

  /** {@code dense} in this precision: a copy, each value rounded to float in float. */
  P dense(DenseParameters dense);

  /** Whether every dense parameter is a finite number: {@link Dense#isFinite}, or faster. */
  boolean isFiniteDense(P dense);

  /**
   * The kernel of {@code hp}'s precision, hidden units and vectors' step factor, for inputs of
   * {@code inputSize} values (I) and {@code outputs} outputs (1: binary, else one per tag).
   */
  static WindowKernel<?, ?> of(Hyperparameters hp, int inputSize, int outputs) {
    double f = hp.vectorStepFactor();
    return hp.precision() == Precision.FLOAT
        ? new FloatKernel(inputSize, hp.hidden(), outputs, f)
        : new DoubleKernel(inputSize, hp.hidden(), outputs, f);
  }
}
