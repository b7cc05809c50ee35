package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.DenseParameters;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.OnlineLearner;
import io.streamner.model.VectorOps;
import io.streamner.text.TagSet;

/**
 * A typed model's dense parameters (W, b1, U, b2) and capitalisation vectors E while the model
 * operator runs, in the job's precision, with the spare parameters its {@link OnlineLearner} trains
 * a sentence on and the learner itself: what {@link LiveModel#dense} and {@link LiveModel#spare}
 * are to a binary model. {@code V} is one vector and {@code T} the dense parameters ({@link
 * DenseParameters} in a double job, {@code FloatParameters} in a float one).
 */
final class LiveTypedParameters<V, T extends Dense> {
  final TagSet tagSet;

  /** The model's learner: a workspace of its shape and precision. */
  final OnlineLearner<V, T> learner;

  T dense;
  T spare;

  /** E, or null without capitalisation features; replaced, never changed in place. */
  V[] capitals;

  private LiveTypedParameters(TagSet tagSet, OnlineLearner<V, T> learner, T dense, V[] capitals) {
    this.tagSet = tagSet;
    this.learner = learner;
    this.dense = dense;
    this.spare = learner.kernel().dense(dense.toDouble());
    this.capitals = capitals;
  }

  /**
   * The live parameters of {@code learner}'s precision: {@code dense} and {@code capitals} (of that
   * precision) copied.
   */
  static <V, T extends Dense> LiveTypedParameters<V, T> of(
      TagSet tagSet, OnlineLearner<V, T> learner, DenseParameters dense, V[] capitals) {
    VectorOps<V> vectors = learner.kernel().vectors();
    return new LiveTypedParameters<>(
        tagSet, learner, learner.kernel().dense(dense), vectors.copy(capitals));
  }

  /** The trained copies become the model; the old parameters become the next spare. */
  void take(OnlineLearner.Update<V, T> update) {
    if (update.dense() != spare) throw new IllegalArgumentException("not this model's spare");
    spare = dense;
    dense = update.dense();
    capitals = update.capitals();
  }

  /** The parameters and E as they are now, in double (a copy; exact for a float model). */
  DenseWithCapitals current() {
    VectorOps<V> vectors = learner.kernel().vectors();
    double[][] e = null;
    if (capitals != null) {
      e = new double[capitals.length][];
      for (int c = 0; c < e.length; c++) e[c] = vectors.values(vectors.copy(capitals[c]));
    }
    return new DenseWithCapitals(dense.toDouble(), e);
  }

  int capitalizationDim() {
    return learner.capitalizationDim();
  }
}
