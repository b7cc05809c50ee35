package io.streamner.model;

import io.streamner.text.Mention;
import io.streamner.text.TagSet;
import java.util.ArrayList;
import java.util.List;

/**
 * From the typed model's per-token tag probabilities to one tag per token and the mentions they
 * spell.
 *
 * <p>The window network scores each token on its own, so the most probable tag of each token can
 * spell an impossible sequence ({@code O I-PER}, or {@code B-PER I-LOC}). The decoder picks instead
 * the well-formed sequence (see {@link TagSet#allowed}) with the highest product of the tokens'
 * probabilities (eq. 52 of src/site/markdown/typed-model.md), by Viterbi's dynamic programme over
 * log probabilities: O(T K^2) for T tokens and K tags, a few microseconds a sentence. Where the
 * most probable tags are well formed, it returns them unchanged.
 */
public final class TagDecoder {
  /** Keeps log(0) out when a probability rounds to 0. */
  private static final double FLOOR = 1e-300;

  private TagDecoder() {}

  /** A decoded mention and the mean probability the model gave its tokens' decoded tags. */
  public record ScoredMention(Mention mention, double score) {}

  /**
   * One sentence decoded: what {@code tag} prints and a typed model's prediction carries.
   *
   * @param tags a tag id per token ({@link #decode})
   * @param probabilities per token, the probability of its decoded tag
   * @param mentions the mentions the tags spell, scored ({@link #mentions})
   */
  public record Sentence(int[] tags, double[] probabilities, List<ScoredMention> mentions) {}

  /** Decodes a sentence's tag probabilities into its tags, their probabilities and mentions. */
  public static Sentence decodeSentence(TagSet tags, double[][] probabilities) {
    int[] decoded = decode(tags, probabilities);
    double[] chosen = new double[decoded.length];
    for (int t = 0; t < decoded.length; t++) chosen[t] = probabilities[t][decoded[t]];
    return new Sentence(decoded, chosen, mentions(tags, decoded, probabilities));
  }

  /**
   * The best well-formed tag sequence.
   *
   * @param probabilities {@code probabilities[t][tag]}, one row per token (rows sum to 1)
   * @return a tag id per token
   */
  public static int[] decode(TagSet tags, double[][] probabilities) {
    int n = probabilities.length;
    int k = tags.size();
    int[] best = new int[n];
    if (n == 0) return best;
    boolean[][] allowed = new boolean[k][k];
    for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) allowed[a][b] = tags.allowed(a, b);
    double[] score = new double[k];
    double[] next = new double[k];
    int[][] back = new int[n][k];
    for (int b = 0; b < k; b++) {
      score[b] = tags.canStart(b) ? log(probabilities[0][b]) : Double.NEGATIVE_INFINITY;
    }
    for (int t = 1; t < n; t++) {
      for (int b = 0; b < k; b++) {
        double top = Double.NEGATIVE_INFINITY;
        int from = 0;
        for (int a = 0; a < k; a++) {
          if (allowed[a][b] && score[a] > top) {
            top = score[a];
            from = a;
          }
        }
        next[b] = top + log(probabilities[t][b]);
        back[t][b] = from;
      }
      double[] swap = score;
      score = next;
      next = swap;
    }
    double top = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < k; b++) {
      if (tags.canEnd(b) && score[b] > top) {
        top = score[b];
        best[n - 1] = b;
      }
    }
    for (int t = n - 1; t > 0; t--) best[t - 1] = back[t][best[t]];
    return best;
  }

  /** The mentions of decoded tags, each scored by the mean probability of its tokens' tags. */
  public static List<ScoredMention> mentions(TagSet tags, int[] decoded, double[][] probabilities) {
    List<ScoredMention> scored = new ArrayList<>();
    for (Mention m : tags.mentions(decoded)) {
      double sum = 0;
      for (int t = m.start(); t < m.end(); t++) sum += probabilities[t][decoded[t]];
      scored.add(new ScoredMention(m, sum / (m.end() - m.start())));
    }
    return scored;
  }

  private static double log(double p) {
    return Math.log(Math.max(p, FLOOR));
  }
}
