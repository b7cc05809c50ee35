package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.DenseParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.OnlineLearner;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The model operator: keyed by model (entity type), it scores every sentence and trains on the
 * labelled ones, test-then-train per window, with {@link OnlineLearner}. Predictions go to the main
 * output, versioned snapshots to {@link #SNAPSHOTS}.
 *
 * <p><b>State</b> (declared together below): the word vectors, one MapState entry per word (a
 * window reads and writes only its C columns); occurrence counts of words without a column yet; and
 * a {@link ModelCheckpoint} ValueState with the dense parameters and counters. The learner reaches
 * the word vectors through each model's {@link ColumnCache}, which keeps the frequent ones in
 * memory and hands everything back to the state in {@link #snapshotState}.
 *
 * <p>Why an operator and not a KeyedProcessFunction: the dense parameters (W alone is H x nC
 * doubles) change with every example. Keeping them only in ValueState would serialise them per
 * example on RocksDB. The operator keeps a live copy per model in memory and writes it back in
 * {@link #snapshotState}, which Flink calls before it snapshots the keyed state, so every
 * checkpoint holds the model exactly as of its barrier.
 */
public final class ModelOperator extends AbstractStreamOperator<EncodedRecord>
    implements OneInputStreamOperator<ModelInput, EncodedRecord>,
        Triggerable<String, VoidNamespace>,
        BoundedOneInput {

  /** Snapshot records: dense chunks, columns, then the manifest that closes the version. */
  public static final OutputTag<EncodedRecord> SNAPSHOTS =
      new OutputTag<>("snapshots", TypeInformation.of(EncodedRecord.class));

  static final ValueStateDescriptor<ModelCheckpoint> MODEL_STATE =
      new ValueStateDescriptor<>("model", ModelCheckpoint.class);
  static final MapStateDescriptor<String, double[]> COLUMNS_STATE =
      new MapStateDescriptor<>(
          "columns", Types.STRING, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
  static final MapStateDescriptor<String, Long> WORD_COUNTS_STATE =
      new MapStateDescriptor<>("word-counts", Types.STRING, Types.LONG);

  private final JobDefinition definition;

  private transient ValueState<ModelCheckpoint> modelState;
  private transient MapState<String, double[]> columns;
  private transient MapState<String, Long> wordCounts;
  private transient InternalTimerService<VoidNamespace> timers;
  private transient Map<String, LiveModel> live;
  private transient ModelSeeds seeds;
  private transient OnlineLearner learner;
  private transient Map<String, ModelMetrics> metrics;

  /**
   * A model's dense parameters and counters while the operator runs; the state holds them between
   * checkpoints.
   */
  private static final class LiveModel {
    final DenseParameters dense;
    final ModelCheckpoint counters;
    final Set<String> changed;
    final ColumnCache columns;
    boolean dirty;

    LiveModel(
        DenseParameters dense, ModelCheckpoint counters, Set<String> changed, ColumnCache columns) {
      this.dense = dense;
      this.counters = counters;
      this.changed = changed;
      this.columns = columns;
    }
  }

  public ModelOperator(JobDefinition definition) {
    this.definition = definition;
  }

  @Override
  public void open() throws Exception {
    super.open();
    modelState = getRuntimeContext().getState(MODEL_STATE);
    columns = getRuntimeContext().getMapState(COLUMNS_STATE);
    wordCounts = getRuntimeContext().getMapState(WORD_COUNTS_STATE);
    timers = getInternalTimerService("snapshots", VoidNamespaceSerializer.INSTANCE, this);
    live = new HashMap<>();
    metrics = new HashMap<>();
    seeds = new ModelSeeds(definition);
    learner =
        new OnlineLearner(
            new OnlineLearner.Settings(
                definition.hyperparameters(),
                seeds.normalizer(),
                definition.minCount(),
                definition.decay()));
  }

  @Override
  public void processElement(StreamRecord<ModelInput> record) throws Exception {
    ModelInput input = record.getValue();
    LiveModel model = liveModel(input.model);
    List<String> tokens = Arrays.asList(input.sentence.tokens);
    if (input.labels != null) {
      OnlineLearner.Learned learned =
          learner.learn(
              tokens, input.labels, model.dense, model.columns, countStore(), model.changed);
      ModelCheckpoint c = model.counters;
      // The counters reported are those of the model before this sentence.
      output.collect(new StreamRecord<>(Outputs.prediction(input, learned.probabilities(), c)));
      c.examplesSeen += learned.windows();
      c.sentencesSeen++;
      c.columns += learned.newColumns().size();
      Prequential.record(c, learned.probabilities(), input.labels);
      model.dirty = true;
      metrics.get(input.model).trained(learned.windows());
      if (definition.snapshotEveryExamples() > 0
          && c.examplesSeen - c.examplesAtSnapshot >= definition.snapshotEveryExamples()) {
        writeSnapshot(input.model, model);
      }
    } else {
      double[] p = learner.score(tokens, model.dense, model.columns);
      model.counters.scored++;
      model.dirty = true;
      output.collect(new StreamRecord<>(Outputs.prediction(input, p, model.counters)));
    }
  }

  /** The time trigger of snapshots: every snapshot.every-seconds, if the model changed. */
  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    String model = timer.getKey();
    LiveModel m = liveModel(model);
    if (m.counters.examplesSeen > m.counters.examplesAtSnapshot
        || !m.counters.fullSnapshotWritten) {
      writeSnapshot(model, m);
    }
    scheduleSnapshot();
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

  /** Writes the live models back into keyed state, just before Flink snapshots that state. */
  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    for (Map.Entry<String, LiveModel> entry : live.entrySet()) {
      LiveModel m = entry.getValue();
      setCurrentKey(entry.getKey());
      m.columns.clear();
      if (!m.dirty) continue;
      // A copy: the heap backend keeps the object itself and serialises it asynchronously,
      // while this task goes on changing the live counters.
      ModelCheckpoint stored = m.counters.copy();
      stored.dense = m.dense.flatten();
      stored.changedWords = m.changed.toArray(new String[0]);
      modelState.update(stored);
      m.dirty = false;
    }
  }

  /**
   * End of a bounded input: every model of this subtask writes a last snapshot (and, when
   * final-model.dir is set, its model file), so the topic ends with the final model.
   */
  @Override
  public void endInput() throws Exception {
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    for (String model : definition.models()) {
      if (KeyGroupRangeAssignment.assignKeyToParallelOperator(model, maxParallelism, parallelism)
          != subtask) continue;
      setCurrentKey(model);
      if (!live.containsKey(model) && modelState.value() == null) continue; // never saw a record
      LiveModel m = liveModel(model);
      if (m.counters.examplesSeen > m.counters.examplesAtSnapshot
          || !m.counters.fullSnapshotWritten
          || !m.changed.isEmpty()) {
        writeSnapshot(model, m);
      }
      if (definition.finalModelDirectory() != null) {
        Path dir = Path.of(definition.finalModelDirectory());
        Files.createDirectories(dir);
        ModelFile.write(toModel(model, m), dir.resolve(model + ".model"));
      }
    }
  }

  /**
   * The live model of the current key: from memory, from state after a restore, or from its seed.
   */
  private LiveModel liveModel(String model) throws Exception {
    LiveModel m = live.get(model);
    if (m != null) return m;
    Hyperparameters hp = definition.hyperparameters();
    ModelCheckpoint stored = modelState.value();
    if (stored != null) {
      // The live counters must not be the state's object (see snapshotState).
      m =
          new LiveModel(
              DenseParameters.unflatten(hp.hidden(), hp.inputSize(), stored.dense),
              stored.copy(),
              new LinkedHashSet<>(
                  Arrays.asList(stored.changedWords == null ? new String[0] : stored.changedWords)),
              new ColumnCache(columns, definition.columnCache()));
    } else {
      m = initialise(model);
    }
    live.put(model, m);
    metrics.put(model, new ModelMetrics(getMetricGroup().addGroup("model", model), m.counters));
    return m;
  }

  /** First sight of a model: its seed's vectors go into state, once. */
  private LiveModel initialise(String model) throws Exception {
    NerModel seed = seeds.seed(model);
    Vocabulary vocabulary = seed.vocabulary();
    Set<String> changed = new LinkedHashSet<>();
    for (int id = 0; id < vocabulary.size(); id++) {
      columns.put(vocabulary.word(id), seed.vectors()[id]);
      changed.add(vocabulary.word(id));
    }
    ModelCheckpoint c = new ModelCheckpoint();
    c.examplesSeen = seed.examplesTrained();
    c.examplesAtSnapshot = c.examplesSeen;
    c.columns = vocabulary.size();
    LiveModel m =
        new LiveModel(
            seed.dense().copy(), c, changed, new ColumnCache(columns, definition.columnCache()));
    m.dirty = true;
    // A restored model's timer comes back with the checkpoint; a new model starts its own.
    scheduleSnapshot();
    return m;
  }

  private void scheduleSnapshot() {
    if (definition.snapshotInterval().isZero()) return;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    timers.registerProcessingTimeTimer(
        VoidNamespace.INSTANCE, now + definition.snapshotInterval().toMillis());
  }

  /**
   * One snapshot version: the dense chunks, the columns (all of them the first time, then those
   * changed since the last version) and a manifest, all in one checkpoint interval so that an
   * exactly-once sink makes them visible together.
   */
  private void writeSnapshot(String model, LiveModel m) throws Exception {
    m.columns.writeBack(); // the columns below are read from the state
    ModelCheckpoint c = m.counters;
    long version = c.version + 1;
    double[] dense = m.dense.flatten();
    List<SnapshotRecord.DenseChunk> chunks = SnapshotCodec.denseChunks(model, version, dense);
    for (SnapshotRecord.DenseChunk chunk : chunks)
      output.collect(SNAPSHOTS, new StreamRecord<>(Outputs.snapshot(chunk)));
    boolean full = !c.fullSnapshotWritten;
    long written = 0;
    if (full) {
      for (Map.Entry<String, double[]> column : columns.entries()) {
        output.collect(
            SNAPSHOTS,
            new StreamRecord<>(
                Outputs.snapshot(
                    new SnapshotRecord.Column(
                        model, version, column.getKey(), column.getValue()))));
        written++;
      }
    } else {
      for (String word : m.changed) {
        output.collect(
            SNAPSHOTS,
            new StreamRecord<>(
                Outputs.snapshot(
                    new SnapshotRecord.Column(model, version, word, columns.get(word)))));
        written++;
      }
    }
    output.collect(
        SNAPSHOTS,
        new StreamRecord<>(
            Outputs.snapshot(
                Outputs.manifest(
                    model,
                    version,
                    full,
                    written,
                    chunks.size(),
                    dense.length,
                    definition,
                    seeds.normalizer(),
                    c,
                    getProcessingTimeService().getCurrentProcessingTime()))));
    c.version = version;
    c.examplesAtSnapshot = c.examplesSeen;
    c.fullSnapshotWritten = true;
    m.changed.clear();
    m.dirty = true;
  }

  /** The current key's model as a model file holds it. */
  private NerModel toModel(String model, LiveModel m) throws Exception {
    m.columns.writeBack();
    Map<String, double[]> all = new HashMap<>();
    for (Map.Entry<String, double[]> column : columns.entries())
      all.put(column.getKey(), column.getValue());
    return NerModel.fromColumns(
        model,
        definition.hyperparameters(),
        seeds.normalizer(),
        all,
        m.dense.copy(),
        m.counters.examplesSeen);
  }

  private OnlineLearner.WordCounts countStore() {
    return new OnlineLearner.WordCounts() {
      @Override
      public long add(String word, long occurrences) throws Exception {
        Long before = wordCounts.get(word);
        long now = (before == null ? 0 : before) + occurrences;
        wordCounts.put(word, now);
        return now;
      }

      @Override
      public void remove(String word) throws Exception {
        wordCounts.remove(word);
      }
    };
  }

  /** Per-model Flink metrics, under the metric group {@code model.<TYPE>}. */
  private static final class ModelMetrics {
    final Counter examples;

    ModelMetrics(MetricGroup group, ModelCheckpoint c) {
      examples = group.counter("examplesTrained");
      group.meter("examplesPerSecond", new MeterView(examples));
      group.gauge("examplesSeen", () -> c.examplesSeen);
      group.gauge("modelVersion", () -> c.version);
      group.gauge("columns", () -> c.columns);
      group.gauge("prequentialLoss", () -> c.recentLoss);
      group.gauge("prequentialPrecision", () -> Prequential.recentPrecision(c));
      group.gauge("prequentialRecall", () -> Prequential.recentRecall(c));
      group.gauge("prequentialF1", () -> Prequential.recentF1(c));
    }

    void trained(int windows) {
      examples.inc(windows);
    }
  }
}
