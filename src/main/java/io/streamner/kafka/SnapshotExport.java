package io.streamner.kafka;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.DenseParameters;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.text.Checks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rebuilds a model from the snapshots topic: reads it read_committed from the beginning, keeps the
 * latest value of every key of the model up to its latest manifest, and assembles the same model
 * ({@link NerModel}, or {@link TypedModel} when the manifest has a tag set) the offline trainer
 * writes, so that {@code eval} and {@code tag} work on what the stream learned.
 *
 * <p>Several jobs may write one topic: their records carry their namespace (the job's name), and
 * only one namespace's records make a model. Works on a compacted topic: compaction only removes
 * values that a later record of the same key replaces, and all of a model's records sit in one
 * partition in the order they were written.
 */
public final class SnapshotExport {
  private SnapshotExport() {}

  /**
   * What was exported: the model (binary or typed) and the manifest that closed its version.
   *
   * @param tagging a {@link NerModel} or a {@link TypedModel}
   */
  public record Exported(TaggingModel tagging, SnapshotRecord.Manifest manifest) {
    /**
     * The binary model exported.
     *
     * @throws IllegalStateException when the model is typed ({@link #tagging()} has it)
     */
    public NerModel model() {
      if (tagging instanceof NerModel binary) return binary;
      throw new IllegalStateException(manifest.model() + " is a typed model");
    }
  }

  /** {@link #export(KafkaSettings, String, String, String, Duration)} of the only job with it. */
  public static Exported export(
      String bootstrapServers, String topic, String model, Duration timeout) throws IOException {
    return export(KafkaSettings.plain(bootstrapServers), topic, null, model, timeout);
  }

  /**
   * @param namespace the job whose model to export; null: the only job that wrote a complete
   *     version of the model (an error names them all when there are several)
   * @throws IOException if the topic holds no complete version of the model of that job, or holds a
   *     record that is not a usable snapshot record
   */
  public static Exported export(
      KafkaSettings kafka, String topic, String namespace, String model, Duration timeout)
      throws IOException {
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaClients.readAll(kafka, topic, true, timeout);
    return assemble(namespace, model, records.stream().map(r -> r.value()).toList(), topic);
  }

  /** Assembles a model from snapshot record values in topic order. */
  static Exported assemble(String namespace, String model, List<byte[]> values, String topic)
      throws IOException {
    Map<String, Versions> jobs = new TreeMap<>();
    for (byte[] value : values) {
      SnapshotRecord record;
      try {
        record = SnapshotCodec.decodeSnapshot(value);
      } catch (IllegalArgumentException e) {
        throw new IOException(topic + " holds a record that cannot be used: " + e.getMessage(), e);
      }
      if (record.model().equals(model)) {
        jobs.computeIfAbsent(record.namespace(), n -> new Versions()).add(record);
      }
    }
    jobs.values().removeIf(v -> v.manifest == null);
    String job = namespace;
    if (job == null && jobs.size() > 1) {
      throw new IOException(
          topic
              + " holds model "
              + model
              + " of several jobs: "
              + String.join(", ", jobs.keySet())
              + "; say which one to export (export --job NAME)");
    }
    if (job == null && jobs.size() == 1) {
      job = jobs.keySet().iterator().next();
    }
    Versions versions = job == null ? null : jobs.get(job);
    if (versions == null) {
      throw new IOException(
          topic
              + " holds no complete snapshot of model "
              + model
              + (job == null ? "" : " of job " + job)
              + (jobs.isEmpty()
                  ? " (no manifest; is the job running and has it written its first snapshot?)"
                  : " (jobs with one: " + String.join(", ", jobs.keySet()) + ")"));
    }
    return versions.model(topic);
  }

  /**
   * The records of one job's model, in topic order: a version counts once its manifest is there.
   */
  private static final class Versions {
    private final Map<String, SnapshotRecord.Column> columns = new HashMap<>();
    private final Map<String, SnapshotRecord.Column> pendingColumns = new HashMap<>();
    private final List<SnapshotRecord.DenseChunk> pendingDense = new ArrayList<>();
    private List<SnapshotRecord.DenseChunk> dense;
    private SnapshotRecord.Manifest manifest;

    void add(SnapshotRecord record) {
      if (record instanceof SnapshotRecord.Column c) {
        pendingColumns.put(c.word(), c);
      } else if (record instanceof SnapshotRecord.DenseChunk d) {
        pendingDense.add(d);
      } else if (record instanceof SnapshotRecord.Manifest m) {
        columns.putAll(pendingColumns);
        pendingColumns.clear();
        dense = pendingDense.stream().filter(d -> d.version() == m.version()).toList();
        pendingDense.clear();
        manifest = m;
      }
    }

    Exported model(String topic) throws IOException {
      String what =
          manifest.model() + " version " + manifest.version() + " of job " + manifest.namespace();
      if (columns.size() != manifest.vocabularySize()) {
        throw new IOException(
            topic
                + " holds "
                + columns.size()
                + " word vectors of "
                + what
                + ", which has "
                + manifest.vocabularySize()
                + ": records are missing (topic retention?)");
      }
      double[] flat;
      try {
        flat = SnapshotCodec.assembleDense(dense);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            topic + ": the dense parameters of " + what + " are incomplete: " + e.getMessage(), e);
      }
      Hyperparameters hp = manifest.hyperparameters();
      Precision precision = hp.precision();
      // A float model's numbers are float32 throughout: a float64 record in it was not written
      // by its job, and taking it would round it without a word.
      for (SnapshotRecord.Column c : columns.values()) {
        if (c.dtype() != precision) {
          throw new IOException(
              topic
                  + ": the vector of "
                  + Checks.quote(c.word())
                  + " in "
                  + what
                  + " is "
                  + c.dtype().dtype()
                  + ", but the model is "
                  + precision
                  + " precision");
        }
      }
      if (dense.get(0).dtype() != precision) {
        throw new IOException(
            topic
                + ": the dense parameters of "
                + what
                + " are "
                + dense.get(0).dtype().dtype()
                + ", but the model is "
                + precision
                + " precision");
      }
      // A float model's values are floats (its records are float32): it is assembled in double,
      // then rounded back to float, exactly.
      Map<String, double[]> vectors = new HashMap<>();
      columns.forEach((word, c) -> vectors.put(word, c.vector()));
      if (manifest.tagSet() != null) {
        DenseWithCapitals typed =
            DenseWithCapitals.unflatten(
                hp, manifest.tagSet().size(), manifest.capitalizationDim(), flat);
        return new Exported(
            TypedModel.fromColumns(
                manifest.tagSet(),
                hp,
                manifest.normalizer(),
                vectors,
                typed,
                manifest.examplesSeen()),
            manifest);
      }
      NerModel model =
          NerModel.fromColumns(
                  manifest.model(),
                  hp.withPrecision(Precision.DOUBLE),
                  manifest.normalizer(),
                  vectors,
                  DenseParameters.unflatten(hp.hidden(), hp.inputSize(), 1, flat),
                  manifest.examplesSeen())
              .in(precision);
      return new Exported(model, manifest);
    }
  }
}
