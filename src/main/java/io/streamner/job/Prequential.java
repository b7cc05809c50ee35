package io.streamner.job;

import io.streamner.eval.Counts;
import io.streamner.eval.TokenDecisions;

/**
 * Test-then-train quality of a model: every labelled token is scored before the model trains on it.
 * "Recent" figures weigh each new token by {@link #ALPHA}, so they follow roughly the last 1/ALPHA
 * tokens; the totals cover the whole stream.
 */
final class Prequential {
  /** Weight of the newest token in the recent figures: about the last 2,000 tokens count. */
  static final double ALPHA = 1.0 / 2000;

  private Prequential() {}

  /** Folds one sentence's predictions (before training) and gold labels into the checkpoint. */
  static void record(ModelCheckpoint m, double[] probabilities, int[] labels) {
    for (int t = 0; t < labels.length; t++) {
      double loss = TokenDecisions.logLoss(probabilities[t], labels[t]);
      boolean predicted = probabilities[t] >= TokenDecisions.THRESHOLD;
      boolean gold = labels[t] == 1;
      int tp = predicted && gold ? 1 : 0;
      int fp = predicted && !gold ? 1 : 0;
      int fn = !predicted && gold ? 1 : 0;
      double warm = m.tokensSeen == 0 ? 1 : ALPHA; // the first token sets the level
      m.recentLoss += warm * (loss - m.recentLoss);
      m.recentTruePositives += ALPHA * (tp - m.recentTruePositives);
      m.recentFalsePositives += ALPHA * (fp - m.recentFalsePositives);
      m.recentFalseNegatives += ALPHA * (fn - m.recentFalseNegatives);
      m.truePositives += tp;
      m.falsePositives += fp;
      m.falseNegatives += fn;
      m.lossSum += loss;
      m.tokensSeen++;
    }
  }

  static double recentPrecision(ModelCheckpoint m) {
    double d = m.recentTruePositives + m.recentFalsePositives;
    return d > 0 ? m.recentTruePositives / d : 0;
  }

  static double recentRecall(ModelCheckpoint m) {
    double d = m.recentTruePositives + m.recentFalseNegatives;
    return d > 0 ? m.recentTruePositives / d : 0;
  }

  static double recentF1(ModelCheckpoint m) {
    double p = recentPrecision(m), r = recentRecall(m);
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }

  static Counts total(ModelCheckpoint m) {
    return new Counts(m.truePositives, m.falsePositives, m.falseNegatives);
  }
}
