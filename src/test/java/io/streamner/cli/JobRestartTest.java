package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.NerModel;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamner job} as a service that is stopped and started again, in child JVMs, against a
 * broker started apart from it: after kill -9 at a moment when a checkpoint holds trained state,
 * and after SIGTERM, the same command resumes, and the model it ends with is bit for bit the one an
 * uninterrupted run ends with.
 */
class JobRestartTest {
  /**
   * btc.train this many times over: enough that the job is still running at its first checkpoint.
   */
  private static final int REPEAT = 4;

  @TempDir static Path dir;

  static final ChildCli children = new ChildCli("job-restart-logs");
  static EmbeddedKafka kafka;
  static int trainRecords;
  static int scoreRecords;
  static NerModel uninterrupted;

  @BeforeAll
  static void start() throws Exception {
    List<Sentence> train = CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences();
    List<Sentence> test = CorpusReader.read(SharedData.require("btc/btc.test"), null).sentences();
    kafka = EmbeddedKafka.start();
    TopicAdmin.create(
        kafka.bootstrapServers(),
        List.of(TopicAdmin.topic("in.train", 1), TopicAdmin.topic("in.score", 1)));
    List<Sentence> repeated = new ArrayList<>();
    for (int r = 0; r < REPEAT; r++) repeated.addAll(train);
    JobHarness.produceTraining(kafka, "in.train", repeated);
    trainRecords = repeated.size();
    List<byte[]> scores = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      scores.add(
          WireFormat.encode(
              new io.streamner.kafka.wire.ScoreRecord(
                  "score-" + i, test.get(i).tokens(), null, null)));
    }
    JobHarness.produce(kafka, "in.score", scores);
    scoreRecords = scores.size();

    Path reference = definition("reference");
    Process job = job(reference, dir.resolve("reference.log"));
    assertTrue(job.waitFor(300, TimeUnit.SECONDS), "the uninterrupted run ends");
    assertEquals(0, job.exitValue(), children.log("reference.log"));
    uninterrupted = JobHarness.export(kafka, topics("reference"), "PER").model();
  }

  @AfterAll
  static void stop() {
    children.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void afterKillMinus9TheSameCommandResumesFromTheLastCheckpoint() throws Exception {
    Path definition = definition("killed");
    Process first = firstRunAtATrainedCheckpoint(definition, "killed");
    first.destroyForcibly(); // SIGKILL: no savepoint, no cleanup
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    // Offsets are committed when a checkpoint completes; read them now that nothing runs.
    Map<String, Long> committed = committedOffsets("killed");

    String output = runToTheEnd(definition, "killed-2.log");
    assertTrue(output.contains("resuming from "), output);

    assertResumedExactly("killed", committed, false);
  }

  @Test
  void afterSigtermTheJobStopsWithASavepointAndResumesWithoutDuplicates() throws Exception {
    Path definition = definition("stopped");
    Process first = firstRunAtATrainedCheckpoint(definition, "stopped");
    awaitLogLine(firstLog("stopped"), "\n[^\n]* \\| checkpoint [0-9]+\n");
    first.destroy(); // SIGTERM
    assertTrue(first.waitFor(120, TimeUnit.SECONDS), "it stops after the signal");
    String stopped = log(firstLog("stopped"));
    assertEquals(0, first.exitValue(), stopped);
    assertTrue(
        stopped.matches(
            "(?s).*\nexamples +[0-9,]+ \\| +[0-9,]+/s \\| scored +[0-9,]+ \\| +[0-9,]+/s \\| PER F1 [0-9.]+ \\(recent [0-9.]+\\) v[0-9]+"
                + " \\| dead letters 0 \\| checkpoint [0-9]+\n.*"),
        "a progress line every second, with the last checkpoint: " + stopped);
    assertTrue(stopped.contains("stopped job stopped with a savepoint at "), stopped);
    String savepoint =
        stopped.substring(stopped.indexOf("savepoint at ") + 13).lines().findFirst().orElseThrow();

    String output = runToTheEnd(definition, "stopped-2.log");
    assertTrue(output.contains("resuming from " + savepoint), output);

    assertResumedExactly("stopped", committedOffsets("stopped"), true);
  }

  /**
   * A job never starts empty when it was asked to resume: a path that is not a checkpoint, a
   * damaged one and a changed model shape are each one clear error that names the path.
   */
  @Test
  void stateThatCannotBeRestoredIsAClearErrorNamingThePath() throws Exception {
    Path definition = definition("changed");
    Process first = firstRunAtATrainedCheckpoint(definition, "changed");
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));

    CliRun missing =
        CliRun.of("job", definition.toString(), "--from", dir.resolve("nowhere").toString());
    assertEquals(Main.USER_ERROR, missing.exitCode(), missing.toString());
    assertTrue(
        missing.err().contains("nowhere is not a completed checkpoint or savepoint"),
        missing.err());

    Path kept;
    try (var paths = Files.walk(dir.resolve("checkpoints").resolve("changed"))) {
      kept =
          paths
              .filter(p -> p.getFileName().toString().equals("_metadata"))
              .findFirst()
              .orElseThrow()
              .getParent();
    }
    Path damaged = dir.resolve("damaged-checkpoint");
    Files.createDirectories(damaged);
    Files.write(damaged.resolve("_metadata"), new byte[] {0, 0, 0, 1, 2, 3});
    CliRun corrupt = CliRun.of("job", definition.toString(), "--from", damaged.toString());
    assertEquals(Main.USER_ERROR, corrupt.exitCode(), corrupt.toString());
    assertTrue(
        corrupt.err().contains("cannot read the checkpoint or savepoint at " + damaged),
        corrupt.err());
    assertTrue(corrupt.err().contains("--fresh"), "it says how to start over: " + corrupt.err());

    // The same job with another word-vector size: its state cannot be this model's.
    Path changed = definition("changed", "model.dim = 20");
    Path log = dir.resolve("changed-2.log");
    Process second = job(changed, log);
    assertTrue(second.waitFor(120, TimeUnit.SECONDS), "it stops at once, no restart loop");
    String output = log(log);
    assertEquals(Main.USER_ERROR, second.exitValue(), output);
    assertTrue(output.contains("could not resume job changed from "), output);
    assertTrue(output.contains("model.dim = 50"), output);
    assertTrue(output.contains("--fresh"), output);
    assertTrue(Files.exists(kept.resolve("_metadata")), "the checkpoint it refused is kept");
  }

  /**
   * A second copy of a running job (the same definition, so the same job.name) is refused in one
   * line before it touches anything, and the first runs on as if alone: no fencing, no restart, the
   * uninterrupted model. (RocksDB without a column cache trains the same model more slowly, so that
   * the first is still running when the second asks.)
   */
  @Test
  void aSecondCopyOfARunningJobIsRefusedAndTheFirstKeepsItsModel() throws Exception {
    Path definition = definition("twice", "state.backend = rocksdb", "state.column-cache = 1");
    Process first = firstRunAtATrainedCheckpoint(definition, "twice");

    Path secondLog = dir.resolve("twice-2.log");
    Process second = job(definition, secondLog);
    assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second copy stops by itself");
    String refused = log(secondLog);
    assertTrue(first.isAlive(), "the first ended before the second asked: " + refused);
    assertEquals(Main.USER_ERROR, second.exitValue(), refused);
    assertTrue(
        refused.contains(
            "streamner: error: job twice is already running: streamner-job-" + first.pid() + "@"),
        refused);
    assertTrue(refused.contains("consumer group twice.running"), refused);
    assertTrue(refused.contains("give this one another job.name"), refused);
    assertFalse(refused.contains("\tat "), "one line, no stack trace: " + refused);
    assertFalse(
        refused.contains("resuming from") || refused.contains("starting fresh"),
        "it touched no checkpoint: " + refused);

    assertTrue(first.waitFor(300, TimeUnit.SECONDS), "the first ends");
    String output = log(firstLog("twice"));
    assertEquals(0, first.exitValue(), output);
    assertFalse(output.toLowerCase(java.util.Locale.ROOT).contains("fenced"), output);
    // No restart: every record predicted exactly once, and the uninterrupted model.
    assertResumedExactly("twice", committedOffsets("twice"), true);
  }

  /**
   * The run's outputs against the uninterrupted run: the same model bit for bit, snapshot versions
   * 1..N in topic order, and a prediction published twice only for a record read after the offsets
   * of the checkpoint the job resumed from (none at all after a savepoint). A job that restarted
   * after a failure on its own (it says so) went back to a checkpoint too: its predictions are at
   * least once from there, and only the model and the versions are held exact.
   */
  private static void assertResumedExactly(
      String name, Map<String, Long> committedAtStop, boolean noDuplicates) throws Exception {
    JobDefinition.Topics topics = topics(name);
    NerModel resumed = JobHarness.export(kafka, topics, "PER").model();
    assertTrue(JobHarness.sameModel(uninterrupted, resumed), "the resumed model differs");

    List<SnapshotRecord.Manifest> manifests = JobHarness.manifests(kafka, topics);
    for (int i = 0; i < manifests.size(); i++) {
      assertEquals(i + 1, manifests.get(i).version(), "versions contiguous and increasing");
    }

    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaClients.readAll(
            kafka.bootstrapServers(), topics.predictions(), false, Duration.ofSeconds(60))) {
      PredictionRecord p = WireFormat.decodePrediction(r.value());
      seen.merge(p.id(), 1, Integer::sum);
    }
    assertEquals(trainRecords + scoreRecords, seen.size(), "every record has a prediction");
    List<String> twice = new ArrayList<>();
    seen.forEach(
        (id, times) -> {
          for (int i = 1; i < times; i++) twice.add(id);
        });
    String output = String.join("\n", logs(name));
    if (output.contains("restarted after a failure")) {
      System.out.printf(
          "%s: the job restarted after a failure, %,d predictions published twice%n",
          name, twice.size());
      return;
    }
    if (noDuplicates) {
      assertEquals(List.of(), twice, "a stop with a savepoint publishes nothing twice: " + output);
    }
    for (String id : twice) {
      String topic = id.startsWith("train-") ? "in.train" : "in.score";
      long offset = Long.parseLong(id.substring(id.indexOf('-') + 1));
      assertTrue(
          offset >= committedAtStop.get(topic),
          id
              + " was published again, but it was read before the checkpoint the job resumed from"
              + " ("
              + topic
              + " offset "
              + committedAtStop.get(topic)
              + ")");
    }
    System.out.printf("%s: %,d predictions published twice%n", name, twice.size());
  }

  /** What the runs of a scenario printed, first run first. */
  private static List<String> logs(String name) throws Exception {
    List<String> logs = new ArrayList<>();
    for (int run = 1; children.hasLog(name + "-" + run + ".log"); run++)
      logs.add(children.log(name + "-" + run + ".log"));
    return logs;
  }

  /** Runs the job again until its bounded input is done; returns what it printed. */
  private static String runToTheEnd(Path definition, String logName) throws Exception {
    Process job = job(definition, dir.resolve(logName));
    boolean ended = job.waitFor(300, TimeUnit.SECONDS);
    String output = children.log(logName);
    assertTrue(ended, "the resumed run ends: " + output);
    assertEquals(0, job.exitValue(), output);
    return output;
  }

  /** The progress line comes once a second: wait for one that names the checkpoint just taken. */
  private static void awaitLogLine(Path log, String regex) throws Exception {
    Pattern line = Pattern.compile(regex);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!line.matcher(log(log)).find()) {
      assertTrue(System.nanoTime() < deadline, "no line like " + regex + " in: " + log(log));
      Thread.sleep(100);
    }
  }

  /**
   * Starts the job of {@code definition}, named {@code name}, logging to {@link #firstLog}, and
   * returns it once a checkpoint holds trained state: where each restart test interrupts it.
   */
  private static Process firstRunAtATrainedCheckpoint(Path definition, String name)
      throws Exception {
    Process first = job(definition, firstLog(name));
    awaitTrainedCheckpoint(first, name, firstLog(name));
    return first;
  }

  private static Path firstLog(String name) {
    return dir.resolve(name + "-1.log");
  }

  /** Waits until a checkpoint of the run holds trained state: its train offset is committed. */
  private static void awaitTrainedCheckpoint(Process job, String name, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertTrue(job.isAlive(), "the job ended before a checkpoint: " + log(log));
      Map<String, Long> committed = committedOffsets(name);
      if (committed.get("in.train") > 0) {
        assertTrue(
            committed.get("in.train") < trainRecords,
            "the job read everything before its first checkpoint: make REPEAT larger");
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no checkpoint within 2 minutes: " + log(log));
  }

  /** The offsets the job's consumer group committed, by topic (0 when none). */
  private static Map<String, Long> committedOffsets(String group) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.admin(kafka.bootstrapServers()))) {
      ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(group);
      Map<TopicPartition, OffsetAndMetadata> offsets =
          result.partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<String, Long> byTopic = new HashMap<>(Map.of("in.train", 0L, "in.score", 0L));
      offsets.forEach(
          (tp, offset) -> {
            if (offset != null) byTopic.put(tp.topic(), offset.offset());
          });
      return byTopic;
    }
  }

  private static JobDefinition.Topics topics(String name) {
    return new JobDefinition.Topics(
        "in.train", "in.score", name + ".predictions", name + ".snapshots", name + ".dead-letter");
  }

  /** A bounded job of one PER model on the shared input topics, its outputs its own. */
  private static Path definition(String name, String... extra) throws Exception {
    JobDefinition.Topics topics = topics(name);
    JobHarness.createOutputTopics(kafka, topics);
    return ChildCli.definition(
        dir.resolve(name + ".properties"), name, kafka, topics, dir.resolve("checkpoints"), extra);
  }

  /** `streamner job FILE` in its own JVM, output to a log file. */
  private static Process job(Path definition, Path log) throws Exception {
    return children.start(
        log.getFileName().toString(), "job", definition.toString(), "--progress-seconds", "1");
  }

  private static String log(Path log) throws Exception {
    return children.log(log.getFileName().toString());
  }
}
