package io.streamner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.SnapshotExport;
import io.streamner.model.NerModel;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real standalone Flink cluster: a JobManager and two TaskManagers (one slot each),
 * each a separate JVM on a classpath that holds Flink and nothing of streamner's;
 * target/streamner-job.jar goes in through the REST API, as {@code flink run} would send it; Kafka
 * is an in-process broker of this JVM, which the cluster reaches over loopback.
 *
 * <p>Two models (PER, LOC) at parallelism 2 learn btc.train from a one-partition topic, once
 * undisturbed (the reference), then again on fresh topics while the TaskManager that runs the
 * busier model subtask is killed with SIGKILL as soon as a completed checkpoint holds partly
 * trained models (1 MB of state); a new TaskManager is started in its place (one slot each, so the
 * job cannot run again without it). The job has to recover from the checkpoint on its own and end
 * with both models bit for bit the reference's, every example applied once; the JobManager's REST
 * API has to show the restart, the restore and the lost TaskManager.
 *
 * <p>Run it with {@code mvn -B verify -Pcluster} (after package: it needs the job jar, and the
 * cluster classpath written by that profile). Tagged "cluster", so the default build's surefire run
 * skips it. The processes' logs are copied to target/flink-cluster-logs at the end.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterTest {
  /** Tokens of btc.train, one training window each. */
  static final int BTC_TRAIN_TOKENS = 99_933;

  static final List<String> MODELS = List.of("PER", "LOC");
  static final int PARALLELISM = 2;
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);

  /**
   * State of a checkpoint worth restoring: the untrained job checkpoints about 45 KB, the finished
   * one about 7 MB (two models' word vectors, 20 doubles each for 20,575 words). 1 MB comes early
   * in the stream, which a fast machine otherwise races through before the kill.
   */
  static final long CHECKPOINT_BYTES_BEFORE_KILL = 1 << 20;

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static StandaloneFlinkCluster cluster;
  static List<Sentence> train;
  static int trainWindows;
  static String jarId;
  static Map<String, NerModel> reference;
  static final long CLASS_START = System.nanoTime();

  @BeforeAll
  static void start() throws Exception {
    Path jobJar = Path.of(System.getProperty("streamner.job.jar", "target/streamner-job.jar"));
    Path classpathFile =
        Path.of(System.getProperty("streamner.flink.classpath", "target/flink-classpath.txt"));
    if (!Files.isRegularFile(jobJar) || !Files.isRegularFile(classpathFile)) {
      fail("needs " + jobJar + " and " + classpathFile + ": run it with mvn -B verify -Pcluster");
    }
    try (ZipFile jar = new ZipFile(jobJar.toFile())) {
      assertNotNull(jar.getEntry("io/streamner/job/StreamnerJob.class"), "the job is in " + jobJar);
      assertNotNull(
          jar.getEntry("org/apache/kafka/clients/producer/KafkaProducer.class"),
          "kafka-clients is in " + jobJar);
      for (String flink :
          List.of(
              "org/apache/flink/runtime/taskexecutor/TaskExecutor.class",
              "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
              "kafka/server/KafkaRaftServer.class")) {
        assertNull(
            jar.getEntry(flink),
            jobJar + " holds " + flink + ": it must not bundle Flink or the broker");
      }
    }
    String classpath = Files.readString(classpathFile);
    for (String notOnCluster :
        List.of("kafka-clients", "flink-connector-kafka", "jackson-databind")) {
      assertFalse(
          classpath.contains(notOnCluster),
          "the cluster's classpath must not hold "
              + notOnCluster
              + ": the job jar has to bring it");
    }
    train = CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences();
    trainWindows = train.stream().mapToInt(Sentence::size).sum();
    assertEquals(BTC_TRAIN_TOKENS, trainWindows);

    long t = System.nanoTime();
    kafka = EmbeddedKafka.start();
    System.out.printf(
        "timing: Kafka broker up in %.1f s (%s)%n", seconds(t), kafka.bootstrapServers());

    t = System.nanoTime();
    Map<String, String> settings = new LinkedHashMap<>();
    // Notice a lost TaskManager within seconds: two missed heartbeat RPCs at 1 s intervals, or 10 s
    // of silence.
    settings.put("heartbeat.interval", "1000");
    settings.put("heartbeat.timeout", "10000");
    // Fresh per-subtask metrics in the REST API (the default refresh is 10 s).
    settings.put("metrics.fetcher.update-interval", "1000");
    cluster =
        StandaloneFlinkCluster.start(
            dir.resolve("flink"), classpathFile, 2, settings, Duration.ofMinutes(3));
    System.out.printf(
        "timing: Flink cluster (JobManager + 2 TaskManagers) up in %.1f s%n", seconds(t));

    t = System.nanoTime();
    jarId = cluster.rest().uploadJar(jobJar);
    System.out.printf(
        "timing: uploaded %s (%,d bytes) in %.1f s: %s%n",
        jobJar.getFileName(), Files.size(jobJar), seconds(t), jarId);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (cluster != null) {
        cluster.close();
        cluster.copyLogs(
            Path.of(System.getProperty("streamner.cluster.logs", "target/flink-cluster-logs")));
      }
    } finally {
      if (kafka != null) kafka.close();
      System.out.printf("timing: FlinkClusterTest in all %.1f s%n", seconds(CLASS_START));
    }
  }

  @Test
  @Order(1)
  @Timeout(600)
  void jobRunsOnTheClusterAndEveryModelLearnsEveryExample() throws Exception {
    reference();
  }

  @Test
  @Order(2)
  @Timeout(900)
  void killingATaskManagerMidStreamChangesNothing() throws Exception {
    Map<String, NerModel> expected = reference();
    Run run = run("recovery", true);

    assertEquals("FINISHED", run.job.path("state").asText(), "job state");
    // Proof that a recovery happened, from the JobManager's own account of the job.
    JsonNode counts = run.checkpoints.path("counts");
    assertTrue(counts.path("restored").asInt() >= 1, "no restore from a checkpoint: " + counts);
    // ... from a checkpoint that holds trained models, not from the empty start
    long restoredId = run.checkpoints.path("latest").path("restored").path("id").asLong(-1);
    assertTrue(
        restoredId >= run.checkpointBeforeKill,
        "restored checkpoint "
            + restoredId
            + ", but checkpoint "
            + run.checkpointBeforeKill
            + " had completed before the kill");
    assertTrue(
        run.job.path("timestamps").path("RESTARTING").asLong() > 0,
        "job never restarted: " + run.job.path("timestamps"));
    List<String> causes = failureCauses(run.exceptions);
    assertFalse(causes.isEmpty(), "no failure in the exception history");
    assertTrue(
        causes.stream().anyMatch(c -> c.contains(run.killed)),
        "no failure names the killed TaskManager " + run.killed + ": " + causes);

    for (String model : MODELS) {
      SnapshotExport.Exported exported = run.models.get(model);
      assertEquals(
          trainWindows,
          exported.manifest().examplesSeen(),
          model + ": an example was applied twice or lost");
      assertTrue(
          JobHarness.sameModel(expected.get(model), exported.model()),
          model + ": the model after the TaskManager loss differs from the reference");
    }
  }

  static synchronized Map<String, NerModel> reference() throws Exception {
    if (reference == null) {
      Run run = run("reference", false);
      assertEquals("FINISHED", run.job.path("state").asText(), "job state");
      assertEquals(
          0,
          run.checkpoints.path("counts").path("restored").asInt(),
          "the reference run restarted");
      Map<String, NerModel> models = new LinkedHashMap<>();
      for (String model : MODELS) {
        SnapshotExport.Exported exported = run.models.get(model);
        assertEquals(trainWindows, exported.manifest().examplesSeen(), model + " examples seen");
        models.put(model, exported.model());
      }
      reference = models;
    }
    return reference;
  }

  /** What one run left behind: the JobManager's view of the job, and the exported models. */
  record Run(
      JsonNode job,
      JsonNode checkpoints,
      JsonNode exceptions,
      Map<String, SnapshotExport.Exported> models,
      String killed,
      long checkpointBeforeKill) {}

  /**
   * Fresh topics named after the run, btc.train into the one-partition train topic, the job
   * submitted through REST; with {@code killTaskManager}, the TaskManager running the busier model
   * subtask is killed once a completed checkpoint holds {@link #CHECKPOINT_BYTES_BEFORE_KILL} of
   * state, and a new one is started.
   */
  static Run run(String name, boolean killTaskManager) throws Exception {
    long start = System.nanoTime();
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    JobHarness.produceTraining(kafka, topics.train(), train);
    System.out.printf(
        "timing: %s: topics created, %,d sentences produced in %.1f s%n",
        name, train.size(), seconds(start));

    Path definition = writeDefinition(name, topics);
    long submitted = System.nanoTime();
    FlinkRest rest = cluster.rest();
    String jobId = rest.run(jarId, List.of("--definition", definition.toString()), PARALLELISM);
    System.out.printf(
        "timing: %s: job %s submitted (REST run, main() on the JobManager) in %.1f s%n",
        name, jobId, seconds(submitted));

    String killed = null;
    long checkpointBeforeKill = -1;
    int maxRestarts = 0;
    if (killTaskManager) {
      // Kill as soon as a completed checkpoint holds models that have learnt part of the stream
      // (their word
      // vectors make the state grow), so the restore brings back trained models and most of the
      // stream is to come.
      JsonNode checkpoint = awaitCheckpointOfSize(jobId, name, CHECKPOINT_BYTES_BEFORE_KILL);
      checkpointBeforeKill = checkpoint.path("id").asLong();
      ModelSubtask busiest = busiestModelSubtask(jobId);
      killed = busiest.taskManager();
      System.out.printf(
          "timing: %s: checkpoint %d completed (%,d bytes of state), the model subtask on %s has %,d of "
              + "%,d inputs, %.1f s after submission%n",
          name,
          checkpointBeforeKill,
          checkpoint.path("state_size").asLong(),
          killed,
          busiest.recordsIn(),
          MODELS.size() * train.size(),
          seconds(submitted));
      assertTrue(
          busiest.recordsIn() < MODELS.size() * train.size(),
          "the models have seen the whole stream");
      String stateBefore = rest.get("/jobs/" + jobId).path("state").asText();
      assertEquals(
          "RUNNING", stateBefore, "the job must still be running when the TaskManager dies");
      long killedAt = System.nanoTime();
      cluster.kill(killed);
      System.out.printf(
          "timing: %s: killed %s (kill -9) %.1f s after submission%n",
          name, killed, seconds(submitted));
      cluster.startTaskManager("tm-3");
      List<String> survivors = new ArrayList<>(cluster.taskManagerIds());
      survivors.remove(killed);
      survivors.add("tm-3");
      cluster.awaitTaskManagers(survivors, Duration.ofMinutes(2));
      System.out.printf(
          "timing: %s: %s gone and replacement tm-3 registered %.1f s after the kill%n",
          name, killed, seconds(killedAt));
    }

    JsonNode job = null;
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      job = rest.get("/jobs/" + jobId);
      String state = job.path("state").asText();
      if (Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) break;
      if (killTaskManager) maxRestarts = Math.max(maxRestarts, numRestarts(jobId));
      Thread.sleep(500);
    }
    double jobSeconds = job.path("duration").asLong() / 1000.0;
    System.out.printf(
        "timing: %s: job %s after %.1f s (JobManager's duration), %.1f s after submission%n",
        name, job.path("state").asText(), jobSeconds, seconds(submitted));
    JsonNode checkpoints = rest.get("/jobs/" + jobId + "/checkpoints");
    JsonNode exceptions = rest.get("/jobs/" + jobId + "/exceptions");
    System.out.printf(
        "%s: checkpoints %s, restored from checkpoint %s, restarts seen in the numRestarts metric: %d%n",
        name,
        checkpoints.path("counts"),
        checkpoints.path("latest").path("restored").path("id").asText("none"),
        maxRestarts);
    for (String cause : failureCauses(exceptions))
      System.out.printf("%s: failure: %s%n", name, cause);
    Map<String, Integer> checkpointFailures = new LinkedHashMap<>();
    for (JsonNode c : checkpoints.path("history")) {
      if ("FAILED".equals(c.path("status").asText())) {
        checkpointFailures.merge(c.path("failure_message").asText(), 1, Integer::sum);
      }
    }
    checkpointFailures.forEach(
        (message, n) ->
            System.out.printf("%s: %d of the last checkpoints failed: %s%n", name, n, message));
    if (!"FINISHED".equals(job.path("state").asText())) {
      fail(
          name
              + ": job "
              + job.path("state").asText()
              + "\n"
              + exceptions.path("root-exception").asText()
              + "\n--- jobmanager.log ---\n"
              + cluster.logTail("jobmanager", 60));
    }

    long exportStart = System.nanoTime();
    Map<String, SnapshotExport.Exported> models = new LinkedHashMap<>();
    for (String model : MODELS) {
      SnapshotExport.Exported exported = JobHarness.export(kafka, topics, model);
      models.put(model, exported);
      System.out.printf(
          "%s: %s version %d, %,d examples seen, vocabulary %,d%n",
          name,
          model,
          exported.manifest().version(),
          exported.manifest().examplesSeen(),
          exported.model().vocabulary().size());
    }
    System.out.printf(
        "timing: %s: models exported in %.1f s; run in all %.1f s%n",
        name, seconds(exportStart), seconds(start));
    return new Run(job, checkpoints, exceptions, models, killed, checkpointBeforeKill);
  }

  /**
   * Two models, parallelism 2, bounded, 1 s checkpoints, heap state, a small model without vectors.
   */
  static Path writeDefinition(String name, JobDefinition.Topics topics) throws IOException {
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", String.join(",", MODELS));
    p.setProperty("parallelism", String.valueOf(PARALLELISM));
    p.setProperty("source.bounded", "true");
    p.setProperty("checkpoint.interval-ms", "1000");
    // On a cluster, checkpoints go to storage every process can reach; here one machine's disk.
    p.setProperty("checkpoint.dir", dir.resolve("checkpoints").toUri().toString());
    p.setProperty("state.backend", "hashmap");
    p.setProperty("model.min-count", "1");
    p.setProperty("model.window", "3");
    p.setProperty("model.dim", "20");
    p.setProperty("model.hidden", "20");
    p.setProperty("model.regularization-examples", String.valueOf(trainWindows));
    p.setProperty("snapshot.every-examples", "25000");
    p.setProperty("snapshot.every-seconds", "0");
    // Enough attempts for the failures a lost TaskManager causes before the JobManager has noticed
    // it.
    p.setProperty("restart.attempts", "50");
    p.setProperty("restart.delay-ms", "1000");
    Path file = dir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "FlinkClusterTest run " + name);
    }
    return file;
  }

  /**
   * Waits for a completed checkpoint with at least {@code bytes} of state; returns its statistics.
   */
  static JsonNode awaitCheckpointOfSize(String jobId, String name, long bytes) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode latest = null;
      try {
        latest =
            cluster.rest().get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
      } catch (IOException e) {
        // no checkpoint statistics yet
      }
      if (latest != null && latest.path("state_size").asLong() >= bytes) return latest;
      assertStillRunning(jobId, name, "a checkpoint of " + bytes + " bytes completed");
      Thread.sleep(100);
    }
    throw new AssertionError(name + ": no checkpoint of " + bytes + " bytes in 3 minutes");
  }

  static void assertStillRunning(String jobId, String name, String before) throws Exception {
    String state = cluster.rest().get("/jobs/" + jobId).path("state").asText();
    if (!Set.of("CREATED", "INITIALIZING", "RUNNING").contains(state)) {
      fail(name + ": job " + state + " before " + before + " (too fast to kill mid-stream?)");
    }
  }

  /** Where a "train" subtask runs and how many records it has read (REST metrics, ~1 s old). */
  record ModelSubtask(String taskManager, long recordsIn) {}

  /**
   * The "train" subtask with the most input so far: the one that holds model keys (PER and LOC may
   * well hash to the same subtask).
   */
  static ModelSubtask busiestModelSubtask(String jobId) throws Exception {
    JsonNode job = cluster.rest().get("/jobs/" + jobId);
    String vertexId = null;
    for (JsonNode v : job.path("vertices")) {
      if (v.path("name").asText().startsWith("train")) vertexId = v.path("id").asText();
    }
    if (vertexId == null) throw new AssertionError("no model vertex in " + job.path("vertices"));
    JsonNode vertex = cluster.rest().get("/jobs/" + jobId + "/vertices/" + vertexId);
    ModelSubtask busiest = null;
    for (JsonNode s : vertex.path("subtasks")) {
      ModelSubtask subtask =
          new ModelSubtask(
              s.path("taskmanager-id").asText(), s.path("metrics").path("read-records").asLong());
      if (busiest == null || subtask.recordsIn() > busiest.recordsIn()) busiest = subtask;
    }
    if (busiest == null || busiest.taskManager().isEmpty())
      throw new AssertionError("no subtask locations: " + vertex);
    return busiest;
  }

  static int numRestarts(String jobId) {
    try {
      for (JsonNode m : cluster.rest().get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
        return m.path("value").asInt();
      }
    } catch (IOException | InterruptedException e) {
      // the job may be between states; the next poll asks again
    }
    return 0;
  }

  /**
   * One line per entry of the job's exception history: exception, task, TaskManager, first stack
   * line.
   */
  static List<String> failureCauses(JsonNode exceptions) {
    List<String> causes = new ArrayList<>();
    for (JsonNode e : exceptions.path("exceptionHistory").path("entries")) {
      String trace = e.path("stacktrace").asText();
      causes.add(
          e.path("exceptionName").asText()
              + " in "
              + e.path("taskName").asText("?")
              + " on "
              + e.path("taskManagerId").asText("?")
              + ": "
              + trace.lines().findFirst().orElse(""));
    }
    return causes;
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
