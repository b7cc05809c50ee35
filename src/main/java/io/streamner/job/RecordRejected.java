package io.streamner.job;

/**
 * One record the model operator cannot use: it becomes a dead letter with this reason and the model
 * stays as it was. An expected outcome, so no stack trace.
 */
final class RecordRejected extends Exception {
  private final boolean nonFiniteUpdate;

  RecordRejected(String reason, boolean nonFiniteUpdate) {
    super(reason, null, false, false);
    this.nonFiniteUpdate = nonFiniteUpdate;
  }

  RecordRejected(String reason) {
    this(reason, false);
  }

  /** Training model {@code model} on the record would put NaN or an infinity into it. */
  static RecordRejected nonFiniteUpdate(String model) {
    return new RecordRejected(
        "non-finite update: training model "
            + model
            + " on this sentence would make a parameter or the loss infinite or NaN (a learning"
            + " rate too high for the data, or a diverging model); the model is unchanged",
        true);
  }

  /** Refuses a prediction holding a value that is not a probability: the weights overflow. */
  static void checkProbabilities(String model, double[] probabilities) throws RecordRejected {
    for (double v : probabilities) {
      if (!(v >= 0 && v <= 1)) {
        throw new RecordRejected(
            "model " + model + " gives a probability of " + v + " (its weights overflow)");
      }
    }
  }

  /** Whether the record was refused because training on it would make the model non-finite. */
  boolean nonFiniteUpdate() {
    return nonFiniteUpdate;
  }
}
