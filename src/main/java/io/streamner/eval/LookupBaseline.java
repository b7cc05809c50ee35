package io.streamner.eval;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The majority-label lookup baseline: a word seen in training is tagged with the label it carried
 * most often there (ties go to label 0: "not the entity", or {@code O}); a word never seen gets
 * label 0. Any model worth training must beat it on the same data. For a binary model the labels
 * are 0 and 1, for a typed model the tags of its tag set.
 */
public final class LookupBaseline {
  private final TokenNormalizer normalizer;
  private final Map<String, int[]> counts; // word -> count of each label

  private LookupBaseline(TokenNormalizer normalizer, Map<String, int[]> counts) {
    this.normalizer = normalizer;
    this.counts = counts;
  }

  /** The baseline of a binary model of {@code entity}. */
  public static LookupBaseline train(
      List<Sentence> sentences, String entity, TokenNormalizer normalizer) {
    return train(sentences, 2, tags -> EntityTags.binaryLabels(tags, entity), normalizer);
  }

  /** The baseline of a typed model: the majority tag of each word, in the set's scheme. */
  public static LookupBaseline train(
      List<Sentence> sentences, TagSet tagSet, TokenNormalizer normalizer) {
    return train(sentences, tagSet.size(), tagSet::encode, normalizer);
  }

  private static LookupBaseline train(
      List<Sentence> sentences,
      int labels,
      Function<List<String>, int[]> labelling,
      TokenNormalizer normalizer) {
    Map<String, int[]> counts = new HashMap<>();
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      int[] y = labelling.apply(s.tags());
      for (int t = 0; t < y.length; t++) {
        counts
            .computeIfAbsent(normalizer.normalize(s.tokens().get(t)), w -> new int[labels])[y[t]]++;
      }
    }
    return new LookupBaseline(normalizer, counts);
  }

  /** The majority label of every token (0 for words never seen). */
  public int[] labels(List<String> tokens) {
    int[] predicted = new int[tokens.size()];
    for (int t = 0; t < predicted.length; t++) {
      int[] c = counts.get(normalizer.normalize(tokens.get(t)));
      if (c == null) continue;
      for (int label = 1; label < c.length; label++) {
        if (c[label] > c[predicted[t]]) predicted[t] = label;
      }
    }
    return predicted;
  }

  /** For a binary baseline: whether each token is the entity. */
  public boolean[] tag(List<String> tokens) {
    int[] labels = labels(tokens);
    boolean[] predicted = new boolean[labels.length];
    for (int t = 0; t < predicted.length; t++) predicted[t] = labels[t] != 0;
    return predicted;
  }
}
