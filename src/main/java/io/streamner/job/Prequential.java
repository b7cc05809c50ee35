package io.streamner.job;

import io.streamner.eval.Counts;
import io.streamner.eval.TokenDecisions;
import io.streamner.text.Mention;
import io.streamner.text.TagSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Test-then-train quality of a model: every labelled token is scored before the model trains on it.
 * "Recent" figures weigh each new token by {@link #ALPHA}, so they follow roughly the last 1/ALPHA
 * tokens; the totals cover the whole stream.
 *
 * <p>A binary model counts tokens (precision, recall and F1 of its type, each token alone); a typed
 * model counts entities, strictly as {@code eval} and conlleval do: a predicted mention is right
 * when its start, end and type are a gold mention's. Its loss is the cross-entropy of the gold tag.
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

  /**
   * Folds one sentence of a typed model into the checkpoint: the decoded tags (before training)
   * against the gold tags, both as tag ids of {@code tagSet}. Every token ages the recent figures
   * by one step, as in {@link #record}, and the sentence's entity counts are added at its end.
   */
  static void recordTyped(
      ModelCheckpoint m, TagSet tagSet, double[][] probabilities, int[] decoded, int[] gold) {
    for (int t = 0; t < gold.length; t++) {
      double loss = TokenDecisions.logLoss(probabilities[t][gold[t]], 1);
      double warm = m.tokensSeen == 0 ? 1 : ALPHA;
      m.recentLoss += warm * (loss - m.recentLoss);
      m.recentTruePositives -= ALPHA * m.recentTruePositives;
      m.recentFalsePositives -= ALPHA * m.recentFalsePositives;
      m.recentFalseNegatives -= ALPHA * m.recentFalseNegatives;
      m.lossSum += loss;
      m.tokensSeen++;
    }
    Set<Mention> predicted = new HashSet<>(tagSet.mentions(decoded));
    List<Mention> expected = tagSet.mentions(gold);
    long right = expected.stream().filter(predicted::contains).count();
    m.recentTruePositives += ALPHA * right;
    m.recentFalsePositives += ALPHA * (predicted.size() - right);
    m.recentFalseNegatives += ALPHA * (expected.size() - right);
    m.truePositives += right;
    m.falsePositives += predicted.size() - right;
    m.falseNegatives += expected.size() - right;
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
