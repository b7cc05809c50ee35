package io.streamner.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Words of a corpus worth a vector of their own: those seen at least {@code minCount} times. */
public final class VocabularyBuilder {
  private VocabularyBuilder() {}

  /**
   * Normalised words with count >= minCount, most frequent first (ties in order of first
   * appearance).
   */
  public static List<String> frequentWords(
      List<Sentence> sentences, TokenNormalizer normalizer, int minCount) {
    if (minCount < 1)
      throw new IllegalArgumentException("minimum count must be at least 1, got " + minCount);
    Map<String, Integer> counts = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (Sentence s : sentences) {
      for (String token : s.tokens()) {
        String w = normalizer.normalize(token);
        if (counts.merge(w, 1, Integer::sum) == 1) order.add(w);
      }
    }
    List<String> words = new ArrayList<>();
    for (String w : order) if (counts.get(w) >= minCount) words.add(w);
    words.sort(
        Comparator.comparing((String w) -> counts.get(w))
            .reversed()); // stable: first appearance breaks ties
    return words;
  }
}
