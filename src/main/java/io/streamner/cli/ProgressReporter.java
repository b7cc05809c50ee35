package io.streamner.cli;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the metrics of the local job, so that {@code streamner job}
 * can print its progress: Flink hands every metric of the job it runs in this JVM to the reporters
 * configured for it, and this one only remembers them. Metrics are read when a line is printed,
 * never copied on a schedule.
 */
public final class ProgressReporter implements MetricReporter {
  /** The name under {@code metrics.reporter.} that {@code streamner job} configures. */
  static final String NAME = "streamner-progress";

  private static volatile ProgressReporter current;

  private record Named(String name, Map<String, String> variables, Metric metric) {}

  private final List<Named> metrics = new CopyOnWriteArrayList<>();

  /** The reporter Flink created in this JVM, or null before the local job started. */
  static ProgressReporter current() {
    return current;
  }

  @Override
  public void open(MetricConfig config) {
    current = this;
  }

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    metrics.add(new Named(name, Map.copyOf(group.getAllVariables()), metric));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    metrics.removeIf(m -> m.metric() == metric);
  }

  /** The sum of every counter and numeric gauge of that name (over operators and subtasks). */
  double sum(String name) {
    double sum = 0;
    for (Named m : metrics) if (m.name().equals(name)) sum += value(m.metric());
    return sum;
  }

  /** The values of a model metric by model name (the {@code <model>} variable of its group). */
  Map<String, Double> byModel(String name) {
    Map<String, Double> values = new TreeMap<>();
    for (Named m : metrics) {
      String model = m.variables().get("<model>");
      if (model != null && m.name().equals(name))
        values.merge(model, value(m.metric()), Double::sum);
    }
    return values;
  }

  /** The value of a gauge of that name, as text (e.g. a checkpoint's path), or null. */
  String text(String name) {
    for (Named m : metrics) {
      if (m.name().equals(name) && m.metric() instanceof Gauge<?> g) {
        Object v = g.getValue();
        return v == null ? null : v.toString();
      }
    }
    return null;
  }

  private static double value(Metric metric) {
    if (metric instanceof Counter c) return c.getCount();
    if (metric instanceof Gauge<?> g && g.getValue() instanceof Number n) return n.doubleValue();
    return 0;
  }

  /** How Flink creates the reporter (found through META-INF/services). */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new ProgressReporter();
    }
  }
}
