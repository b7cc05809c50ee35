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
      Counts token = Counts.ofToken(probabilities[t] >= TokenDecisions.THRESHOLD, labels[t] == 1);
      double warm = m.tokensSeen == 0 ? 1 : ALPHA; // the first token sets the level
      m.recentLoss += warm * (loss - m.recentLoss);
      m.recentTruePositives += ALPHA * (token.truePositives() - m.recentTruePositives);
      m.recentFalsePositives += ALPHA * (token.falsePositives() - m.recentFalsePositives);
      m.recentFalseNegatives += ALPHA * (token.falseNegatives() - m.recentFalseNegatives);
      m.truePositives += token.truePositives();
      m.falsePositives += token.falsePositives();
      m.falseNegatives += token.falseNegatives();
      m.lossSum += loss;
      m.tokensSeen++;
    }
  }

  /** Precision over roughly the last 1/ALPHA tokens (exponentially weighted counts). */
  static double recentPrecision(ModelCheckpoint m) {
    return Counts.precision(m.recentTruePositives, m.recentFalsePositives);
  }

  static double recentRecall(ModelCheckpoint m) {
    return Counts.recall(m.recentTruePositives, m.recentFalseNegatives);
  }

  static double recentF1(ModelCheckpoint m) {
    return Counts.f1(recentPrecision(m), recentRecall(m));
  }

  static Counts total(ModelCheckpoint m) {
    return new Counts(m.truePositives, m.falsePositives, m.falseNegatives);
  }
}
