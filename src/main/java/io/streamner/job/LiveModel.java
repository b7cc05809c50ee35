package io.streamner.job;

import io.streamner.model.DenseParameters;
import java.util.Set;

/**
 * One model while the model operator runs. Its dense parameters and counters live here and go into
 * keyed state only when a checkpoint is taken; its word vectors live in keyed state behind a {@link
 * ColumnCache}. A binary model's dense parameters are {@link #dense} (and {@link #spare}); a typed
 * model's are {@link #typed}, and {@link #dense} is null.
 */
final class LiveModel {
  final String name;
  final ModelCheckpoint counters;

  /** Words whose vector changed since the last snapshot version. */
  final Set<String> changed;

  final ColumnCache columns;

  /** True when the model started from its seed in this run rather than from a checkpoint. */
  final boolean seeded;

  /** A binary model's dense parameters; null for a typed model. */
  DenseParameters dense;

  /**
   * Same shape as {@link #dense}: the learner trains a copy here, so a failed sentence is dropped.
   */
  DenseParameters spare;

  /** A typed model's dense parameters and capitalisation vectors; null for a binary model. */
  final LiveTypedParameters typed;

  /** Changed since its state was last written. */
  boolean dirty;

  /** A binary model. */
  LiveModel(
      String name,
      DenseParameters dense,
      ModelCheckpoint counters,
      Set<String> changed,
      ColumnCache columns,
      boolean seeded) {
    this.name = name;
    this.dense = dense;
    this.spare = dense.copy();
    this.counters = counters;
    this.changed = changed;
    this.columns = columns;
    this.seeded = seeded;
    this.typed = null;
  }

  /** A typed model. */
  LiveModel(
      String name,
      LiveTypedParameters typed,
      ModelCheckpoint counters,
      Set<String> changed,
      ColumnCache columns,
      boolean seeded) {
    this.name = name;
    this.typed = typed;
    this.counters = counters;
    this.changed = changed;
    this.columns = columns;
    this.seeded = seeded;
  }

  /**
   * The dense values as the keyed state and the snapshots' dense chunks hold them: a binary model's
   * {@link DenseParameters#flatten()}, a typed model's {@link
   * io.streamner.model.TypedDense#flatten()} (E included).
   */
  double[] flatDense() {
    return typed != null ? typed.current().flatten() : dense.flatten();
  }

  /** The trained copy becomes the model; the old parameters become the next copy to train on. */
  void take(DenseParameters trained) {
    if (trained != spare) throw new IllegalArgumentException("not this model's trained copy");
    spare = dense;
    dense = trained;
  }

  /** Whether examples were trained (or no full version exists) since the last snapshot version. */
  boolean changedSinceSnapshot() {
    return counters.examplesSeen > counters.examplesAtSnapshot || !counters.fullSnapshotWritten;
  }
}
