package io.streamner.eval;

/**
 * From a model's probabilities to decisions and losses, token by token: one place for the threshold
 * and for the clamped log loss, shared by the commands, the job and the demo monitor.
 */
public final class TokenDecisions {
  /**
   * A token is the entity when the model gives it at least this probability (unless told
   * otherwise).
   */
  public static final double THRESHOLD = 0.5;

  /** Keeps log(0) out of a loss when a probability rounds to exactly 0 or 1. */
  private static final double CLAMP = 1e-15;

  private TokenDecisions() {}

  public static boolean[] positives(double[] probabilities, double threshold) {
    boolean[] positive = new boolean[probabilities.length];
    for (int t = 0; t < positive.length; t++) positive[t] = probabilities[t] >= threshold;
    return positive;
  }

  /**
   * Eq. (11) of the spec for one token: -y log p - (1 - y) log(1 - p), p clamped away from 0 and 1.
   */
  public static double logLoss(double probability, int label) {
    double p = Math.min(Math.max(probability, CLAMP), 1 - CLAMP);
    return label == 1 ? -Math.log(p) : -Math.log(1 - p);
  }
}
