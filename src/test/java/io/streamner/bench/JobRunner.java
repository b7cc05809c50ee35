package io.streamner.bench;

import io.streamner.job.JobDefinition;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * Where a measured job runs: on a MiniCluster in the suite's own JVM ({@link #IN_PROCESS}), or on a
 * standalone cluster whose JobManager and TaskManagers are JVMs of their own ({@link
 * ClusterRunner}).
 */
interface JobRunner {
  /** Submits the job that {@code definition} (parsed from {@code properties}) describes. */
  Running start(Properties properties, JobDefinition definition) throws Exception;

  /** A submitted job. */
  interface Running extends AutoCloseable {
    String id();

    /** Whether the job has ended (finished, failed or cancelled): it will answer nothing more. */
    boolean ended() throws Exception;

    /** Cancels the job and waits until it has ended. */
    void cancel() throws Exception;

    /** Frees what the run holds; a job still running is cancelled or dropped with it. */
    @Override
    void close();
  }

  /** A MiniCluster of the suite's JVM per job ({@link FlinkRun}). */
  JobRunner IN_PROCESS =
      (properties, definition) -> {
        FlinkRun run = FlinkRun.start(definition, new Configuration());
        return new Running() {
          @Override
          public String id() {
            return run.jobId().toString();
          }

          @Override
          public boolean ended() throws Exception {
            return run.status().isGloballyTerminalState();
          }

          @Override
          public void cancel() throws Exception {
            run.cancel();
          }

          @Override
          public void close() {
            run.close();
          }
        };
      };
}
