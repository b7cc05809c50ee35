package io.streamner.demo;

import io.streamner.eval.Counts;
import io.streamner.eval.TokenDecisions;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.EntityTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches the job from outside, as any user can: it reads the predictions topic and the dead-letter
 * topic. A prediction of a labelled sentence carries the gold tags and was made before the model
 * trained on it, so it is a prequential (test-then-train) measurement.
 */
final class PrequentialMonitor implements AutoCloseable {
  private final String model;
  private final long pointEvery;
  private final KafkaConsumer<byte[], byte[]> predictions;
  private final KafkaConsumer<byte[], byte[]> deadLetters;
  private final LearningCurve curve = new LearningCurve();

  private long trainPredictions;
  private long scorePredictions;
  private final String trainTopic;
  private long trainDeadLetters;
  private long scoreDeadLetters;
  private final Map<String, Long> reasons = new HashMap<>();
  private long examplesSeen;
  private long modelVersion;
  private Counts total = Counts.ZERO;
  private double lossSum;
  private long tokens;
  private Counts sincePoint = Counts.ZERO;
  private double lossSincePoint;
  private long tokensSincePoint;
  private long lastPointAt;
  private Counts lastPointCounts = Counts.ZERO;

  PrequentialMonitor(
      KafkaSettings kafka,
      String predictionsTopic,
      String deadLetterTopic,
      String trainTopic,
      String model,
      long pointEvery) {
    this.model = model;
    this.pointEvery = pointEvery;
    this.predictions = subscribe(kafka, predictionsTopic);
    this.deadLetters = subscribe(kafka, deadLetterTopic);
    this.trainTopic = trainTopic;
  }

  private static KafkaConsumer<byte[], byte[]> subscribe(KafkaSettings kafka, String topic) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(kafka, null, false));
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Reads what has arrived, waiting up to {@code wait} for the first record. */
  void poll(Duration wait) {
    for (ConsumerRecord<byte[], byte[]> r : predictions.poll(wait)) {
      PredictionRecord p = WireFormat.decodePrediction(r.value());
      if (!p.model().equals(model)) continue;
      modelVersion = Math.max(modelVersion, p.modelVersion());
      if (p.kind().equals(PredictionRecord.TRAIN)) {
        trainPredictions++;
        record(p);
      } else {
        scorePredictions++;
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : deadLetters.poll(Duration.ZERO)) {
      DeadLetterRecord letter = WireFormat.decodeDeadLetter(r.value());
      if (letter.source().topic().equals(trainTopic)) trainDeadLetters++;
      else scoreDeadLetters++;
      reasons.merge(kind(letter.reason()), 1L, Long::sum);
    }
  }

  private void record(PredictionRecord p) {
    int[] gold = EntityTags.binaryLabels(p.gold(), model);
    boolean[] predicted = new boolean[gold.length];
    double loss = 0;
    for (int t = 0; t < gold.length; t++) {
      predicted[t] = !p.labels().get(t).equals("O");
      loss += TokenDecisions.logLoss(p.probabilities()[t], gold[t]);
    }
    Counts c = Counts.of(predicted, gold);
    total = total.plus(c);
    sincePoint = sincePoint.plus(c);
    lossSum += loss;
    lossSincePoint += loss;
    tokens += gold.length;
    tokensSincePoint += gold.length;
    examplesSeen = Math.max(examplesSeen, p.examplesSeen() + gold.length);
    if (examplesSeen - lastPointAt >= pointEvery) point();
  }

  private void point() {
    if (tokensSincePoint == 0) return;
    curve.add(
        new LearningCurve.Point(examplesSeen, sincePoint.f1(), lossSincePoint / tokensSincePoint));
    lastPointCounts = sincePoint;
    sincePoint = Counts.ZERO;
    lossSincePoint = 0;
    tokensSincePoint = 0;
    lastPointAt = examplesSeen;
  }

  /** Closes the last, partial point of the curve. */
  LearningCurve finish() {
    point();
    return curve;
  }

  long trainPredictions() {
    return trainPredictions;
  }

  long scorePredictions() {
    return scorePredictions;
  }

  long deadLetters() {
    return trainDeadLetters + scoreDeadLetters;
  }

  /** Train records that ended as dead letters: they get no prediction. */
  long trainDeadLetters() {
    return trainDeadLetters;
  }

  long scoreDeadLetters() {
    return scoreDeadLetters;
  }

  /** The commonest kinds of reasons, most frequent first, e.g. "sentence has N tokens (2)". */
  String commonestReasons(int most) {
    return reasons.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(most)
        .map(e -> e.getKey() + " (" + e.getValue() + ")")
        .collect(Collectors.joining("; "));
  }

  /**
   * A reason without its particulars (counts, positions, quoted input), so that the same problem in
   * different records counts as one kind.
   */
  static String kind(String reason) {
    return reason
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"...\"")
        .replaceAll("[0-9][0-9,.]*", "N");
  }

  long examplesSeen() {
    return examplesSeen;
  }

  long modelVersion() {
    return modelVersion;
  }

  Counts total() {
    return total;
  }

  /** F1 of the last completed point of the curve (the most recent stretch of the stream). */
  double recentF1() {
    return lastPointCounts.f1();
  }

  double meanLoss() {
    return tokens == 0 ? 0 : lossSum / tokens;
  }

  @Override
  public void close() {
    predictions.close();
    deadLetters.close();
  }
}
