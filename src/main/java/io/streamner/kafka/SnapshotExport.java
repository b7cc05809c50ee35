package io.streamner.kafka;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.DenseParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rebuilds a model from the snapshots topic: reads it read_committed from the beginning, keeps the
 * latest value of every key of the model up to its latest manifest, and assembles the same {@link
 * NerModel} the offline trainer writes, so that {@code eval} and {@code tag} work on what the
 * stream learned.
 *
 * <p>Works on a compacted topic: compaction only removes values that a later record of the same key
 * replaces, and all of a model's records sit in one partition in the order they were written.
 */
public final class SnapshotExport {
  private SnapshotExport() {}

  /** What was exported: the model and the manifest that closed its version. */
  public record Exported(NerModel model, SnapshotRecord.Manifest manifest) {}

  public static Exported export(
      String bootstrapServers, String topic, String model, Duration timeout) throws IOException {
    return export(KafkaSettings.plain(bootstrapServers), topic, model, timeout);
  }

  public static Exported export(KafkaSettings kafka, String topic, String model, Duration timeout)
      throws IOException {
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaClients.readAll(kafka, topic, true, timeout);
    return assemble(model, records.stream().map(r -> r.value()).toList(), topic);
  }

  /**
   * Assembles a model from snapshot record values in topic order (other models' records are
   * skipped).
   */
  static Exported assemble(String model, List<byte[]> values, String topic) throws IOException {
    Map<String, double[]> columns = new HashMap<>();
    Map<String, double[]> pendingColumns = new HashMap<>();
    List<SnapshotRecord.DenseChunk> pendingDense = new ArrayList<>();
    List<SnapshotRecord.DenseChunk> dense = null;
    SnapshotRecord.Manifest manifest = null;
    for (byte[] value : values) {
      SnapshotRecord record;
      try {
        record = SnapshotCodec.decodeSnapshot(value);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            topic + " holds a record that is not a streamner snapshot: " + e.getMessage(), e);
      }
      if (!record.model().equals(model)) continue;
      if (record instanceof SnapshotRecord.Column c) {
        pendingColumns.put(c.word(), c.vector());
      } else if (record instanceof SnapshotRecord.DenseChunk d) {
        pendingDense.add(d);
      } else if (record instanceof SnapshotRecord.Manifest m) {
        // A version counts only once its manifest is there: then its records join the model.
        columns.putAll(pendingColumns);
        pendingColumns.clear();
        dense = pendingDense.stream().filter(d -> d.version() == m.version()).toList();
        pendingDense.clear();
        manifest = m;
      }
    }
    if (manifest == null) {
      throw new IOException(
          topic
              + " holds no complete snapshot of model "
              + model
              + " (no manifest; is the job running and has it written its first snapshot?)");
    }
    if (columns.size() != manifest.vocabularySize()) {
      throw new IOException(
          topic
              + " holds "
              + columns.size()
              + " word vectors of model "
              + model
              + " but version "
              + manifest.version()
              + " has "
              + manifest.vocabularySize()
              + ": records are missing (topic retention?)");
    }
    double[] flat;
    try {
      flat = SnapshotCodec.assembleDense(dense);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          topic
              + ": the dense parameters of "
              + model
              + " version "
              + manifest.version()
              + " are incomplete: "
              + e.getMessage(),
          e);
    }
    Hyperparameters hp = manifest.hyperparameters();
    DenseParameters parameters = DenseParameters.unflatten(hp.hidden(), hp.inputSize(), flat);
    return new Exported(
        NerModel.fromColumns(
            model, hp, manifest.normalizer(), columns, parameters, manifest.examplesSeen()),
        manifest);
  }
}
