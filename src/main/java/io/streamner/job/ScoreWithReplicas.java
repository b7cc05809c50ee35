package io.streamner.job;

import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.OnlineLearner;
import io.streamner.text.Checks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring operator: answers score requests from read-only replicas of the models, kept current
 * by a broadcast stream of {@link ModelUpdate}s (a training job's model operator sends them; a
 * serving job assembles them from the snapshots topic). It never waits for training: it runs on its
 * own subtasks, {@code scoring.parallelism} of them, each holding every model.
 *
 * <p><b>State.</b> The replicas are Flink broadcast state, so that a restart or a rescale brings
 * every subtask back to the models as of the checkpoint: the word vectors of all models in one map
 * (keyed by model and word: a request reads only its words), and each model's last update without
 * its vectors (manifest and dense parameters). Every subtask holds the same replicas, because the
 * updates before a checkpoint barrier reach all of them before it. Requests that arrive before the
 * model they ask for has a version wait in operator state, in order, up to {@link #MAX_WAITING}.
 *
 * <p>A request that a model cannot answer becomes a dead letter with the reason, as in training; an
 * update that cannot be used is logged and skipped, and the replica stays as it was.
 */
final class ScoreWithReplicas
    extends BroadcastProcessFunction<ParsedRecord, ModelUpdate, EncodedRecord>
    implements CheckpointedFunction {

  /** Every model's word vectors, keyed by {@link #key}; double values (exact for float models). */
  static final MapStateDescriptor<String, double[]> COLUMNS =
      new MapStateDescriptor<>(
          "replica-columns", Types.STRING, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);

  /** Each model's last update, without its vectors: the manifest and the dense parameters. */
  static final MapStateDescriptor<String, ModelUpdate> MODELS =
      new MapStateDescriptor<>(
          "replica-models", Types.STRING, TypeInformation.of(ModelUpdate.class));

  private static final ListStateDescriptor<ParsedRecord> WAITING =
      new ListStateDescriptor<>("waiting-requests", ParsedRecord.class);

  /** Requests a subtask holds for models without a version yet; past this they are refused. */
  static final int MAX_WAITING = 100_000;

  static final OutputTag<EncodedRecord> DEAD_LETTERS =
      new OutputTag<>("scoring-dead-letters", TypeInformation.of(EncodedRecord.class));

  private static final Logger LOG = LoggerFactory.getLogger(ScoreWithReplicas.class);

  private final List<String> models;

  /** Where the replicas come from, for messages: the job's own models, or a snapshots topic. */
  private final String origin;

  /**
   * A serving job's start: the newest version of each model on the topic then, and when. A replica
   * answers once it has reached that version, or holds one written after the start (its trainer
   * started over); until then requests wait, so that a new serving job never answers with a version
   * older than the topic held when it started. Empty and 0 in a training job.
   */
  private final Map<String, Long> startVersions;

  private final long startedAt;

  private transient Map<String, Replica<?, ?>> replicas;
  private transient List<ParsedRecord> waiting;
  private transient ListState<ParsedRecord> waitingState;
  private transient Map<String, Counter> scored;
  private transient Map<String, Counter> deadLetters;
  private transient Counter updatesRefused;

  ScoreWithReplicas(List<String> models, String origin) {
    this(models, origin, Map.of(), 0);
  }

  ScoreWithReplicas(
      List<String> models, String origin, Map<String, Long> startVersions, long startedAt) {
    this.models = List.copyOf(models);
    this.origin = origin;
    this.startVersions = Map.copyOf(startVersions);
    this.startedAt = startedAt;
  }

  /** The key of a model's word in {@link #COLUMNS}: no model name holds a NUL. */
  static String key(String model, String word) {
    return model + '\u0000' + word;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    waitingState = context.getOperatorStateStore().getListState(WAITING);
    waiting = new ArrayList<>();
    for (ParsedRecord r : waitingState.get()) waiting.add(r);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    waitingState.update(waiting);
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
    replicas = new HashMap<>();
    scored = new HashMap<>();
    deadLetters = new HashMap<>();
    MetricGroup operator = getRuntimeContext().getMetricGroup();
    for (String model : models) {
      MetricGroup group = operator.addGroup("model", model);
      scored.put(model, group.counter("scored"));
      deadLetters.put(model, group.counter("deadLetters"));
      group.gauge("replicaVersion", () -> version(model));
      group.gauge("replicaExamplesSeen", () -> examples(model));
    }
    operator.gauge("waitingRequests", () -> waiting.size());
    updatesRefused = operator.counter("modelUpdatesRefused");
  }

  @Override
  public void processElement(
      ParsedRecord request, ReadOnlyContext ctx, Collector<EncodedRecord> out) throws Exception {
    ReadOnlyBroadcastState<String, ModelUpdate> headers = ctx.getBroadcastState(MODELS);
    DeadLetters letters =
        new DeadLetters(r -> ctx.output(DEAD_LETTERS, r), ctx.currentProcessingTime());
    if (!ready(request, headers)) {
      hold(request, letters);
      return;
    }
    answer(request, headers, ctx.getBroadcastState(COLUMNS), out, letters);
  }

  @Override
  public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<EncodedRecord> out)
      throws Exception {
    if (!models.contains(update.model)) return; // a model this job does not serve
    BroadcastState<String, double[]> columns = ctx.getBroadcastState(COLUMNS);
    BroadcastState<String, ModelUpdate> headers = ctx.getBroadcastState(MODELS);
    Replica<?, ?> replica;
    SnapshotRecord.Manifest manifest;
    try {
      replica = Replica.of(update);
      manifest = replica.manifest;
      if (update.words.length != update.vectors.length) {
        throw new IllegalArgumentException(
            update.words.length + " words but " + update.vectors.length + " vectors");
      }
    } catch (RuntimeException e) {
      updatesRefused.inc();
      LOG.warn("skipped an update of model {} that cannot be used: {}", update.model, e.toString());
      return;
    }
    if (manifest.full()) {
      // A full version replaces the model: words it lacks are no longer the model's.
      String prefix = key(update.model, "");
      Iterator<Map.Entry<String, double[]>> all = columns.iterator();
      while (all.hasNext()) if (all.next().getKey().startsWith(prefix)) all.remove();
    }
    for (int i = 0; i < update.words.length; i++) {
      columns.put(key(update.model, update.words[i]), update.vectors[i]);
    }
    ModelUpdate header = new ModelUpdate();
    header.model = update.model;
    header.manifest = update.manifest;
    header.dense = update.dense;
    header.words = new String[0];
    header.vectors = new double[0][];
    headers.put(update.model, header);
    replicas.put(update.model, replica);
    release(
        headers,
        columns,
        out,
        new DeadLetters(r -> ctx.output(DEAD_LETTERS, r), ctx.currentProcessingTime()));
  }

  /** Whether every model the request asks for has a version to answer with. */
  private boolean ready(ParsedRecord request, ReadOnlyBroadcastState<String, ModelUpdate> headers)
      throws Exception {
    for (String model : asked(request)) {
      Replica<?, ?> r = replica(model, headers);
      if (r == null) return false;
      SnapshotRecord.Manifest m = r.manifest;
      if (m.version() < startVersions.getOrDefault(model, 0L) && m.createdAt() < startedAt) {
        return false;
      }
    }
    return true;
  }

  private List<String> asked(ParsedRecord request) {
    return request.models == null ? models : List.of(request.models);
  }

  /** Where a subtask's dead letters go, and the time they carry. */
  private record DeadLetters(Consumer<EncodedRecord> out, long now) {}

  private void hold(ParsedRecord request, DeadLetters letters) {
    if (waiting.size() < MAX_WAITING) {
      waiting.add(request);
      return;
    }
    for (String model : asked(request)) {
      reject(
          new ModelInput(model, request, null),
          "no version of model "
              + model
              + " has reached this scoring subtask yet ("
              + origin
              + "), and "
              + String.format("%,d", MAX_WAITING)
              + " requests are already waiting for one",
          letters);
    }
  }

  /** Answers the waiting requests that can now be answered, in the order they came. */
  private void release(
      ReadOnlyBroadcastState<String, ModelUpdate> headers,
      ReadOnlyBroadcastState<String, double[]> columns,
      Collector<EncodedRecord> out,
      DeadLetters letters)
      throws Exception {
    if (waiting.isEmpty()) return;
    List<ParsedRecord> still = new ArrayList<>();
    for (ParsedRecord request : waiting) {
      if (ready(request, headers)) answer(request, headers, columns, out, letters);
      else still.add(request);
    }
    waiting = still;
  }

  /** One prediction per model the request asks for, or a dead letter for that model. */
  private void answer(
      ParsedRecord request,
      ReadOnlyBroadcastState<String, ModelUpdate> headers,
      ReadOnlyBroadcastState<String, double[]> columns,
      Collector<EncodedRecord> out,
      DeadLetters letters)
      throws Exception {
    for (String model : asked(request)) {
      ModelInput input = new ModelInput(model, request, null);
      try {
        out.collect(score(replica(model, headers), input, columns));
        scored.get(model).inc();
      } catch (RecordRejected e) {
        reject(input, e.getMessage(), letters);
      } catch (RuntimeException e) {
        LOG.warn("model {} could not score record {}", model, where(request), e);
        reject(
            input,
            "could not be scored ("
                + Checks.shorten(e.toString())
                + "); this is a bug, please report it",
            letters);
      }
    }
  }

  /** The replica of a model (made again from its state after a restore), or null for none yet. */
  private Replica<?, ?> replica(String model, ReadOnlyBroadcastState<String, ModelUpdate> headers)
      throws Exception {
    Replica<?, ?> replica = replicas.get(model);
    if (replica == null) {
      ModelUpdate header = headers.get(model);
      if (header == null) return null;
      replica = Replica.of(header);
      replicas.put(model, replica);
    }
    return replica;
  }

  private static <V> EncodedRecord score(
      Replica<V, ?> replica, ModelInput input, ReadOnlyBroadcastState<String, double[]> columns)
      throws Exception {
    String model = input.model;
    return replica.score(
        input,
        new OnlineLearner.Columns<>() {
          @Override
          public V get(String word) throws Exception {
            double[] stored = columns.get(key(model, word));
            return stored == null ? null : replica.vector(stored);
          }

          @Override
          public void put(String word, V vector) {
            throw new UnsupportedOperationException("a replica is read-only");
          }
        });
  }

  private void reject(ModelInput input, String reason, DeadLetters letters) {
    Counter counter = deadLetters.get(input.model);
    if (counter != null) counter.inc();
    letters.out().accept(Outputs.deadLetter(input, reason, letters.now()));
  }

  private long version(String model) {
    Replica<?, ?> r = replicas.get(model);
    return r == null ? 0 : r.manifest.version();
  }

  private long examples(String model) {
    Replica<?, ?> r = replicas.get(model);
    return r == null ? 0 : r.manifest.examplesSeen();
  }

  private static String where(ParsedRecord s) {
    return s.sourceTopic + "/" + s.sourcePartition + "/" + s.sourceOffset;
  }
}
