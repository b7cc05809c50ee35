package io.streamner.job;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * The metrics of one model, in the metric group {@code model.<TYPE>} of the model operator: what it
 * has trained, how well (prequential, over roughly the last 2,000 labelled tokens: a binary model's
 * token scores, a typed model's strict entity scores, see {@link Prequential}), its version, its
 * vocabulary (columns, and new words refused a column because it is full), and the sentences it
 * refused.
 */
final class ModelMetrics {
  private final Counter examples;
  private final Counter nonFinite;
  private final Counter deadLetters;
  private final Counter refused;

  ModelMetrics(MetricGroup operator, LiveModel<?, ?> model) {
    MetricGroup group = operator.addGroup("model", model.name);
    ModelCheckpoint c = model.counters;
    examples = group.counter("examplesTrained");
    group.meter("examplesPerSecond", new MeterView(examples));
    group.gauge("examplesSeen", () -> c.examplesSeen);
    group.gauge("modelVersion", () -> c.version);
    group.gauge("columns", () -> c.columns);
    group.gauge("prequentialLoss", () -> c.recentLoss);
    group.gauge("prequentialPrecision", () -> Prequential.recentPrecision(c));
    group.gauge("prequentialRecall", () -> Prequential.recentRecall(c));
    group.gauge("prequentialF1", () -> Prequential.recentF1(c));
    group.gauge("prequentialF1Total", () -> Prequential.total(c).f1());
    nonFinite = group.counter("nonFiniteUpdates");
    deadLetters = group.counter("deadLetters");
    refused = group.counter("newWordsRefused");
  }

  /**
   * @param refusedWords words of the sentence that reached model.min-count with the model full
   *     (model.max-vocabulary)
   */
  void trained(int windows, int refusedWords) {
    examples.inc(windows);
    refused.inc(refusedWords);
  }

  void rejected(boolean nonFiniteUpdate) {
    deadLetters.inc();
    if (nonFiniteUpdate) nonFinite.inc();
  }
}
