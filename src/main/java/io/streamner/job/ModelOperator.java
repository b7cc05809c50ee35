package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.OnlineLearner;
import io.streamner.model.Precision;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Checks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model operator: keyed by model (entity type), it trains on labelled sentences,
 * test-then-train per window, with each model's {@link OnlineLearner} ({@link Learning}: binary and
 * typed models by the same rules). Predictions go to the main output, versioned snapshots to {@link
 * #SNAPSHOTS}, sentences a model cannot use to {@link #DEAD_LETTERS}, and the models' changes to
 * {@link #UPDATES}, for the scoring replicas ({@link ScoreWithReplicas}): score requests never wait
 * behind training here.
 *
 * <p><b>One record never stops the job.</b> A sentence is trained on copies, and the update is
 * applied only when it is finite and its prediction can be written; otherwise the sentence becomes
 * a dead letter and the model stays exactly as it was. A checked exception (a state backend's I/O)
 * is not the record's fault: it fails the task, which restarts from the last checkpoint.
 *
 * <p>Why an operator and not a KeyedProcessFunction: the dense parameters change with every example
 * and live in memory ({@link ModelStore}); {@link #snapshotState} writes them into keyed state
 * before Flink snapshots it, which a function cannot hook into.
 *
 * <p>{@code V} and {@code P} are a word vector and the dense parameters in the models' precision
 * ({@code model.precision}): {@link #of} picks them.
 */
public final class ModelOperator<V, P extends Dense> extends AbstractStreamOperator<EncodedRecord>
    implements OneInputStreamOperator<ModelInput, EncodedRecord>,
        Triggerable<String, VoidNamespace>,
        BoundedOneInput {

  /** Snapshot records: dense chunks, columns, then the manifest that closes the version. */
  public static final OutputTag<EncodedRecord> SNAPSHOTS =
      new OutputTag<>("snapshots", TypeInformation.of(EncodedRecord.class));

  /** Sentences a model could not use, with the reason. */
  public static final OutputTag<EncodedRecord> DEAD_LETTERS =
      new OutputTag<>("model-dead-letters", TypeInformation.of(EncodedRecord.class));

  /** The models' changes, for the scoring replicas ({@link ReplicaFeed}). */
  public static final OutputTag<ModelUpdate> UPDATES =
      new OutputTag<>("model-updates", TypeInformation.of(ModelUpdate.class));

  private static final Logger LOG = LoggerFactory.getLogger(ModelOperator.class);

  private final JobDefinition definition;
  private final JobPrecision<V, P> precision;

  private transient ModelStore<V, P> store;
  private transient SnapshotWriter<V, P> snapshots;
  private transient InternalTimerService<VoidNamespace> timers;
  private transient ReplicaFeed<V, P> updates;
  private transient InternalTimerService<VoidNamespace> updateTimers;

  /** Whether every model of this subtask is live in this run (so the replicas have it). */
  private transient boolean allLive;

  /**
   * Whether a timer will send the due updates: one for the subtask, since it sends every model's
   * ({@code scoring.refresh-ms} after the first change it waits for).
   */
  private transient boolean updateTimerSet;

  private ModelOperator(JobDefinition definition, JobPrecision<V, P> precision) {
    this.definition = definition;
    this.precision = precision;
  }

  /** The operator for the definition's models, in its {@code model.precision}. */
  public static ModelOperator<?, ?> of(JobDefinition definition) {
    return definition.hyperparameters().precision() == Precision.FLOAT
        ? new ModelOperator<>(definition, JobPrecision.FLOAT)
        : new ModelOperator<>(definition, JobPrecision.DOUBLE);
  }

  @Override
  public void open() throws Exception {
    super.open();
    store =
        new ModelStore<>(definition, precision, getRuntimeContext(), getKeyedStateBackend(), this);
    store.checkRestored(getKeyedStateBackend());
    snapshots = new SnapshotWriter<>(store, sideOutput(SNAPSHOTS));
    timers = getInternalTimerService("snapshots", VoidNamespaceSerializer.INSTANCE, this);
    updates = new ReplicaFeed<>(store, sideOutput(UPDATES));
    updateTimers =
        getInternalTimerService(
            "replica-updates", VoidNamespaceSerializer.INSTANCE, new UpdateTimer());
    // Soon after the start, every model of this subtask goes to the replicas, trained or not.
    List<String> mine = modelsOfThisSubtask();
    if (!mine.isEmpty()) {
      setCurrentKey(mine.get(0));
      scheduleUpdates();
    }
  }

  /** What goes to this operator's side output {@code tag}. */
  private <T> Consumer<T> sideOutput(OutputTag<T> tag) {
    return value -> output.collect(tag, new StreamRecord<>(value));
  }

  /** The time trigger of replica updates: {@code scoring.refresh-ms} after a change. */
  private final class UpdateTimer implements Triggerable<String, VoidNamespace> {
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
      updateTimerSet = false;
      sendDueUpdates();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}
  }

  @Override
  public void processElement(StreamRecord<ModelInput> record) throws Exception {
    ModelInput input = record.getValue();
    LiveModel<V, P> model = model(input.model);
    try {
      if (input.labels == null) {
        throw new IllegalArgumentException("a score request reached the model operator");
      }
      output.collect(new StreamRecord<>(train(model, input)));
    } catch (RecordRejected e) {
      reject(model, input, e.getMessage(), e.nonFiniteUpdate());
    } catch (RuntimeException e) {
      LOG.warn("model {} could not use record {}", input.model, where(input), e);
      reject(
          model,
          input,
          "could not be processed ("
              + Checks.shorten(e.toString())
              + "); this is a bug, please report it",
          false);
    }
    if (definition.snapshotEveryExamples() > 0
        && model.counters.examplesSeen - model.counters.examplesAtSnapshot
            >= definition.snapshotEveryExamples()) {
      writeSnapshot(model);
    }
    if (updates.dueByExamples(model)) updates.send(model, now());
    else if (model.updateDue) scheduleUpdates();
  }

  /** Writes the next snapshot version; the replicas learn of it with their next update. */
  private void writeSnapshot(LiveModel<V, P> m) throws Exception {
    snapshots.write(m, now());
    m.updateDue = true;
    scheduleUpdates();
  }

  /**
   * The due updates within scoring.refresh-ms, unless a timer is already set (on the current key).
   */
  private void scheduleUpdates() {
    if (updateTimerSet) return;
    updateTimers.registerProcessingTimeTimer(
        VoidNamespace.INSTANCE, now() + definition.scoring().refreshInterval().toMillis());
    updateTimerSet = true;
  }

  /**
   * Before a checkpoint barrier leaves, every change goes to the replicas: they reach the barrier
   * holding exactly the models this checkpoint holds, so a restore brings both back alike, and a
   * snapshot version committed with this checkpoint is already in every replica when a reader of
   * the snapshots topic can see it.
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    sendDueUpdates();
  }

  /**
   * Every model of this subtask goes to the replicas, trained or not (a model that has not seen a
   * labelled sentence yet is its seed: model.init's file, or the initial weights), and then every
   * change since the last update.
   */
  private void sendDueUpdates() throws Exception {
    if (!allLive) {
      for (String name : modelsOfThisSubtask()) model(name);
      allLive = true;
    }
    for (LiveModel<V, P> m : List.copyOf(store.live())) {
      if (!m.updateDue) continue;
      store.get(m.name); // makes it the current key
      updates.send(m, now());
    }
  }

  /** Test-then-train: the prediction reports each token before its own window trains the model. */
  private EncodedRecord train(LiveModel<V, P> m, ModelInput input) throws Exception {
    Learning.Trained t = Learning.train(m, input, store.wordCounts());
    trained(m, t.windows(), t.newColumns(), t.refused());
    return t.prediction();
  }

  /** Counts a sentence a model (binary or typed) trained on. */
  private void trained(LiveModel<V, P> m, int windows, int newColumns, int refusedWords) {
    ModelCheckpoint c = m.counters;
    c.examplesSeen += windows;
    c.sentencesSeen++;
    c.columns += newColumns;
    m.dirty = true;
    m.updateDue = true;
    m.metrics.trained(windows, refusedWords);
  }

  private void reject(LiveModel<V, P> m, ModelInput input, String reason, boolean nonFiniteUpdate) {
    m.metrics.rejected(nonFiniteUpdate);
    output.collect(DEAD_LETTERS, new StreamRecord<>(Outputs.deadLetter(input, reason, now())));
  }

  /** The time trigger of snapshots: every snapshot.every-seconds, if the model changed. */
  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    LiveModel<V, P> m = model(timer.getKey());
    if (m.changedSinceSnapshot() && !m.untrainedSeed()) writeSnapshot(m);
    scheduleSnapshot();
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

  /** Writes the live models back into keyed state, just before Flink snapshots that state. */
  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    store.writeBack();
  }

  /**
   * End of a bounded input: every model of this subtask writes a last snapshot (and, when
   * final-model.dir is set, its model file), so the topic ends with the final model.
   */
  @Override
  public void endInput() throws Exception {
    for (String name : modelsOfThisSubtask()) {
      if (!store.exists(name)) continue; // never saw a record
      LiveModel<V, P> m = model(name);
      if (m.untrainedSeed()) continue;
      if (m.changedSinceSnapshot() || !m.changed.isEmpty()) writeSnapshot(m);
      if (definition.finalModelDirectory() != null) {
        Path dir = Path.of(definition.finalModelDirectory());
        Files.createDirectories(dir);
        ModelFile.write(store.toModel(m), dir.resolve(name + ".model"));
      }
    }
    sendDueUpdates();
  }

  /** The live model, made the current key; metrics and the snapshot timer start at first sight. */
  private LiveModel<V, P> model(String name) throws Exception {
    LiveModel<V, P> m = store.get(name);
    if (m.metrics == null) {
      m.metrics = new ModelMetrics(getMetricGroup(), m);
      // A restored model's timer comes back with the checkpoint; a new model starts its own.
      if (m.seeded) scheduleSnapshot();
      if (m.updateDue) scheduleUpdates();
    }
    return m;
  }

  private List<String> modelsOfThisSubtask() {
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    return definition.models().stream()
        .filter(
            model ->
                KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        model, maxParallelism, parallelism)
                    == subtask)
        .toList();
  }

  private void scheduleSnapshot() {
    if (definition.snapshotInterval().isZero()) return;
    timers.registerProcessingTimeTimer(
        VoidNamespace.INSTANCE, now() + definition.snapshotInterval().toMillis());
  }

  private long now() {
    return getProcessingTimeService().getCurrentProcessingTime();
  }

  private static String where(ModelInput input) {
    ParsedRecord s = input.sentence;
    return s.sourceTopic + "/" + s.sourcePartition + "/" + s.sourceOffset;
  }
}
