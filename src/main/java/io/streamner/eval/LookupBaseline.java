package io.streamner.eval;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import io.streamner.text.TokenNormalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The majority-label lookup baseline: a word seen in training is tagged with the label it carried
 * most often there (ties go to "not the entity"); a word never seen is not the entity. Any model
 * worth training must beat it on the same data.
 */
public final class LookupBaseline {
  private final TokenNormalizer normalizer;
  private final Map<String, int[]> counts; // word -> {positive, total}

  private LookupBaseline(TokenNormalizer normalizer, Map<String, int[]> counts) {
    this.normalizer = normalizer;
    this.counts = counts;
  }

  public static LookupBaseline train(
      List<Sentence> sentences, String entity, TokenNormalizer normalizer) {
    Map<String, int[]> counts = new HashMap<>();
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      int[] labels = EntityTags.binaryLabels(s.tags(), entity);
      for (int t = 0; t < labels.length; t++) {
        int[] c = counts.computeIfAbsent(normalizer.normalize(s.tokens().get(t)), w -> new int[2]);
        c[0] += labels[t];
        c[1]++;
      }
    }
    return new LookupBaseline(normalizer, counts);
  }

  public boolean[] tag(List<String> tokens) {
    boolean[] predicted = new boolean[tokens.size()];
    for (int t = 0; t < predicted.length; t++) {
      int[] c = counts.get(normalizer.normalize(tokens.get(t)));
      predicted[t] = c != null && 2 * c[0] > c[1];
    }
    return predicted;
  }

  public int wordsSeen() {
    return counts.size();
  }
}
