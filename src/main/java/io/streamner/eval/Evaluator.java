package io.streamner.eval;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import io.streamner.text.Span;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Scores any binary tagger (the model, the baseline) against the gold tags of a corpus. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * @param tagger for a sentence's tokens, whether each one is predicted to be the entity
   */
  public static Scores evaluate(
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
    return new Scores(type, token, span, mention, tokens, scored);
  }

  private static Counts match(List<Span> gold, List<Span> predicted) {
    Set<Span> goldSet = new HashSet<>(gold);
    long hits = predicted.stream().filter(goldSet::contains).count();
    return new Counts(hits, predicted.size() - hits, goldSet.size() - hits);
  }
}
