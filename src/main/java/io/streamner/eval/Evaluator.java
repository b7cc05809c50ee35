package io.streamner.eval;

import io.streamner.text.EntityTags;
import io.streamner.text.Mention;
import io.streamner.text.Sentence;
import io.streamner.text.Span;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * EntityScores a tagger against the gold tags of a corpus: a binary tagger (a binary model, the
 * lookup baseline) on one entity type at the token, span and mention level ({@link #evaluate}), or
 * a typed one (the typed model, several binary models combined) per type and overall at the entity
 * level (strict, as conlleval) and the token level ({@link #evaluateTyped}; mentions of types the
 * tagger does not tag are left out on both sides).
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * @param tagger for a sentence's tokens, whether each one is predicted to be the entity
   */
  public static EntityScores evaluate(
      String entity, List<Sentence> sentences, Function<List<String>, boolean[]> tagger) {
    String type = EntityTags.canonicalEntity(entity);
    Counts token = Counts.ZERO, span = Counts.ZERO, mention = Counts.ZERO;
    long tokens = 0, scored = 0;
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      boolean[] predicted = tagger.apply(s.tokens());
      int[] gold = EntityTags.binaryLabels(s.tags(), type);
      token = token.plus(Counts.of(predicted, gold));
      List<Span> predictedSpans = EntityTags.spansOfPositives(predicted);
      span = span.plus(match(EntityTags.spansOfPositives(gold), predictedSpans));
      mention = mention.plus(match(EntityTags.spans(s.tags(), type), predictedSpans));
      tokens += gold.length;
      scored++;
    }
    return new EntityScores(type, token, span, mention, tokens, scored);
  }

  private static Counts match(List<Span> gold, List<Span> predicted) {
    Set<Span> goldSet = new HashSet<>(gold);
    long hits = predicted.stream().filter(goldSet::contains).count();
    return new Counts(hits, predicted.size() - hits, goldSet.size() - hits);
  }

  /**
   * @param types canonical types to score
   * @param tagger for a sentence's tokens, one predicted tag per token (any scheme, read as
   *     conlleval reads it: {@link EntityTags#mentions})
   */
  public static TypedScores evaluateTyped(
      List<String> types, List<Sentence> sentences, Function<List<String>, List<String>> tagger) {
    Map<String, long[]> entity = counters(types);
    Map<String, long[]> token = counters(types);
    long tokens = 0, scored = 0;
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      List<String> predicted = tagger.apply(s.tokens());
      if (predicted.size() != s.size()) {
        throw new IllegalStateException(
            "the tagger gave " + predicted.size() + " tags for " + s.size() + " tokens");
      }
      Set<Mention> gold = new HashSet<>(EntityTags.mentions(s.tags()));
      for (Mention m : EntityTags.mentions(predicted)) {
        long[] c = entity.get(m.type());
        if (c == null) continue;
        if (gold.remove(m)) c[0]++;
        else c[1]++;
      }
      for (Mention missed : gold) {
        long[] c = entity.get(missed.type());
        if (c != null) c[2]++;
      }
      for (int t = 0; t < s.size(); t++) {
        String g = EntityTags.typeOf(s.tags().get(t));
        String p = EntityTags.typeOf(predicted.get(t));
        if (p != null && p.equals(g)) {
          if (token.containsKey(p)) token.get(p)[0]++;
          continue;
        }
        if (p != null && token.containsKey(p)) token.get(p)[1]++;
        if (g != null && token.containsKey(g)) token.get(g)[2]++;
      }
      tokens += s.size();
      scored++;
    }
    return new TypedScores(types, perType(entity), perType(token), tokens, scored);
  }

  private static Map<String, long[]> counters(List<String> types) {
    Map<String, long[]> counters = new LinkedHashMap<>();
    for (String type : types) counters.put(EntityTags.canonicalEntity(type), new long[3]);
    return counters;
  }

  private static TypedScores.PerType perType(Map<String, long[]> counters) {
    Map<String, Counts> byType = new LinkedHashMap<>();
    Counts overall = Counts.ZERO;
    for (Map.Entry<String, long[]> e : counters.entrySet()) {
      long[] c = e.getValue();
      Counts counts = new Counts(c[0], c[1], c[2]);
      byType.put(e.getKey(), counts);
      overall = overall.plus(counts);
    }
    return new TypedScores.PerType(overall, byType);
  }
}
