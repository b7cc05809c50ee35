package io.streamner.job;

import io.streamner.kafka.KafkaPreflight;
import io.streamner.text.TokenNormalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.LoggerFactory;

/**
 * The continuous-training job. Reading top to bottom is reading the pipeline:
 *
 * <pre>
 *   Kafka train topic (read_committed)
 *     -> parse            invalid records -> dead-letter topic
 *     -> fan out          one copy per model, with that model's labels
 *     -> keyBy(model)
 *     -> train            test-then-train; the model lives in keyed state;
 *                         a sentence a model cannot use -> dead-letter topic
 *     -> predictions topic, and snapshots topic (exactly-once)
 *     -> model updates, broadcast to the scoring replicas
 *   Kafka score topic -> parse -> score (scoring.parallelism; read-only replicas of every model)
 *     -> predictions topic
 * </pre>
 *
 * <p>Run it with {@code streamner job flink-jobs/<file>} (a local Flink) or submit the jar to a
 * cluster with this class as entry point: {@code flink run -c io.streamner.job.StreamnerJob
 * streamner.jar --definition <file> [--bootstrap-servers host:port]}.
 */
public final class StreamnerJob {
  private StreamnerJob() {}

  public static void main(String[] args) throws Exception {
    Arguments a = Arguments.parse(args);
    JobDefinition definition = a.definition();
    // Wrong credentials or a missing topic fail the submission in seconds instead of restarting
    // the job until its restarts run out.
    KafkaPreflight.check(definition.kafka(), topicNames(definition));
    var log = LoggerFactory.getLogger(StreamnerJob.class);
    placementWarning(definition).ifPresent(log::warn);
    String restore = a.restore(definition);
    log.info(
        restore != null
            ? "resuming " + definition.name() + " from " + restore
            : "starting " + definition.name() + " without restoring state here");
    environment(definition, restore).execute(definition.name());
  }

  /** The command line of a job's entry class on a cluster (this one's, {@link ServingJob}'s). */
  record Arguments(JobDefinition definition, Resume resume, String from) {
    static final String USAGE =
        "usage: --definition FILE [--bootstrap-servers HOST:PORT] [--fresh | --from PATH]";

    static Arguments parse(String[] args) throws IOException {
      Path file = null;
      String servers = null;
      Resume resume = Resume.LATEST;
      String from = null;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--definition") && i + 1 < args.length) file = Path.of(args[++i]);
        else if (args[i].equals("--bootstrap-servers") && i + 1 < args.length) servers = args[++i];
        else if (args[i].equals("--fresh")) resume = Resume.FRESH;
        else if (args[i].equals("--from") && i + 1 < args.length) {
          resume = Resume.FROM;
          from = args[++i];
        } else throw new IllegalArgumentException(USAGE);
      }
      if (file == null) throw new IllegalArgumentException(USAGE);
      JobDefinition definition = JobDefinition.load(file);
      if (servers != null) definition = definition.withBootstrapServers(servers);
      return new Arguments(definition, resume, from);
    }

    /**
     * Where {@code job} starts: a savepoint given to {@code flink run -s} wins over the job's own
     * checkpoints; null for empty state.
     */
    String restore(JobDefinition job) throws IOException {
      boolean clientRestores =
          StreamExecutionEnvironment.getExecutionEnvironment()
              .getConfiguration()
              .getOptional(StateRecoveryOptions.SAVEPOINT_PATH)
              .isPresent();
      return clientRestores ? null : restorePath(job, resume, from);
    }
  }

  /** Where a job starts: its newest checkpoint or savepoint, nothing, or a given path. */
  public enum Resume {
    LATEST,
    FRESH,
    FROM
  }

  /**
   * The checkpoint or savepoint the job restores from, or null to start with empty state.
   *
   * @param from the path for {@link Resume#FROM}
   * @throws IOException naming the path, when it is not a readable checkpoint or savepoint: a job
   *     that was asked to resume never starts empty by mistake
   */
  public static String restorePath(JobDefinition definition, Resume resume, String from)
      throws IOException {
    String path =
        switch (resume) {
          case FRESH -> null;
          case FROM -> from;
          case LATEST ->
              CheckpointDirectory.of(definition)
                  .latest()
                  .map(CheckpointDirectory.Restorable::path)
                  .orElse(null);
        };
    if (path != null) CheckpointDirectory.check(path);
    return path;
  }

  /**
   * The environment of a submitted job (a cluster's, or a local one in this JVM) configured as
   * {@link #configuration} says, with the pipeline built into it: what is left is to execute it.
   */
  public static StreamExecutionEnvironment environment(JobDefinition definition) {
    return environment(definition, null);
  }

  /**
   * @param restore a checkpoint or savepoint to start from, or null
   */
  public static StreamExecutionEnvironment environment(JobDefinition definition, String restore) {
    Configuration conf = configuration(definition);
    restoreFrom(conf, restore);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    build(env, definition);
    return env;
  }

  /**
   * Makes a job under {@code conf} start from {@code restore} (nothing when it is null), in Flink's
   * no-claim mode: the checkpoint or savepoint stays the user's, and the run's first checkpoint is
   * a full one, so that older runs' files can go.
   */
  public static void restoreFrom(Configuration conf, String restore) {
    if (restore == null) return;
    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
    conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.NO_CLAIM);
  }

  /**
   * The directory of this job's checkpoints and savepoints: {@code checkpoint.dir}, then the job
   * name. Without {@code checkpoint.dir}, {@code .streamner/checkpoints} in the user's home: a
   * service's state must outlive the temporary directory, which a reboot may empty.
   */
  public static String checkpointRoot(JobDefinition definition) {
    String base =
        definition.checkpointDirectory() != null
            ? definition.checkpointDirectory()
            : Path.of(System.getProperty("user.home"), ".streamner", "checkpoints")
                .toUri()
                .toString();
    return new org.apache.flink.core.fs.Path(base, definition.name()).toString();
  }

  /** Completed checkpoints a run keeps (older ones are deleted as new ones complete). */
  public static final int RETAINED_CHECKPOINTS = 3;

  /**
   * Checkpointing, state backend and restarts as the definition says, then the definition's {@code
   * flink.*} keys, which win (a restart strategy, metric reporters, memory).
   */
  public static Configuration configuration(JobDefinition definition) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, definition.checkpointInterval());
    boolean rocksdb = definition.stateBackend() == JobDefinition.StateBackend.ROCKSDB;
    conf.set(StateBackendOptions.STATE_BACKEND, rocksdb ? "rocksdb" : "hashmap");
    // A checkpoint of a large vocabulary uploads only the files written since the last one.
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, rocksdb);
    // Flink's default (100 ms) would hold a prediction that long whenever the stream is slow.
    conf.set(ExecutionOptions.BUFFER_TIMEOUT, definition.bufferTimeout());
    // Always files: the job manager's memory refuses state over 5 MB, and word vectors alone pass
    // that.
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    CheckpointDirectory directory = CheckpointDirectory.of(definition);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.checkpoints());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, directory.savepoints());
    // A stopped, cancelled or killed job keeps its checkpoints, so that it can resume from them.
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, RETAINED_CHECKPOINTS);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, definition.restartAttempts());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, definition.restartDelay());
    conf.addAll(Configuration.fromMap(definition.flinkProperties()));
    return conf;
  }

  public static void build(StreamExecutionEnvironment env, JobDefinition definition) {
    build(env, definition, UnaryOperator.identity());
  }

  /**
   * @param tap applied to the parsed labelled sentences before they reach the models; tests use it
   *     to inject failures, the job itself passes the identity
   */
  static void build(
      StreamExecutionEnvironment env,
      JobDefinition definition,
      UnaryOperator<DataStream<ParsedRecord>> tap) {
    env.setParallelism(definition.parallelism());
    JobDefinition.Topics topics = definition.topics();

    SingleOutputStreamOperator<ParsedRecord> labelled =
        env.fromSource(
                source(definition, topics.train()),
                WatermarkStrategy.noWatermarks(),
                "kafka: " + topics.train())
            .uid("train-source")
            .process(parser(definition))
            .name("parse training sentences")
            .uid("parse-train");

    SingleOutputStreamOperator<EncodedRecord> trained =
        tap.apply(labelled)
            .flatMap(new FanOutToModels(definition))
            .name("fan out to models")
            .uid("fan-out")
            .keyBy(new ByModel())
            .transform(
                "train", TypeInformation.of(EncodedRecord.class), ModelOperator.of(definition))
            .uid("model");

    trained
        .sinkTo(predictionsSink(definition, null))
        .name("kafka: " + topics.predictions() + " (training)")
        .uid("predictions-sink");
    trained
        .getSideOutput(ModelOperator.SNAPSHOTS)
        .sinkTo(sink(definition, topics.snapshots(), DeliveryGuarantee.EXACTLY_ONCE))
        .name("kafka: " + topics.snapshots())
        .uid("snapshots-sink");
    DataStream<EncodedRecord> deadLetters =
        labelled
            .getSideOutput(ParseSentences.DEAD_LETTERS)
            .union(trained.getSideOutput(ModelOperator.DEAD_LETTERS));

    if (definition.scoring().inTrainer()) {
      SingleOutputStreamOperator<ParsedRecord> requests = scoreRequests(env, definition);
      SingleOutputStreamOperator<EncodedRecord> scored =
          score(
              requests,
              trained.getSideOutput(ModelOperator.UPDATES),
              new ScoreWithReplicas(definition.models(), "the models of this job"),
              definition);
      scored
          .sinkTo(predictionsSink(definition, "scoring"))
          .name("kafka: " + topics.predictions() + " (scoring)")
          .uid("score-predictions-sink")
          .setParallelism(definition.scoring().parallelism());
      deadLetters =
          deadLetters.union(
              requests.getSideOutput(ParseSentences.DEAD_LETTERS),
              scored.getSideOutput(ScoreWithReplicas.DEAD_LETTERS));
    }

    deadLetters
        .sinkTo(sink(definition, topics.deadLetter(), DeliveryGuarantee.AT_LEAST_ONCE))
        .name("kafka: " + topics.deadLetter())
        .uid("dead-letter-sink");
  }

  /**
   * The serving job of a definition ({@link JobDefinition#asServing}): it trains nothing, and
   * answers the score topic from replicas of the models that the followed job writes to the
   * snapshots topic.
   *
   * @param startVersions the newest version of each model on the topic when the job was started
   *     ({@link ServingJob#newestVersions}): replicas answer once they reach it
   * @param startedAt when, in epoch milliseconds
   */
  public static void buildServing(
      StreamExecutionEnvironment env,
      JobDefinition serving,
      Map<String, Long> startVersions,
      long startedAt) {
    if (!serving.scoring().serving()) {
      throw new IllegalArgumentException("not a serving job's definition: use asServing()");
    }
    env.setParallelism(serving.parallelism());
    JobDefinition.Topics topics = serving.topics();
    String followed = serving.scoring().follow();

    SingleOutputStreamOperator<ModelUpdate> versions =
        env.fromSource(
                snapshotsSource(serving),
                WatermarkStrategy.noWatermarks(),
                "kafka: " + topics.snapshots())
            .uid("snapshots-source")
            .setParallelism(1)
            .process(new AssembleVersions(followed, serving.models()))
            .name("assemble versions of " + followed)
            .uid("assemble-versions")
            .setParallelism(1);

    SingleOutputStreamOperator<ParsedRecord> requests = scoreRequests(env, serving);
    SingleOutputStreamOperator<EncodedRecord> scored =
        score(
            requests,
            versions,
            new ScoreWithReplicas(
                serving.models(),
                "versions of job " + followed + " on " + topics.snapshots(),
                startVersions,
                startedAt),
            serving);

    scored
        .sinkTo(predictionsSink(serving, "scoring"))
        .name("kafka: " + topics.predictions())
        .uid("score-predictions-sink")
        .setParallelism(serving.scoring().parallelism());
    requests
        .getSideOutput(ParseSentences.DEAD_LETTERS)
        .union(scored.getSideOutput(ScoreWithReplicas.DEAD_LETTERS))
        .sinkTo(sink(serving, topics.deadLetter(), DeliveryGuarantee.AT_LEAST_ONCE))
        .name("kafka: " + topics.deadLetter())
        .uid("dead-letter-sink");
  }

  /**
   * The score topic, parsed: a source of its own, so that requests never queue behind training.
   * Requests are dealt round-robin to the scoring subtasks, so that a score topic with fewer
   * partitions than {@code scoring.parallelism} still keeps every subtask busy.
   */
  private static SingleOutputStreamOperator<ParsedRecord> scoreRequests(
      StreamExecutionEnvironment env, JobDefinition definition) {
    String topic = definition.topics().score();
    int parallelism = definition.scoring().parallelism();
    long bufferTimeout = definition.scoring().bufferTimeout().toMillis();
    DataStream<RawRecord> raw =
        env.fromSource(
                source(definition, topic), WatermarkStrategy.noWatermarks(), "kafka: " + topic)
            .uid("score-source")
            .setParallelism(parallelism)
            .setBufferTimeout(bufferTimeout);
    if (parallelism > 1) {
      raw = raw.rebalance();
    }
    return raw.process(parser(definition))
        .name("parse score requests")
        .uid("parse-score")
        .setParallelism(parallelism)
        .setBufferTimeout(bufferTimeout);
  }

  /** The scoring operator, on {@code scoring.parallelism} subtasks, fed the models' updates. */
  private static SingleOutputStreamOperator<EncodedRecord> score(
      DataStream<ParsedRecord> requests,
      DataStream<ModelUpdate> updates,
      ScoreWithReplicas scorer,
      JobDefinition definition) {
    return requests
        .connect(updates.broadcast(ScoreWithReplicas.COLUMNS, ScoreWithReplicas.MODELS))
        .process(scorer, TypeInformation.of(EncodedRecord.class))
        .name("score")
        .uid("scoring")
        .setParallelism(definition.scoring().parallelism());
  }

  private static ParseSentences parser(JobDefinition definition) {
    return new ParseSentences(
        definition.topics().train(),
        definition.models(),
        definition.maxTokens(),
        new TokenNormalizer(definition.numbers()));
  }

  private static Source<RawRecord, ?, ?> source(JobDefinition definition, String topic) {
    OffsetsInitializer start =
        switch (definition.startingOffsets()) {
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    var builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(definition.bootstrapServers())
            .setTopics(topic)
            .setGroupId(definition.groupId())
            .setStartingOffsets(start)
            .setProperties(definition.kafka().applyTo(new Properties()))
            // Training data written by a transactional producer must not be seen before it commits.
            .setProperty("isolation.level", "read_committed")
            .setDeserializer(new RawRecordDeserializer());
    if (!definition.bounded()) return builder.build();
    builder.setBounded(OffsetsInitializer.latest());
    return new ResumableBoundedKafkaSource<>(builder.build());
  }

  /**
   * A serving job's snapshots: from the beginning (a compacted topic holds the whole model there),
   * committed versions only, unbounded.
   */
  private static Source<RawRecord, ?, ?> snapshotsSource(JobDefinition serving) {
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(serving.bootstrapServers())
        .setTopics(serving.topics().snapshots())
        .setGroupId(serving.groupId())
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setProperties(serving.kafka().applyTo(new Properties()))
        .setProperty("isolation.level", "read_committed")
        .setDeserializer(new RawRecordDeserializer())
        .build();
  }

  /**
   * One record per sentence and model: the busiest topic. Batches of up to 256 KB instead of the
   * producer's 16 KB, so that at high rates a request carries many records (at low rates a batch
   * leaves after predictions.linger-ms whatever its size, so latency is unchanged).
   */
  private static KafkaSink<EncodedRecord> predictionsSink(JobDefinition definition, String which) {
    Duration linger =
        "scoring".equals(which) ? definition.scoring().linger() : definition.predictionsLinger();
    return sink(
        definition,
        definition.topics().predictions(),
        which,
        definition.predictionsExactlyOnce()
            ? DeliveryGuarantee.EXACTLY_ONCE
            : DeliveryGuarantee.AT_LEAST_ONCE,
        Map.of(
            "batch.size",
            String.valueOf(256 * 1024),
            "linger.ms",
            String.valueOf(linger.toMillis())));
  }

  private static KafkaSink<EncodedRecord> sink(
      JobDefinition definition, String topic, DeliveryGuarantee guarantee) {
    return sink(definition, topic, null, guarantee, Map.of());
  }

  /**
   * @param which told apart from another sink on the same topic (their transactional ids differ),
   *     or null
   */
  private static KafkaSink<EncodedRecord> sink(
      JobDefinition definition,
      String topic,
      String which,
      DeliveryGuarantee guarantee,
      Map<String, String> producerSettings) {
    var builder =
        KafkaSink.<EncodedRecord>builder()
            .setBootstrapServers(definition.bootstrapServers())
            .setRecordSerializer(new EncodedRecordSerializer(topic))
            .setDeliveryGuarantee(guarantee);
    producerSettings.forEach(builder::setProperty);
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      builder
          .setTransactionalIdPrefix(
              definition.name() + "-" + topic + (which == null ? "" : "-" + which))
          // The sink's default (1 h) exceeds the broker's maximum (15 min) and would be refused.
          .setProperty(
              "transaction.timeout.ms",
              String.valueOf(JobDefinition.DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
    }
    // The definition's client settings last: security for every sink, and they win over the above.
    definition.kafkaProperties().forEach(builder::setProperty);
    return builder.build();
  }

  /**
   * Which models each subtask of the model operator trains, as Flink's key groups place them
   * (default maximum parallelism): models are keys, so placement follows their hashes.
   */
  public static List<List<String>> modelsBySubtask(JobDefinition definition) {
    int parallelism = definition.parallelism();
    int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
    List<List<String>> placement = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) placement.add(new ArrayList<>());
    for (String model : definition.models()) {
      placement
          .get(
              KeyGroupRangeAssignment.assignKeyToParallelOperator(
                  model, maxParallelism, parallelism))
          .add(model);
    }
    return placement;
  }

  /**
   * A warning when the models are spread worse than they could be (one subtask trains two while
   * another trains none): the job then runs slower than its parallelism suggests. Empty if not.
   */
  public static Optional<String> placementWarning(JobDefinition definition) {
    List<List<String>> placement = modelsBySubtask(definition);
    int most = placement.stream().mapToInt(List::size).max().orElse(0);
    int least = placement.stream().mapToInt(List::size).min().orElse(0);
    if (most - least <= 1) return Optional.empty();
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < placement.size(); i++) {
      where
          .append(i == 0 ? "" : ", ")
          .append("subtask ")
          .append(i + 1)
          .append(": ")
          .append(placement.get(i).isEmpty() ? "none" : String.join(",", placement.get(i)));
    }
    return Optional.of(
        "models are keys hashed to subtasks, and at parallelism "
            + definition.parallelism()
            + " they land unevenly ("
            + where
            + "): the busiest subtask trains "
            + most
            + " models one after the other; a different parallelism may spread them better");
  }

  /**
   * Why a job failed, in one line: the message of the deepest cause (Flink wraps the operator's
   * exception in several layers of its own), or what it means when Kafka fenced an exactly-once
   * producer.
   */
  public static String failureMessage(Throwable e) {
    Optional<Throwable> fenced =
        ExceptionUtils.findThrowable(
            e,
            t ->
                t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException);
    if (fenced.isPresent()) return FENCED + " (" + fenced.get().getMessage() + ")";
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  /**
   * A fenced producer, said for the operator. The exactly-once sinks' transactional ids are the job
   * name and the topic, so another producer with the same id is nearly always a second copy of the
   * job ({@code streamner job} refuses one it can see, but not a copy submitted to a cluster).
   */
  static final String FENCED =
      "Kafka fenced this job's exactly-once producer: another producer started with the same"
          + " transactional id (job.name-topic), which means a second copy of this job (the same"
          + " job.name) runs against the same Kafka. Stop the other copy, or give one of them"
          + " another job.name";

  /** The five topics of a definition, for {@link KafkaPreflight}. */
  public static List<String> topicNames(JobDefinition definition) {
    JobDefinition.Topics t = definition.topics();
    return List.of(t.train(), t.score(), t.predictions(), t.snapshots(), t.deadLetter());
  }

  /** The key of the model operator: the model's entity type. */
  static final class ByModel implements KeySelector<ModelInput, String> {
    @Override
    public String getKey(ModelInput input) {
      return input.model;
    }
  }
}
