package io.streamner.job;

import io.streamner.model.TypedDense;
import io.streamner.model.TypedLearner;
import io.streamner.model.TypedParameters;
import io.streamner.text.TagSet;

/**
 * A typed model's dense parameters (W, b1, U, b2) and capitalisation vectors E while the model
 * operator runs, with the spare parameters its {@link TypedLearner} trains a sentence on: what
 * {@link LiveModel#dense} and {@link LiveModel#spare} are to a binary model.
 */
final class LiveTypedParameters {
  final TagSet tagSet;
  TypedParameters dense;
  TypedParameters spare;

  /** E, or null without capitalisation features; replaced, never changed in place. */
  double[][] capitals;

  LiveTypedParameters(TagSet tagSet, TypedDense current) {
    this.tagSet = tagSet;
    this.dense = current.parameters();
    this.spare = dense.copy();
    this.capitals = current.capitals();
  }

  /** The trained copies become the model; the old parameters become the next spare. */
  void take(TypedLearner.Update update) {
    if (update.dense() != spare) throw new IllegalArgumentException("not this model's spare");
    spare = dense;
    dense = update.dense();
    capitals = update.capitals();
  }

  /** The parameters and E as they are now (shared, not copied). */
  TypedDense current() {
    return new TypedDense(dense, capitals);
  }

  int capitalizationDim() {
    return capitals == null ? 0 : capitals[0].length;
  }
}
