package io.streamner.job;

import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaPreflight;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.LoggerFactory;

/**
 * The scoring-only job: it trains nothing, follows a training job's snapshots (read_committed, in
 * that job's namespace) and answers the score topic from replicas of its models, on its own
 * machines and parallelism. Several can follow one trainer.
 *
 * <pre>
 *   Kafka snapshots topic -> assemble versions (parallelism 1) --broadcast--+
 *   Kafka score topic     -> parse -> score (scoring.parallelism) <---------+
 *                                       -> predictions topic; dead-letter topic
 * </pre>
 *
 * <p>Run it with {@code streamner serve flink-jobs/<file>} (a local Flink) or on a cluster: {@code
 * flink run -c io.streamner.job.ServingJob streamner-job.jar --definition <file>}. The definition
 * is the training job's own file: the serving job is named {@code serve.name} and follows {@code
 * job.name}.
 */
public final class ServingJob {
  private ServingJob() {}

  /** How long the start may take to read the snapshots topic for its newest versions. */
  public static final Duration START_READ_TIMEOUT = Duration.ofMinutes(2);

  public static void main(String[] args) throws Exception {
    StreamnerJob.Arguments a = StreamnerJob.Arguments.parse(args);
    JobDefinition serving = serving(a.definition());
    KafkaPreflight.check(serving.kafka(), topicNames(serving));
    var log = LoggerFactory.getLogger(ServingJob.class);
    String restore = a.restore(serving);
    Map<String, Long> start = newestVersions(serving, START_READ_TIMEOUT);
    log.info(describeStart(serving, start));
    StreamExecutionEnvironment env = environment(serving, restore, start);
    env.execute(serving.name());
  }

  /**
   * The serving job of a definition file's job.
   *
   * @throws IllegalArgumentException when the definition cannot be served (a bounded source)
   */
  public static JobDefinition serving(JobDefinition definition) {
    if (definition.bounded()) {
      throw new IllegalArgumentException(
          "a serving job runs until it is stopped, but the definition says source.bounded = true;"
              + " drop it (or set it to false) to serve");
    }
    return definition.asServing();
  }

  /** A cluster's (or a local) environment with the serving job built into it. */
  public static StreamExecutionEnvironment environment(
      JobDefinition serving, String restore, Map<String, Long> startVersions) {
    Configuration conf = StreamnerJob.configuration(serving);
    StreamnerJob.restoreFrom(conf, restore);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    StreamnerJob.buildServing(env, serving, startVersions, System.currentTimeMillis());
    return env;
  }

  /** The topics a serving job reads and writes, for {@link KafkaPreflight}. */
  public static List<String> topicNames(JobDefinition serving) {
    JobDefinition.Topics t = serving.topics();
    return List.of(t.score(), t.predictions(), t.snapshots(), t.deadLetter());
  }

  /**
   * The newest complete version of each served model of the followed job on the snapshots topic
   * (committed records only); a model without one is left out. Only the manifests are decoded
   * (found by their keys, {@code NAMESPACE/MODEL/manifest}) and no record is held: the topic's
   * dense chunks and word vectors pass by, so a start costs one read of the topic and little
   * memory.
   */
  public static Map<String, Long> newestVersions(JobDefinition serving, Duration timeout) {
    Map<String, Long> newest = new TreeMap<>();
    String follow = serving.scoring().follow();
    KafkaClients.readEach(
        serving.kafka(),
        serving.topics().snapshots(),
        true,
        timeout,
        r -> {
          if (!mayBeManifestOf(follow, r.key())) return;
          SnapshotRecord record;
          try {
            record = SnapshotCodec.decodeSnapshot(r.value());
          } catch (IllegalArgumentException e) {
            return; // the job's assembler says so, with the record's place
          }
          if (record instanceof SnapshotRecord.Manifest m
              && m.namespace().equals(follow)
              && serving.models().contains(m.model())) {
            newest.merge(m.model(), m.version(), Math::max);
          }
        });
    return newest;
  }

  /**
   * Whether a snapshot record's key can be a manifest of {@code namespace}: every other key names a
   * dense chunk or a column ({@link SnapshotCodec#key}); a record without a key is decoded.
   */
  static boolean mayBeManifestOf(String namespace, byte[] key) {
    if (key == null) return true;
    String k = new String(key, StandardCharsets.UTF_8);
    return k.startsWith(namespace + "/") && k.endsWith("/manifest");
  }

  /** What a serving job starts from, in one line per model, for the user and the log. */
  public static String describeStart(JobDefinition serving, Map<String, Long> start) {
    StringBuilder s = new StringBuilder();
    for (String model : serving.models()) {
      if (s.length() > 0) s.append('\n');
      Long v = start.get(model);
      s.append(
          v != null
              ? "model " + model + ": answers from version " + v + " (or newer) on"
              : "model "
                  + model
                  + ": no version yet; score requests wait for the first that job "
                  + serving.scoring().follow()
                  + " writes to");
      s.append(' ').append(serving.topics().snapshots());
    }
    return s.toString();
  }
}
