package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.NerModel;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamner serve} as a user runs it, in a child JVM against a broker started apart from it:
 * after {@code streamner job} has trained and published a model, the serving job answers score
 * requests with exactly that model, turns hostile records into dead letters and keeps going, stops
 * with a savepoint on SIGTERM, and the same command resumes from it, answering what arrived while
 * it was stopped and nothing twice.
 */
class ServeProcessTest {
  @TempDir static Path dir;

  static final ChildCli children = new ChildCli("serve-process-logs");
  static EmbeddedKafka kafka;
  static JobDefinition.Topics topics;
  static List<Sentence> test;

  @BeforeAll
  static void start() throws Exception {
    List<Sentence> train =
        CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences().subList(0, 1500);
    test = CorpusReader.read(SharedData.require("btc/btc.test"), null).sentences().subList(0, 50);
    kafka = EmbeddedKafka.start();
    topics = JobHarness.createTopics(kafka, "served");
    JobHarness.produceTraining(kafka, topics.train(), train);
  }

  @AfterAll
  static void stop() {
    children.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void serveAnswersWithThePublishedModelSurvivesHostileInputAndResumesAfterSigterm()
      throws Exception {
    String training = run("job", definition("train", true), "train.log");
    assertTrue(training.contains("job served finished"), training);
    SnapshotExport.Exported published = JobHarness.export(kafka, topics, "PER");
    NerModel model = published.model();

    Path serving = definition("serve", false);
    Process first = start("serve", serving, "serve-1.log");
    produce("a-", test);
    JobHarness.produce(kafka, topics.score(), hostile());
    Map<String, PredictionRecord> answered = await("a-", test.size(), first, "serve-1.log");
    for (PredictionRecord p : answered.values()) {
      assertEquals(published.manifest().version(), p.modelVersion(), p.id());
      assertEquals(published.manifest().examplesSeen(), p.examplesSeen(), p.id());
      assertArrayEquals(model.probabilities(p.tokens()), p.probabilities(), p.id());
    }
    awaitDeadLetters(hostile().size());
    assertTrue(first.isAlive(), "hostile records stop nothing: " + log("serve-1.log"));

    first.destroy(); // SIGTERM
    assertTrue(first.waitFor(120, TimeUnit.SECONDS), "it stops after the signal");
    String stopped = log("serve-1.log");
    assertEquals(0, first.exitValue(), stopped);
    assertTrue(stopped.contains("stopped job served-serve with a savepoint at "), stopped);
    String savepoint =
        stopped.substring(stopped.indexOf("savepoint at ") + 13).lines().findFirst().orElseThrow();

    produce("b-", test); // while nothing serves
    Process second = start("serve", serving, "serve-2.log");
    await("b-", test.size(), second, "serve-2.log");
    assertTrue(log("serve-2.log").contains("resuming from " + savepoint), log("serve-2.log"));
    Map<String, Integer> times = new HashMap<>();
    for (PredictionRecord p : predictions()) times.merge(p.id(), 1, Integer::sum);
    // Every request of both rounds once: a savepoint stop publishes nothing twice.
    for (int i = 0; i < test.size(); i++) {
      assertEquals(1, times.getOrDefault("a-" + i, 0), "a-" + i);
      assertEquals(1, times.getOrDefault("b-" + i, 0), "b-" + i);
    }
    second.destroy();
    assertTrue(second.waitFor(120, TimeUnit.SECONDS), "it stops after the signal");
    assertEquals(0, second.exitValue(), log("serve-2.log"));
  }

  /** Records a score topic may get from a careless or hostile producer. */
  private static List<byte[]> hostile() {
    return List.of(
        "not json at all".getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"h-1\"}".getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"h-2\",\"tokens\":[\"a\",null]}".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2},
        ("{\"id\":\"h-3\",\"tokens\":[\"" + "x".repeat(200_000) + "\"]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static void produce(String prefix, List<Sentence> sentences) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      values.add(
          WireFormat.encode(new ScoreRecord(prefix + i, sentences.get(i).tokens(), null, null)));
    }
    JobHarness.produce(kafka, topics.score(), values);
  }

  private static List<PredictionRecord> predictions() {
    List<PredictionRecord> all = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaClients.readAll(
            kafka.bootstrapServers(), topics.predictions(), false, Duration.ofSeconds(30))) {
      all.add(WireFormat.decodePrediction(r.value()));
    }
    return all;
  }

  /** The score predictions of ids with the prefix, once there are {@code count} of them. */
  private static Map<String, PredictionRecord> await(
      String prefix, int count, Process serve, String logName) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      Map<String, PredictionRecord> mine = new HashMap<>();
      for (PredictionRecord p : predictions()) if (p.id().startsWith(prefix)) mine.put(p.id(), p);
      if (mine.size() == count) return mine;
      assertTrue(serve.isAlive(), "serve ended: " + log(logName));
      assertTrue(System.nanoTime() < deadline, mine.size() + " of " + count + ": " + log(logName));
      Thread.sleep(500);
    }
  }

  private static void awaitDeadLetters(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int seen;
    while ((seen =
            KafkaClients.readAll(
                    kafka.bootstrapServers(), topics.deadLetter(), false, Duration.ofSeconds(30))
                .size())
        < count) {
      assertTrue(System.nanoTime() < deadline, seen + " of " + count + " dead letters");
      Thread.sleep(500);
    }
    assertEquals(count, seen, "one dead letter per hostile record");
  }

  /** The job's definition: bounded for training, unbounded for serving. */
  private static Path definition(String name, boolean bounded) throws Exception {
    return ChildCli.definition(
        dir.resolve(name + ".properties"),
        "served",
        kafka,
        topics,
        dir.resolve("checkpoints"),
        "source.bounded = " + bounded);
  }

  private static String run(String command, Path definition, String logName) throws Exception {
    Process p = start(command, definition, logName);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "it ends: " + log(logName));
    assertEquals(0, p.exitValue(), log(logName));
    return log(logName);
  }

  /** {@code streamner COMMAND FILE} in its own JVM, output to a log file under target/. */
  private static Process start(String command, Path definition, String logName) throws Exception {
    return children.start(logName, command, definition.toString(), "--progress-seconds", "1");
  }

  private static String log(String logName) throws Exception {
    return children.log(logName);
  }
}
