package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.job.StreamnerJob;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One run of the streamner job on its own Flink MiniCluster, built with the job's own entry points
 * ({@link StreamnerJob#configuration}, {@link StreamnerJob#build}).
 *
 * <p>Why a MiniCluster of our own instead of {@code env.execute()}: that is what a local
 * environment does too (one MiniCluster per job, see Flink's PerJobMiniClusterFactory), but it
 * shuts the cluster down the moment the job ends, and with it the job's archive. Holding the
 * cluster lets the suite read, after a bounded job finished, when it finished (after its final
 * checkpoint committed the last snapshot) and the statistics of every checkpoint.
 */
final class FlinkRun implements AutoCloseable {
  private final MiniCluster cluster;
  private final JobID jobId;

  private FlinkRun(MiniCluster cluster, JobID jobId) {
    this.cluster = cluster;
    this.jobId = jobId;
  }

  /**
   * Starts a MiniCluster with one task manager and as many slots as the job's widest operator, and
   * submits the job.
   *
   * @param extra settings of the measurement itself (where checkpoints go, that they are kept),
   *     never ones that change how the job runs
   */
  static FlinkRun start(JobDefinition definition, Configuration extra) throws Exception {
    Configuration conf = StreamnerJob.configuration(definition);
    conf.addAll(extra);
    conf.set(RestOptions.BIND_PORT, "0");
    // Keep every checkpoint's statistics, not only the last 10 (the default), for the durations.
    conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    StreamnerJob.build(env, definition);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(definition.name());

    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(
                    Math.max(definition.parallelism(), definition.scoring().parallelism()))
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .build());
    try {
      cluster.start();
      JobID id = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
      return new FlinkRun(cluster, id);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  JobID jobId() {
    return jobId;
  }

  JobStatus status() throws Exception {
    return cluster.getJobStatus(jobId).get(30, TimeUnit.SECONDS);
  }

  /** Waits for a bounded job to end; throws with the job's own failure if it did not finish. */
  ArchivedExecutionGraph awaitFinished(Duration timeout) throws Exception {
    JobResult result =
        cluster.requestJobResult(jobId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!result.isSuccess()) {
      Throwable cause =
          result
              .getSerializedThrowable()
              .map(t -> t.deserializeError(FlinkRun.class.getClassLoader()))
              .orElse(null);
      throw new IllegalStateException(
          "the job did not finish: " + result.getApplicationStatus(), cause);
    }
    return archive();
  }

  /** Cancels an unbounded job and waits until it is cancelled; returns its archive. */
  ArchivedExecutionGraph cancel() throws Exception {
    cluster.cancelJob(jobId).get(60, TimeUnit.SECONDS);
    cluster.requestJobResult(jobId).get(120, TimeUnit.SECONDS);
    return archive();
  }

  ArchivedExecutionGraph archive() throws Exception {
    return cluster.getArchivedExecutionGraph(jobId).get(60, TimeUnit.SECONDS);
  }

  /** When the job reached {@code status}, epoch milliseconds (0 if it never did). */
  static long timestamp(ArchivedExecutionGraph archive, JobStatus status) {
    return archive.getStatusTimestamp(status);
  }

  /** Count, durations and sizes of the job's completed checkpoints, for the JSON. */
  static Map<String, Object> checkpoints(ArchivedExecutionGraph archive) {
    CheckpointStatsSnapshot stats = archive.getCheckpointStatsSnapshot();
    Map<String, Object> m = new LinkedHashMap<>();
    if (stats == null) return m;
    m.put("completed", stats.getCounts().getNumberOfCompletedCheckpoints());
    m.put("failed", stats.getCounts().getNumberOfFailedCheckpoints());
    StatsSummarySnapshot duration = stats.getSummaryStats().getEndToEndDurationStats();
    m.put("duration_ms_min", duration.getCount() == 0 ? null : duration.getMinimum());
    m.put("duration_ms_avg", duration.getCount() == 0 ? null : duration.getAverage());
    m.put("duration_ms_max", duration.getCount() == 0 ? null : duration.getMaximum());
    StatsSummarySnapshot size = stats.getSummaryStats().getStateSizeStats();
    m.put("state_bytes_max", size.getCount() == 0 ? null : size.getMaximum());
    var latest = stats.getHistory().getLatestCompletedCheckpoint();
    if (latest != null) {
      m.put("latest_state_bytes", latest.getStateSize());
      m.put("latest_checkpointed_bytes", latest.getCheckpointedSize());
      m.put("latest_duration_ms", latest.getEndToEndDuration());
    }
    return m;
  }

  /** Shuts the MiniCluster down (and with it a job still running). */
  @Override
  public void close() {
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("the Flink MiniCluster did not shut down cleanly", e);
    }
  }
}
