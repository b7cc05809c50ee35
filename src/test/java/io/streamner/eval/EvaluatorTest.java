package io.streamner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.text.Sentence;
import io.streamner.text.TokenNormalizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static Sentence sentence(String tokens, String tags) {
    return new Sentence(List.of(tokens.split(" ")), List.of(tags.split(" ")), 1);
  }

  /** One sentence scored against a tagger that answers {@code predicted}: each case's setup. */
  private static EntityScores scored(
      String entity, String tokens, String tags, boolean... predicted) {
    return Evaluator.evaluate(
        entity, List.of(sentence(tokens, tags)), sentenceTokens -> predicted.clone());
  }

  @Test
  void countsTokensSpansAndMentions() {
    EntityScores scores =
        scored("PER", "John Smith met Mary", "B-PER I-PER O B-PER", true, false, false, true);
    assertEquals(new Counts(2, 0, 1), scores.token());
    assertEquals(
        new Counts(1, 1, 1), scores.span()); // "John" is a partial span: one miss, one false alarm
    assertEquals(new Counts(1, 1, 1), scores.mention());
    assertEquals(4, scores.tokens());
    assertEquals(1, scores.sentences());
    assertEquals(1.0, scores.token().precision());
    assertEquals(2.0 / 3, scores.token().recall(), 1e-12);
    assertEquals(0.8, scores.token().f1(), 1e-12);
  }

  /** BTC tags "@" and the user name as two mentions; a binary tagger can only find the run. */
  @Test
  void adjacentMentionsAreOneSpanButTwoMentions() {
    EntityScores scores = scored("PERSON", "@ colgo hey", "B-PER B-PER O", true, true, false);
    assertEquals(new Counts(2, 0, 0), scores.token());
    assertEquals(new Counts(1, 0, 0), scores.span());
    assertEquals(new Counts(0, 1, 2), scores.mention());
    assertEquals("PER", scores.entity());
  }

  @Test
  void otherEntityTypesAreNegatives() {
    EntityScores scores =
        scored("PER", "Paris Hilton in Paris", "B-PER I-PER O B-LOC", true, true, false, true);
    assertEquals(new Counts(2, 1, 0), scores.token());
    assertEquals(new Counts(1, 1, 0), scores.span());
  }

  @Test
  void noPredictionsScoreZeroNotNaN() {
    EntityScores scores = scored("PER", "a b", "O B-PER", false, false);
    assertEquals(0.0, scores.token().precision());
    assertEquals(0.0, scores.token().f1());
    assertEquals(0.0, Counts.ZERO.f1());
  }

  @Test
  void lookupBaselineTagsTheMajorityLabelOfEachSeenWord() {
    List<Sentence> training =
        List.of(
            sentence("Jordan went to Jordan", "B-PER O O B-LOC"),
            sentence("Jordan smiled", "B-PER O"),
            sentence("Mary and Washington", "B-PER O B-LOC"),
            sentence("Washington said", "B-PER O"));
    LookupBaseline baseline = LookupBaseline.train(training, "PER", TokenNormalizer.defaults());
    // jordan: 2 of 3 PER -> PER; washington: 1 of 2 -> tie -> not; mary: PER; unseen: not;
    // case-blind
    boolean[] tagged = baseline.tag(List.of("JORDAN", "washington", "Mary", "Zed", "said"));
    assertTrue(tagged[0]);
    assertEquals(false, tagged[1]);
    assertTrue(tagged[2]);
    assertEquals(false, tagged[3]);
    assertEquals(false, tagged[4]);
  }
}
