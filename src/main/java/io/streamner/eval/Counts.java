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

  public Counts plus(Counts o) {
    return new Counts(
        truePositives + o.truePositives,
        falsePositives + o.falsePositives,
        falseNegatives + o.falseNegatives);
  }

  @JsonProperty
  public double precision() {
    long predicted = truePositives + falsePositives;
    return predicted == 0 ? 0 : (double) truePositives / predicted;
  }

  @JsonProperty
  public double recall() {
    long actual = truePositives + falseNegatives;
    return actual == 0 ? 0 : (double) truePositives / actual;
  }

  @JsonProperty
  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  @Override
  public String toString() {
    return String.format("P %.4f  R %.4f  F1 %.4f", precision(), recall(), f1());
  }
}
