package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.Dense;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes snapshot versions of models: the dense chunks, the word vectors (all of them the first
 * time, then those changed since the last version) and a manifest that closes the version, all in
 * one checkpoint interval, so that the exactly-once sink makes them visible together.
 *
 * <p>Version numbers live in the model's counters, which are checkpointed with the model: after a
 * restore the next version is the one after the checkpoint's, and the versions written after that
 * checkpoint were never committed, so a reader never sees a number twice.
 */
final class SnapshotWriter<V, P extends Dense> {
  private final ModelStore<V, P> store;
  private final Consumer<EncodedRecord> out;

  /** Of the models of {@code store}. */
  SnapshotWriter(ModelStore<V, P> store, Consumer<EncodedRecord> out) {
    this.store = store;
    this.out = out;
  }

  /**
   * Writes the next version of {@code m}, which must be the current key's model: float32 records
   * for a float model.
   */
  void write(LiveModel<V, P> m, long now) throws Exception {
    ModelCheckpoint c = m.counters;
    long version = c.version + 1;
    double[] dense = m.flatDense();
    List<SnapshotRecord.DenseChunk> chunks =
        SnapshotCodec.denseChunks(
            store.definition().name(), m.name, version, dense, store.precision().precision());
    for (SnapshotRecord.DenseChunk chunk : chunks) out.accept(Outputs.snapshot(chunk));
    boolean full = !c.fullSnapshotWritten;
    long written = 0;
    if (full) {
      for (Map.Entry<String, V> column : store.allColumns(m)) {
        out.accept(column(m, version, column.getKey(), column.getValue()));
        written++;
      }
    } else {
      for (String word : m.changed) {
        out.accept(column(m, version, word, store.column(m, word)));
        written++;
      }
    }
    out.accept(
        Outputs.snapshot(
            Outputs.manifest(
                m,
                version,
                full,
                written,
                chunks.size(),
                dense.length,
                store.definition(),
                store.seeds().normalizer(),
                c,
                now)));
    c.version = version;
    c.examplesAtSnapshot = c.examplesSeen;
    c.fullSnapshotWritten = true;
    m.changed.clear();
    m.dirty = true;
  }

  private EncodedRecord column(LiveModel<V, P> m, long version, String word, V vector) {
    JobPrecision<V, P> precision = store.precision();
    return Outputs.snapshot(
        new SnapshotRecord.Column(
            store.definition().name(),
            m.name,
            version,
            word,
            precision.values(vector),
            precision.precision()));
  }
}
