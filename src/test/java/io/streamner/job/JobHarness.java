package io.streamner.job;

import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.text.Sentence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs the job for real: an in-process Kafka broker, topics per run, the job on Flink's
 * MiniCluster. Public (as are the helpers that need no MiniCluster) for the cluster test in
 * io.streamner.cluster, which runs the same job on a standalone cluster and compares its models the
 * same way, and for the speed suite in io.streamner.bench, which runs it on the same topics and
 * properties.
 */
public final class JobHarness {
  /** Checkpoints of the runs of this JVM: never a directory that an earlier run left state in. */
  private static final java.nio.file.Path CHECKPOINTS = temporaryDirectory();

  private JobHarness() {}

  private static java.nio.file.Path temporaryDirectory() {
    try {
      java.nio.file.Path dir =
          java.nio.file.Files.createTempDirectory("streamner-test-checkpoints");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Flink's MiniCluster on one task manager of {@code slots} slots, as every job test runs it. */
  static MiniClusterExtension miniCluster(int slots) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }

  /** The five topics of one run, named apart so runs in one broker do not see each other. */
  public static JobDefinition.Topics createTopics(EmbeddedKafka kafka, String prefix) {
    return createTopics(kafka, prefix, 1);
  }

  /**
   * Same, with {@code trainPartitions} partitions for the train topic (one gives training in topic
   * order; the speed suite gives a job at parallelism p as many, so every source subtask reads).
   */
  public static JobDefinition.Topics createTopics(
      EmbeddedKafka kafka, String prefix, int trainPartitions) {
    JobDefinition.Topics topics =
        new JobDefinition.Topics(
            prefix + ".train",
            prefix + ".score",
            prefix + ".predictions",
            prefix + ".snapshots",
            prefix + ".dead-letter");
    TopicAdmin.create(
        kafka.bootstrapServers(),
        List.of(
            TopicAdmin.topic(topics.train(), trainPartitions),
            TopicAdmin.topic(topics.score(), 1),
            TopicAdmin.topic(topics.predictions(), 1),
            TopicAdmin.compacted(topics.snapshots(), 1),
            TopicAdmin.topic(topics.deadLetter(), 1)));
    return topics;
  }

  /**
   * The three output topics of a run (predictions, snapshots compacted, dead letters), for runs
   * that read input topics they share.
   */
  public static void createOutputTopics(EmbeddedKafka kafka, JobDefinition.Topics topics) {
    TopicAdmin.create(
        kafka.bootstrapServers(),
        List.of(
            TopicAdmin.topic(topics.predictions(), 1),
            TopicAdmin.compacted(topics.snapshots(), 1),
            TopicAdmin.topic(topics.deadLetter(), 1)));
  }

  /**
   * Definition properties for a run on the given topics, in double (the specification's model, the
   * reference these runs are compared with; tests of float say so); callers add or override keys.
   */
  public static Properties properties(EmbeddedKafka kafka, JobDefinition.Topics topics) {
    Properties p = new Properties();
    p.setProperty("job.name", topics.train().replace(".train", ""));
    p.setProperty("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.setProperty("topic.train", topics.train());
    p.setProperty("topic.score", topics.score());
    p.setProperty("topic.predictions", topics.predictions());
    p.setProperty("topic.snapshots", topics.snapshots());
    p.setProperty("topic.dead-letter", topics.deadLetter());
    p.setProperty("source.bounded", "true");
    p.setProperty("model.precision", "double");
    p.setProperty("checkpoint.interval-ms", "500");
    p.setProperty("restart.attempts", "5");
    p.setProperty("restart.delay-ms", "200");
    p.setProperty("checkpoint.dir", CHECKPOINTS.toUri().toString());
    return p;
  }

  public static void produceTraining(EmbeddedKafka kafka, String topic, List<Sentence> sentences) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      Sentence s = sentences.get(i);
      values.add(WireFormat.encode(new TrainRecord("train-" + i, s.tokens(), s.tags(), null)));
    }
    produce(kafka, topic, values);
  }

  static void produceScoring(EmbeddedKafka kafka, String topic, List<Sentence> sentences) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      values.add(
          WireFormat.encode(new ScoreRecord("score-" + i, sentences.get(i).tokens(), null, null)));
    }
    produce(kafka, topic, values);
  }

  public static void produce(EmbeddedKafka kafka, String topic, List<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers()))) {
      for (byte[] value : values) producer.send(new ProducerRecord<>(topic, value));
      producer.flush();
    }
  }

  static void run(
      JobDefinition definition, UnaryOperator<DataStream<io.streamner.job.ParsedRecord>> tap)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(StreamnerJob.configuration(definition));
    StreamnerJob.build(env, definition, tap);
    env.execute(definition.name());
  }

  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
      EmbeddedKafka kafka, String topic) {
    return KafkaClients.readAll(kafka.bootstrapServers(), topic, true, Duration.ofSeconds(60));
  }

  public static SnapshotExport.Exported export(
      EmbeddedKafka kafka, JobDefinition.Topics topics, String model) throws Exception {
    return SnapshotExport.export(
        kafka.bootstrapServers(), topics.snapshots(), model, Duration.ofSeconds(60));
  }

  /** Manifests in the order a read_committed consumer sees them. */
  public static List<SnapshotRecord.Manifest> manifests(
      EmbeddedKafka kafka, JobDefinition.Topics topics) {
    List<SnapshotRecord.Manifest> manifests = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readCommitted(kafka, topics.snapshots())) {
      if (SnapshotCodec.decodeSnapshot(r.value()) instanceof SnapshotRecord.Manifest m)
        manifests.add(m);
    }
    return manifests;
  }

  /** Same vocabulary in the same order, same precision, and every parameter bit for bit. */
  public static boolean sameModel(NerModel a, NerModel b) {
    if (!a.vocabulary().words().equals(b.vocabulary().words())) return false;
    if (a.precision() == Precision.FLOAT && b.precision() == Precision.FLOAT) {
      if (!a.weights().equals(b.weights())) return false;
      for (int id = 0; id < a.vocabulary().size(); id++) {
        if (!java.util.Arrays.equals(a.input().floatVectors()[id], b.input().floatVectors()[id]))
          return false;
      }
      return true;
    }
    if (a.precision() != Precision.DOUBLE || b.precision() != Precision.DOUBLE) return false;
    if (!java.util.Arrays.equals(a.dense().flatten(), b.dense().flatten())) return false;
    for (int id = 0; id < a.vocabulary().size(); id++) {
      if (!java.util.Arrays.equals(a.vectors()[id], b.vectors()[id])) return false;
    }
    return true;
  }
}
