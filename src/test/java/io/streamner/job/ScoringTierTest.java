package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TagDecoder;
import io.streamner.model.TypedModel;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scoring tier for real (Kafka in process, Flink's MiniCluster): a training job writes a binary
 * and a typed model to the snapshots topic; a serving job on two scoring subtasks follows it and
 * answers every request with the newest version, each prediction bit for bit the model that its
 * version and examples name (the export of that version); a training run published while the
 * serving job runs (a fresh one, whose full versions replace the old model) is taken up.
 */
class ScoringTierTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobHarness.miniCluster(4);

  static final String TYPED = "PER+LOC+ORG";
  static final List<String> MODELS = List.of("PER", TYPED);

  static EmbeddedKafka kafka;
  static List<Sentence> train;
  static List<Sentence> test;

  @BeforeAll
  static void start() throws Exception {
    train =
        CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences().subList(0, 500);
    test = CorpusReader.read(SharedData.require("btc/btc.test"), null).sentences().subList(0, 60);
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) kafka.close();
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aServingJobAnswersWithTheNewestVersionBitForBitAndTakesUpNewOnes(Precision precision)
      throws Exception {
    String name = "serve-" + precision;
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    JobHarness.produceTraining(kafka, topics.train(), train.subList(0, 300));
    Properties p = bothModels(topics, precision);
    p.setProperty("snapshot.every-examples", "2000");
    p.setProperty("snapshot.every-seconds", "0");
    JobHarness.run(JobDefinition.parse(p, name), s -> s);
    Map<String, SnapshotExport.Exported> first = exports(topics);

    // The serving job answers its own score topic on two subtasks.
    String score = name + ".serve-score";
    String predictions = name + ".serve-predictions";
    TopicAdmin.create(
        kafka.bootstrapServers(),
        List.of(TopicAdmin.topic(score, 2), TopicAdmin.topic(predictions, 1)));
    Properties s = new Properties();
    s.putAll(p);
    s.setProperty("source.bounded", "false");
    s.setProperty("topic.score", score);
    s.setProperty("topic.predictions", predictions);
    s.setProperty("scoring.parallelism", "2");
    JobDefinition serving = ServingJob.serving(JobDefinition.parse(s, name));
    Map<String, Long> start = ServingJob.newestVersions(serving, Duration.ofSeconds(60));
    for (String model : MODELS) {
      assertEquals(first.get(model).manifest().version(), start.get(model), model);
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(StreamnerJob.configuration(serving));
    StreamnerJob.buildServing(env, serving, start, System.currentTimeMillis());
    JobClient job = env.executeAsync(serving.name());
    try {
      Reader reader = new Reader(predictions);
      produce(score, "a-", test);
      checkAll(reader.await("a-", test.size() * MODELS.size()), first);

      // A new training run of the same job (fresh: its versions start again, full) on more data.
      JobHarness.produceTraining(kafka, topics.train(), train.subList(300, 500));
      Properties again = new Properties();
      again.putAll(p);
      again.setProperty(
          "checkpoint.dir", java.nio.file.Files.createTempDirectory("again").toUri().toString());
      JobHarness.run(JobDefinition.parse(again, name), x -> x);
      Map<String, SnapshotExport.Exported> second = exports(topics);
      long examples = second.get("PER").manifest().examplesSeen();
      assertTrue(examples > first.get("PER").manifest().examplesSeen());
      // The serving job takes the new versions up as it reads them: probe until it has.
      Map<String, Long> rerun = new HashMap<>();
      for (String model : MODELS) rerun.put(model, examples);
      awaitReplicasAt(reader, score, rerun);
      produce(score, "b-", test);
      checkAll(reader.await("b-", test.size() * MODELS.size()), second);
    } finally {
      job.cancel().get();
    }
  }

  /**
   * A training job stopped with a savepoint and restored at another scoring.parallelism answers
   * from the restored replicas at once, on every subtask, exactly as before the stop: same model
   * state, same probabilities bit for bit, with no update from the trainer needed (the trainer is
   * idle after the restore: nothing new to learn).
   */
  @ParameterizedTest
  @EnumSource(Precision.class)
  void aRestoreAtAnotherScoringParallelismAnswersWithTheSameModels(Precision precision)
      throws Exception {
    String name = "rescale-" + precision;
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    Properties p = bothModels(topics, precision);
    p.setProperty("source.bounded", "false");
    p.setProperty("scoring.parallelism", "1");
    p.setProperty(
        "checkpoint.dir", java.nio.file.Files.createTempDirectory(name).toUri().toString());
    JobHarness.produceTraining(kafka, topics.train(), train.subList(0, 200));
    Reader reader = new Reader(topics.predictions());

    JobClient job = start(JobDefinition.parse(p, name), null);
    List<PredictionRecord> before;
    String savepoint;
    try {
      // A training prediction is made before the model trains on its sentence's windows.
      Map<String, Long> trained = new HashMap<>();
      for (PredictionRecord r : reader.await("train-", 200 * MODELS.size()))
        trained.merge(r.model(), r.examplesSeen() + r.tokens().size(), Math::max);
      awaitReplicasAt(reader, topics.score(), trained);
      produce(topics.score(), "a-", test);
      before = reader.await("a-", test.size() * MODELS.size());
      savepoint =
          job.stopWithSavepoint(
                  false,
                  java.nio.file.Files.createTempDirectory(name + "-savepoint").toUri().toString(),
                  org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
              .get();
    } catch (Exception e) {
      job.cancel().get();
      throw e;
    }

    p.setProperty("scoring.parallelism", "2");
    job = start(JobDefinition.parse(p, name), savepoint);
    try {
      produce(topics.score(), "b-", test);
      List<PredictionRecord> after = reader.await("b-", test.size() * MODELS.size());
      Map<String, PredictionRecord> byId = new HashMap<>();
      for (PredictionRecord r : before) byId.put(r.id().substring(2) + " " + r.model(), r);
      for (PredictionRecord r : after) {
        PredictionRecord was = byId.get(r.id().substring(2) + " " + r.model());
        assertEquals(was.modelVersion(), r.modelVersion(), r.id() + " " + r.model());
        assertEquals(was.examplesSeen(), r.examplesSeen(), r.id() + " " + r.model());
        assertEquals(was.labels(), r.labels(), r.id() + " " + r.model());
        assertArrayEquals(was.probabilities(), r.probabilities(), r.id() + " " + r.model());
      }
      assertTrue(before.get(0).examplesSeen() > 0, "the replicas held a trained model");
    } finally {
      job.cancel().get();
    }
  }

  /**
   * A training job beside serving jobs ({@code scoring.in-trainer = false}) leaves the score topic
   * to them: it answers no request, and a hostile one is no dead letter of its own, so each request
   * is answered once, by the serving side. Its training and snapshots are as before.
   */
  @org.junit.jupiter.api.Test
  void aTrainerWithScoringLeftToServingJobsAnswersNoRequest() throws Exception {
    String name = "trainer-only";
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    JobHarness.produceTraining(kafka, topics.train(), train.subList(0, 100));
    produce(topics.score(), "q-", test.subList(0, 20));
    JobHarness.produce(
        kafka,
        topics.score(),
        List.of("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", String.join(", ", MODELS));
    p.setProperty("scoring.in-trainer", "false");
    JobHarness.run(JobDefinition.parse(p, name), x -> x);

    List<String> answered = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : JobHarness.readCommitted(kafka, topics.predictions()))
      answered.add(WireFormat.decodePrediction(r.value()).id());
    assertEquals(100 * MODELS.size(), answered.size(), "one prediction per model and sentence");
    assertTrue(answered.stream().allMatch(id -> id.startsWith("train-")), "no score request");
    assertTrue(JobHarness.readCommitted(kafka, topics.deadLetter()).isEmpty());
    for (String model : MODELS) assertTrue(exports(topics).get(model).manifest().version() > 0);
  }

  /**
   * The job's properties for both models in {@code precision}: where each precision case starts.
   */
  private static Properties bothModels(JobDefinition.Topics topics, Precision precision) {
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", String.join(", ", MODELS));
    p.setProperty("model.precision", precision.toString());
    return p;
  }

  /**
   * Waits until the replicas score with the models as trained on {@code examples} (by model): probe
   * requests, one at a time, until one is answered so, however slow the machine.
   */
  private static void awaitReplicasAt(Reader reader, String scoreTopic, Map<String, Long> examples)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    for (int probe = 0; ; probe++) {
      String prefix = "probe" + probe + "-";
      produce(scoreTopic, prefix, test.subList(0, 1));
      Map<String, Long> seen = new HashMap<>();
      for (PredictionRecord r : reader.await(prefix, MODELS.size()))
        seen.put(r.model(), r.examplesSeen());
      if (seen.equals(examples)) return;
      assertTrue(System.nanoTime() < deadline, "replicas at " + seen + ", trained " + examples);
      Thread.sleep(100);
    }
  }

  private static JobClient start(JobDefinition definition, String restore) throws Exception {
    org.apache.flink.configuration.Configuration conf = StreamnerJob.configuration(definition);
    StreamnerJob.restoreFrom(conf, restore);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    StreamnerJob.build(env, definition);
    return env.executeAsync(definition.name());
  }

  private static Map<String, SnapshotExport.Exported> exports(JobDefinition.Topics topics)
      throws Exception {
    Map<String, SnapshotExport.Exported> exports = new HashMap<>();
    for (String model : MODELS) exports.put(model, JobHarness.export(kafka, topics, model));
    return exports;
  }

  /** Each prediction is what the export of its version gives, bit for bit. */
  private static void checkAll(
      List<PredictionRecord> records, Map<String, SnapshotExport.Exported> models) {
    for (PredictionRecord r : records) {
      SnapshotExport.Exported e = models.get(r.model());
      assertEquals(e.manifest().version(), r.modelVersion(), r.id() + " " + r.model());
      assertEquals(e.manifest().examplesSeen(), r.examplesSeen(), r.id() + " " + r.model());
      if (e.tagging() instanceof NerModel binary) {
        assertArrayEquals(binary.probabilities(r.tokens()), r.probabilities(), r.id());
      } else {
        TypedModel typed = (TypedModel) e.tagging();
        TagDecoder.Sentence decoded =
            TagDecoder.decodeSentence(typed.tagSet(), typed.probabilities(r.tokens()));
        assertEquals(typed.tagSet().labels(decoded.tags()), r.labels(), r.id());
        assertArrayEquals(decoded.probabilities(), r.probabilities(), r.id());
      }
    }
  }

  private static void produce(String topic, String prefix, List<Sentence> sentences) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      values.add(
          WireFormat.encode(new ScoreRecord(prefix + i, sentences.get(i).tokens(), null, null)));
    }
    JobHarness.produce(kafka, topic, values);
  }

  /** The predictions topic, read as it grows. */
  private static final class Reader {
    private final String topic;
    private final List<PredictionRecord> seen = new ArrayList<>();

    Reader(String topic) {
      this.topic = topic;
    }

    /** Waits (up to a generous limit) for {@code count} predictions of ids with the prefix. */
    List<PredictionRecord> await(String prefix, int count) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (true) {
        seen.clear();
        for (ConsumerRecord<byte[], byte[]> r :
            KafkaClients.readAll(kafka.bootstrapServers(), topic, false, Duration.ofSeconds(30))) {
          seen.add(WireFormat.decodePrediction(r.value()));
        }
        List<PredictionRecord> mine = seen.stream().filter(r -> r.id().startsWith(prefix)).toList();
        if (mine.size() >= count) {
          assertEquals(count, mine.size(), "every request answered once per model");
          return mine;
        }
        assertTrue(System.nanoTime() < deadline, mine.size() + " of " + count + " for " + prefix);
        Thread.sleep(200);
      }
    }
  }
}
