package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** What {@code streamner job} says of the local job, from the metrics Flink reports. */
class JobProgressTest {
  /**
   * A restart after a failure is said once, when Flink counts it, with what it means for the
   * outputs: an operator must know that predictions since the last checkpoint come again.
   */
  @Test
  void eachRestartIsSaidOnceWithWhatItMeans() {
    ProgressReporter metrics = new ProgressReporter();
    metrics.open(new MetricConfig());
    AtomicLong restarts = new AtomicLong();
    metrics.notifyOfAddedMetric(
        (Gauge<Long>) restarts::get, "numRestarts", new UnregisteredMetricsGroup());
    JobCommand.Progress progress = new JobCommand.Progress();
    StringWriter said = new StringWriter();
    PrintWriter out = new PrintWriter(said);

    progress.sayRestarts("watched", out);
    assertEquals("", said.toString(), "no restart, nothing said");
    restarts.set(1);
    progress.sayRestarts("watched", out);
    progress.sayRestarts("watched", out);
    restarts.set(3);
    progress.sayRestarts("watched", out);
    assertEquals(
        "job watched restarted after a failure (restart 1; the log says why): it goes on from its"
            + " last checkpoint, and predictions published since then come again\n"
            + "job watched restarted after a failure (restart 3; the log says why): it goes on from"
            + " its last checkpoint, and predictions published since then come again\n",
        said.toString().replace(System.lineSeparator(), "\n"));
  }
}
