package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.OnlineLearner;
import io.streamner.model.VectorOps;
import io.streamner.text.TagSet;

/**
 * A model's dense parameters (W, b1, U, b2) and capitalisation vectors E while the model operator
 * runs, in the job's precision, with the spare parameters its {@link OnlineLearner} trains a
 * sentence on and the learner itself. {@code V} is one vector and {@code P} the dense parameters
 * ({@code DenseParameters} in a double job, {@code FloatParameters} in a float one). A binary model
 * has one output, no tag set and no E.
 */
final class LiveParameters<V, P extends Dense> {
  /** A typed model's tags; null for a binary model. */
  final TagSet tagSet;

  /** The model's learner: a workspace of its shape and precision. */
  final OnlineLearner<V, P> learner;

  P dense;

  /**
   * Same shape as {@link #dense}: the learner trains a sentence into these (its first window from
   * {@link #dense}, the rest in place), so a failed sentence leaves {@link #dense} as it was; their
   * values between sentences do not matter.
   */
  P spare;

  /** E, or null without capitalisation features; replaced, never changed in place. */
  V[] capitals;

  /**
   * The live parameters of {@code learner}'s precision: copies of {@code dense} and {@code
   * capitals} (of that precision).
   *
   * @param tagSet a typed model's tags, null for a binary model
   */
  LiveParameters(TagSet tagSet, OnlineLearner<V, P> learner, Dense dense, V[] capitals) {
    this.tagSet = tagSet;
    this.learner = learner;
    this.dense = learner.kernel().dense(dense.toDouble());
    this.spare = learner.kernel().newDense();
    this.capitals = learner.kernel().vectors().copy(capitals);
  }

  /** The trained copies become the model; the old parameters become the next spare. */
  void take(OnlineLearner.Update<V, P> update) {
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
