package io.streamner.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * True positives, false positives and false negatives of the positive class, and the precision,
 * recall and F1 they give. Zero denominators give zero, not NaN: a model that predicts nothing has
 * precision 0. In JSON (the commands' --json) the three scores come first, then the counts.
 */
@JsonPropertyOrder({"precision", "recall", "f1"})
public record Counts(long truePositives, long falsePositives, long falseNegatives) {
  public static final Counts ZERO = new Counts(0, 0, 0);

  /** The counts of one sentence: predicted decisions against gold labels (1 = entity). */
  public static Counts of(boolean[] predicted, int[] gold) {
    long tp = 0, fp = 0, fn = 0;
    for (int t = 0; t < gold.length; t++) {
      boolean g = gold[t] == 1;
      if (predicted[t] && g) tp++;
      else if (predicted[t]) fp++;
      else if (g) fn++;
    }
    return new Counts(tp, fp, fn);
  }

  /** The counts of one token: a true positive, a false positive, a false negative or none. */
  public static Counts ofToken(boolean predicted, boolean gold) {
    return predicted ? (gold ? TRUE_POSITIVE : FALSE_POSITIVE) : (gold ? FALSE_NEGATIVE : ZERO);
  }

  private static final Counts TRUE_POSITIVE = new Counts(1, 0, 0);
  private static final Counts FALSE_POSITIVE = new Counts(0, 1, 0);
  private static final Counts FALSE_NEGATIVE = new Counts(0, 0, 1);

  public Counts plus(Counts o) {
    return new Counts(
        truePositives + o.truePositives,
        falsePositives + o.falsePositives,
        falseNegatives + o.falseNegatives);
  }

  @JsonProperty
  public double precision() {
    return precision(truePositives, falsePositives);
  }

  @JsonProperty
  public double recall() {
    return recall(truePositives, falseNegatives);
  }

  @JsonProperty
  public double f1() {
    return f1(precision(), recall());
  }

  /** Precision of counts that may be weighted (fractional); 0 when nothing was predicted. */
  public static double precision(double truePositives, double falsePositives) {
    double predicted = truePositives + falsePositives;
    return predicted == 0 ? 0 : truePositives / predicted;
  }

  /** Recall of counts that may be weighted; 0 when there was nothing to find. */
  public static double recall(double truePositives, double falseNegatives) {
    double actual = truePositives + falseNegatives;
    return actual == 0 ? 0 : truePositives / actual;
  }

  /** The harmonic mean of a precision and a recall; 0 when both are. */
  public static double f1(double precision, double recall) {
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }

  @Override
  public String toString() {
    return String.format("P %.4f  R %.4f  F1 %.4f", precision(), recall(), f1());
  }
}
