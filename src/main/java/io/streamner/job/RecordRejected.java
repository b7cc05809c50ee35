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

  /** Whether the record was refused because training on it would make the model non-finite. */
  boolean nonFiniteUpdate() {
    return nonFiniteUpdate;
  }
}
