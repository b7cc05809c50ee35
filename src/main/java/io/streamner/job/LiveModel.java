package io.streamner.job;

import io.streamner.model.Dense;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One model while the model operator runs. Its dense parameters and counters live here and go into
 * keyed state only when a checkpoint is taken; its word vectors live in keyed state behind a {@link
 * ColumnCache}. {@code V} and {@code P}: a word vector and the dense parameters in the model's
 * precision ({@link JobPrecision}); the rest of its numbers are its {@link #parameters}.
 */
final class LiveModel<V, P extends Dense> {
  final String name;
  final ModelCheckpoint counters;

  /** Words whose vector changed since the last snapshot version. */
  final Set<String> changed;

  final ColumnCache<V> columns;

  /** True when the model started from its seed in this run rather than from a checkpoint. */
  final boolean seeded;

  /** Its dense parameters (and E), with the spare a sentence trains into and the learner. */
  final LiveParameters<V, P> parameters;

  /** Its metrics, registered by the operator when it first sees the model in this run. */
  ModelMetrics metrics;

  /** Changed since its state was last written. */
  boolean dirty;

  /** Words whose vector changed since the last update sent to the scoring replicas. */
  final Set<String> unsent = new LinkedHashSet<>();

  /** Whether the replicas lag behind: trained examples or a new version they have not had. */
  boolean updateDue;

  /** Whether the next update carries every vector: the replicas have never had this model. */
  boolean updateFull;

  /** Examples seen when the last update was sent. */
  long examplesAtUpdate;

  LiveModel(
      String name,
      LiveParameters<V, P> parameters,
      ModelCheckpoint counters,
      Set<String> changed,
      ColumnCache<V> columns,
      boolean seeded) {
    this.name = name;
    this.parameters = parameters;
    this.counters = counters;
    this.changed = changed;
    this.columns = columns;
    this.seeded = seeded;
    this.examplesAtUpdate = counters.examplesSeen;
  }

  /** The dense parameters as a snapshot or a replica update holds them (a copy). */
  double[] flatDense() {
    return parameters.current().flatten();
  }

  /** Whether this is a typed model (one output per tag). */
  boolean typed() {
    return parameters.tagSet != null;
  }

  /**
   * Whether this is a seed that has not trained in this run: it goes to the scoring replicas, but a
   * snapshot version of it waits for its first labelled sentence.
   */
  boolean untrainedSeed() {
    return seeded && counters.sentencesSeen == 0;
  }

  /** Whether examples were trained (or no full version exists) since the last snapshot version. */
  boolean changedSinceSnapshot() {
    return counters.examplesSeen > counters.examplesAtSnapshot || !counters.fullSnapshotWritten;
  }
}
