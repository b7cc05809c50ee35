package io.streamner.eval;

import java.util.List;
import java.util.Map;

/**
 * How well a typed tagger found several entity types in a corpus.
 *
 * @param types the types scored, in the model's order
 * @param entities strict entity-level scores (conlleval's definition): a predicted mention counts
 *     only when its start, end and type all equal a gold mention's; {@code overall} is the micro
 *     average over the types
 * @param tokens every token judged alone: right when its predicted type (prefix dropped) equals its
 *     gold type, for tokens of the types scored
 * @param tokenCount tokens scored
 */
public record TypedScores(
    List<String> types, PerType entities, PerType tokens, long tokenCount, long sentences) {

  /** Scores over all types and for each one. */
  public record PerType(Counts overall, Map<String, Counts> byType) {}
}
