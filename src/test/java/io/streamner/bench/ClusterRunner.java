package io.streamner.bench;

import io.streamner.cluster.FlinkRest;
import io.streamner.cluster.StandaloneFlinkCluster;
import io.streamner.job.JobDefinition;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Jobs on a standalone Flink cluster of the suite's own: a JobManager and TaskManagers of one slot
 * each, every one a JVM of its own on Flink's classpath alone ({@link StandaloneFlinkCluster}, as
 * the cluster test starts them); target/streamner-job.jar goes in through the REST API, and each
 * job's definition is a file the JobManager reads. The broker stays in the suite's JVM, reached
 * over loopback.
 */
final class ClusterRunner implements JobRunner, AutoCloseable {
  private static final Set<String> ENDED = Set.of("FINISHED", "FAILED", "CANCELED");

  private final Path home;
  private final StandaloneFlinkCluster cluster;
  private final String jarId;

  private ClusterRunner(Path home, StandaloneFlinkCluster cluster, String jarId) {
    this.home = home;
    this.cluster = cluster;
    this.jarId = jarId;
  }

  /**
   * Starts the cluster and uploads the job jar.
   *
   * @throws IllegalStateException when the job jar or the cluster's classpath file is missing,
   *     saying how to build them
   */
  static ClusterRunner start(int taskManagers, Progress progress) throws Exception {
    Path jar = Path.of(System.getProperty("streamner.job.jar", "target/streamner-job.jar"));
    Path classpath =
        Path.of(System.getProperty("streamner.flink.classpath", "target/flink-classpath.txt"));
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(classpath)) {
      throw new IllegalStateException(
          "needs "
              + jar
              + " and "
              + classpath
              + ": build them first with mvn -B package -Pcluster -DskipTests");
    }
    Path home = Files.createTempDirectory("streamner-bench-cluster");
    StandaloneFlinkCluster cluster =
        StandaloneFlinkCluster.start(
            home.resolve("flink"), classpath, taskManagers, Map.of(), Duration.ofMinutes(3));
    try {
      String jarId = cluster.rest().uploadJar(jar);
      progress.info(
          "standalone cluster up: a JobManager and %d TaskManagers of one slot, %s uploaded",
          taskManagers, jar.getFileName());
      return new ClusterRunner(home, cluster, jarId);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  public Running start(Properties properties, JobDefinition definition) throws Exception {
    Path file = home.resolve(definition.name() + ".properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(w, "speed suite, standalone cluster");
    }
    FlinkRest rest = cluster.rest();
    String id =
        rest.run(
            jarId, List.of("--definition", file.toString(), "--fresh"), definition.parallelism());
    return new Running() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public boolean ended() throws IOException, InterruptedException {
        return ENDED.contains(rest.get("/jobs/" + id).path("state").asText());
      }

      @Override
      public void cancel() throws Exception {
        if (ended()) return;
        rest.cancel(id);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!ended()) {
          if (System.nanoTime() > deadline)
            throw new IllegalStateException("job " + id + " not cancelled after 2 minutes");
          Thread.sleep(200);
        }
      }

      @Override
      public void close() {
        try {
          cancel();
        } catch (Exception e) {
          // the cluster goes down with the runner, and the job with it
        }
      }
    };
  }

  /** Stops every process of the cluster, after copying their logs to target/bench/cluster-logs. */
  @Override
  public void close() throws IOException {
    cluster.close();
    cluster.copyLogs(
        Path.of(System.getProperty("bench.out", "target/bench")).resolve("cluster-logs"));
    BenchSetup.deleteQuietly(home);
  }
}
