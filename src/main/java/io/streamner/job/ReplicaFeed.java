package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.Dense;
import java.util.function.Consumer;

/**
 * Sends a model's changes from the model operator to the scoring replicas ({@link
 * ScoreWithReplicas}): the dense parameters and the word vectors changed since the last update
 * (every vector, the first time), with the manifest of the model as it is now. The model operator
 * decides when ({@code scoring.refresh-examples}, {@code scoring.refresh-ms}, and before every
 * checkpoint barrier, so that a checkpoint's replicas are exactly its models).
 */
final class ReplicaFeed<V, P extends Dense> {
  private final ModelStore<V, P> store;
  private final Consumer<ModelUpdate> out;

  /** Of the models of {@code store}. */
  ReplicaFeed(ModelStore<V, P> store, Consumer<ModelUpdate> out) {
    this.store = store;
    this.out = out;
  }

  /** Whether {@code m} trained {@code scoring.refresh-examples} windows since its last update. */
  boolean dueByExamples(LiveModel<V, P> m) {
    long every = store.definition().scoring().refreshExamples();
    return every > 0 && m.counters.examplesSeen - m.examplesAtUpdate >= every;
  }

  /** Sends the update of {@code m}, which must be the current key's model. */
  void send(LiveModel<V, P> m, long now) throws Exception {
    ModelCheckpoint c = m.counters;
    double[] dense = m.flatDense();
    String[] words = m.unsent.toArray(new String[0]);
    double[][] vectors = new double[words.length][];
    for (int i = 0; i < words.length; i++)
      vectors[i] = store.precision().values(m.columns.get(words[i]));
    SnapshotRecord.Manifest manifest =
        Outputs.manifest(
            m,
            c.version,
            m.updateFull,
            words.length,
            (dense.length + SnapshotCodec.CHUNK_VALUES - 1) / SnapshotCodec.CHUNK_VALUES,
            dense.length,
            store.definition(),
            store.seeds().normalizer(),
            c,
            now);
    out.accept(new ModelUpdate(manifest, dense, words, vectors));
    m.unsent.clear();
    m.examplesAtUpdate = c.examplesSeen;
    m.updateDue = false;
    m.updateFull = false;
  }
}
