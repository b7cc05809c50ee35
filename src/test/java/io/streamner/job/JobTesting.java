package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.EntityTags;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;

/** Builders of job inputs and a thin wrapper around Flink's harness for {@link ModelOperator}. */
final class JobTesting {
  /** Where the harness clock starts: Flink's test clock starts at Long.MIN_VALUE, not a time. */
  static final long START = 1_000_000L;

  private JobTesting() {}

  /** Properties from alternating keys and values. */
  static Properties properties(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0)
      throw new IllegalArgumentException("keys and values must pair up");
    Properties p = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2)
      p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    return p;
  }

  /**
   * A small job: C=3, n=4, H=5, models PER and LOC, min count 1, no snapshots by count or time, in
   * double (the specification's model, which these tests compare with the offline learner's);
   * {@code overrides} (alternating keys and values) replace or add keys.
   */
  static JobDefinition definition(String... overrides) {
    Properties p =
        properties(
            "models", "PER,LOC",
            "model.window", "3",
            "model.dim", "4",
            "model.hidden", "5",
            "model.learning-rate", "0.1",
            "model.min-count", "1",
            "model.precision", "double",
            "snapshot.every-examples", "0",
            "snapshot.every-seconds", "0");
    p.putAll(properties(overrides));
    return JobDefinition.parse(p, "test");
  }

  /**
   * A labelled sentence from {@code token/TAG} items, e.g. {@code train("s1", "Anna/B-PER",
   * "ran/O")}.
   */
  static ParsedRecord train(String id, String... tokensAndTags) {
    ParsedRecord s = new ParsedRecord();
    s.id = id;
    s.sourceTopic = "streamner.train";
    s.raw = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    s.tokens = new String[tokensAndTags.length];
    s.tags = new String[tokensAndTags.length];
    for (int i = 0; i < tokensAndTags.length; i++) {
      int slash = tokensAndTags[i].lastIndexOf('/');
      s.tokens[i] = tokensAndTags[i].substring(0, slash);
      s.tags[i] = tokensAndTags[i].substring(slash + 1);
    }
    return s;
  }

  /** A scoring request for every model. */
  static ParsedRecord score(String id, String... tokens) {
    ParsedRecord s = new ParsedRecord();
    s.id = id;
    s.sourceTopic = "streamner.score";
    s.raw = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    s.tokens = tokens.clone();
    return s;
  }

  /** A labelled sentence addressed to {@code model}, with that model's binary labels. */
  static ModelInput labelled(String model, ParsedRecord s) {
    return new ModelInput(model, s, EntityTags.binaryLabels(Arrays.asList(s.tags), model));
  }

  /** A scoring request addressed to {@code model}. */
  static ModelInput unlabelled(String model, ParsedRecord s) {
    return new ModelInput(model, s, null);
  }

  /** One snapshot version as a reader of the topic assembles it. */
  record Version(
      String model,
      long version,
      SnapshotRecord.Manifest manifest,
      double[] dense,
      Map<String, double[]> columns) {}

  /** A checkpoint of a {@link ModelHarness}: its model operator's state and its scorer's. */
  record Checkpoint(OperatorSubtaskState trainer, OperatorSubtaskState scorer) {}

  /**
   * The values a harness wrote to a side output ({@code harness.getSideOutput(tag)}, null when it
   * wrote none), which the queue then forgets: each call sees what was written since the last.
   */
  static <T> List<T> take(ConcurrentLinkedQueue<StreamRecord<T>> sideOutput) {
    List<T> values = new ArrayList<>();
    if (sideOutput == null) return values;
    for (StreamRecord<T> r : sideOutput) values.add(r.getValue());
    sideOutput.clear();
    return values;
  }

  /**
   * {@link ModelOperator} in Flink's keyed harness and {@link ScoreWithReplicas} in Flink's
   * broadcast harness, wired as the job wires them, with their outputs decoded in the order they
   * were written. Labelled input goes to the model operator; a score request first takes the model
   * operator's pending updates to the scorer (as a checkpoint barrier would), so it is answered by
   * the model as trained so far.
   */
  static final class ModelHarness implements AutoCloseable {
    final KeyedOneInputStreamOperatorTestHarness<String, ModelInput, EncodedRecord> harness;
    final BroadcastOperatorTestHarness<ParsedRecord, ModelUpdate, EncodedRecord> scorer;
    private final List<EncodedRecord> outputs = new ArrayList<>();
    private final List<EncodedRecord> letters = new ArrayList<>();
    private long barriers = 1_000_000;

    ModelHarness(JobDefinition definition) throws Exception {
      this(definition, null);
    }

    ModelHarness(JobDefinition definition, StateBackend backend) throws Exception {
      this(
          new KeyedOneInputStreamOperatorTestHarness<>(
              ModelOperator.of(definition), new StreamnerJob.ByModel(), Types.STRING),
          definition);
      if (backend != null) harness.setStateBackend(backend);
    }

    /** Subtask {@code subtask} of {@code parallelism}. */
    ModelHarness(JobDefinition definition, int maxParallelism, int parallelism, int subtask)
        throws Exception {
      this(
          new KeyedOneInputStreamOperatorTestHarness<>(
              ModelOperator.of(definition),
              new StreamnerJob.ByModel(),
              Types.STRING,
              maxParallelism,
              parallelism,
              subtask),
          definition);
    }

    private ModelHarness(
        KeyedOneInputStreamOperatorTestHarness<String, ModelInput, EncodedRecord> harness,
        JobDefinition definition)
        throws Exception {
      this.harness = harness;
      this.scorer = scorer(definition);
      harness.setProcessingTime(START);
      scorer.setProcessingTime(START);
    }

    static BroadcastOperatorTestHarness<ParsedRecord, ModelUpdate, EncodedRecord> scorer(
        JobDefinition definition) throws Exception {
      return new BroadcastOperatorTestHarness<>(
          new CoBroadcastWithNonKeyedOperator<>(
              new ScoreWithReplicas(definition.models(), "the models of this test"),
              List.of(ScoreWithReplicas.COLUMNS, ScoreWithReplicas.MODELS)),
          1,
          1,
          0);
    }

    /** Opens with empty state: a job's first start. */
    ModelHarness open() throws Exception {
      harness.open();
      scorer.open();
      drain();
      return this;
    }

    /** Opens from a checkpoint: a restart. */
    ModelHarness restore(Checkpoint checkpoint) throws Exception {
      harness.setup();
      harness.initializeState(checkpoint.trainer());
      harness.open();
      scorer.setup();
      scorer.initializeState(checkpoint.scorer());
      scorer.open();
      drain();
      return this;
    }

    /**
     * Opens from a checkpoint that must be refused for good (a restart would only fail again);
     * returns the reason the job stops with.
     */
    String refusedRestore(Checkpoint checkpoint) {
      Exception e = assertThrows(Exception.class, () -> restore(checkpoint));
      SuppressRestartsException refusal =
          ExceptionUtils.findThrowable(e, SuppressRestartsException.class)
              .orElseThrow(() -> new AssertionError("no restart would help: " + e, e));
      return refusal.getCause().getMessage();
    }

    void process(ModelInput... inputs) throws Exception {
      for (ModelInput input : inputs) {
        if (input.labels != null) {
          harness.processElement(new StreamRecord<>(input));
          drain();
        } else {
          harness.prepareSnapshotPreBarrier(barriers++);
          drain();
          scorer.processElement(new StreamRecord<>(request(input)));
          drain();
        }
      }
    }

    /** A score request for the input's model alone, as the parser makes it. */
    private static ParsedRecord request(ModelInput input) {
      ParsedRecord s = input.sentence;
      ParsedRecord r = new ParsedRecord();
      r.id = s.id;
      r.tokens = s.tokens;
      r.models = new String[] {input.model};
      r.eventTime = s.eventTime;
      r.sourceTopic = s.sourceTopic;
      r.sourcePartition = s.sourcePartition;
      r.sourceOffset = s.sourceOffset;
      r.raw = s.raw;
      return r;
    }

    /**
     * Takes the model operator's updates to the scorer, and every output written so far to the
     * lists this harness reads, in order.
     */
    private void drain() throws Exception {
      outputs.addAll(harness.extractOutputValues());
      harness.getOutput().clear();
      ConcurrentLinkedQueue<StreamRecord<ModelUpdate>> updates =
          harness.getSideOutput(ModelOperator.UPDATES);
      if (updates != null) {
        List<StreamRecord<ModelUpdate>> sent = new ArrayList<>(updates);
        updates.clear();
        for (StreamRecord<ModelUpdate> u : sent) scorer.processBroadcastElement(u);
      }
      takeLetters(harness.getSideOutput(ModelOperator.DEAD_LETTERS));
      outputs.addAll(scorer.extractOutputValues());
      scorer.getOutput().clear();
      takeLetters(scorer.getSideOutput(ScoreWithReplicas.DEAD_LETTERS));
    }

    private void takeLetters(ConcurrentLinkedQueue<StreamRecord<EncodedRecord>> queue) {
      letters.addAll(take(queue));
    }

    Checkpoint checkpoint(long id) throws Exception {
      OperatorSubtaskState trainer = harness.snapshot(id, harness.getProcessingTime());
      drain();
      return new Checkpoint(trainer, scorer.snapshot(id, scorer.getProcessingTime()));
    }

    /** The scorer's state now, for a checkpoint of the model operator taken by hand. */
    OperatorSubtaskState scorerCheckpoint(long id) throws Exception {
      drain();
      return scorer.snapshot(id, scorer.getProcessingTime());
    }

    void setTime(long time) throws Exception {
      harness.setProcessingTime(time);
      scorer.setProcessingTime(time);
      drain();
    }

    /** The clock of state TTL (Flink's harness keeps it apart from the processing time). */
    void setTtlTime(long time) {
      harness.setStateTtlProcessingTime(time);
    }

    void endInput() throws Exception {
      harness.endInput();
      drain();
    }

    /** The predictions written since the last call, decoded. */
    List<PredictionRecord> predictions() {
      List<PredictionRecord> out = new ArrayList<>();
      for (EncodedRecord r : outputs) {
        PredictionRecord p = WireFormat.decodePrediction(r.value);
        assertEquals(
            p.id(),
            new String(r.key, StandardCharsets.UTF_8),
            "a prediction is keyed by its input's id");
        out.add(p);
      }
      outputs.clear();
      return out;
    }

    /** The dead letters written since the last call, decoded, with their keys. */
    Map<String, DeadLetterRecord> deadLetters() {
      Map<String, DeadLetterRecord> out = new LinkedHashMap<>();
      for (EncodedRecord r : letters) {
        out.put(new String(r.key, StandardCharsets.UTF_8), WireFormat.decodeDeadLetter(r.value));
      }
      letters.clear();
      return out;
    }

    /** The snapshot records written since the last call, decoded, in order. */
    List<SnapshotRecord> snapshotRecords() {
      List<SnapshotRecord> out = new ArrayList<>();
      for (EncodedRecord r : take(harness.getSideOutput(ModelOperator.SNAPSHOTS))) {
        SnapshotRecord record = SnapshotCodec.decodeSnapshot(r.value);
        assertEquals(SnapshotCodec.key(record), new String(r.key, StandardCharsets.UTF_8));
        assertEquals(record.model(), r.partitionKey, "all records of a model go to one partition");
        out.add(record);
      }
      return out;
    }

    /**
     * The snapshot versions written since the last call, each checked to be whole: its dense chunks
     * and columns, then its manifest last, with the counts the manifest states.
     */
    List<Version> versions() {
      List<Version> versions = new ArrayList<>();
      List<SnapshotRecord.DenseChunk> chunks = new ArrayList<>();
      Map<String, double[]> columns = new LinkedHashMap<>();
      String model = null;
      long version = -1;
      for (SnapshotRecord r : snapshotRecords()) {
        if (model == null) {
          model = r.model();
          version = r.version();
        }
        assertEquals(
            model, r.model(), "records of one version are not interleaved with another model's");
        assertEquals(
            version, r.version(), "a version ends with its manifest before the next begins");
        if (r instanceof SnapshotRecord.DenseChunk c) {
          assertTrue(columns.isEmpty(), "dense chunks come before columns");
          chunks.add(c);
        } else if (r instanceof SnapshotRecord.Column c) {
          assertFalse(
              columns.containsKey(c.word()),
              "column " + c.word() + " written twice in one version");
          columns.put(c.word(), c.vector());
        } else {
          SnapshotRecord.Manifest m = (SnapshotRecord.Manifest) r;
          assertEquals(chunks.size(), m.denseChunks());
          assertEquals(columns.size(), m.columnsWritten());
          double[] dense = SnapshotCodec.assembleDense(chunks);
          assertEquals(m.denseValues(), dense.length);
          versions.add(new Version(model, version, m, dense, columns));
          chunks = new ArrayList<>();
          columns = new LinkedHashMap<>();
          model = null;
        }
      }
      assertTrue(model == null, "a version without its manifest: " + model + " " + version);
      return versions;
    }

    @Override
    public void close() throws Exception {
      harness.close();
      scorer.close();
    }
  }
}
