package io.streamner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamner.text.Sentence;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTypedTest {
  private static Sentence sentence(String tokens, String tags) {
    return new Sentence(List.of(tokens.split(" ")), List.of(tags.split(" ")), 1);
  }

  private static List<String> tags(String spaceSeparated) {
    return List.of(spaceSeparated.split(" "));
  }

  /** conlleval: exact span and type, micro-averaged over types. */
  @Test
  void strictEntitiesNeedSpanAndType() {
    Sentence s = sentence("@ anna met John Smith in Paris", "B-PER B-PER O B-PER I-PER O B-LOC");
    TypedScores scores =
        Evaluator.evaluateTyped(
            List.of("PER", "LOC"), List.of(s), tokens -> tags("B-PER I-PER O B-PER I-PER O B-ORG"));
    // "@ anna" as one mention misses two gold mentions; John Smith right; Paris typed wrong, ORG
    // not scored
    assertEquals(new Counts(1, 1, 2), scores.entities().byType().get("PER"));
    assertEquals(new Counts(0, 0, 1), scores.entities().byType().get("LOC"));
    assertEquals(new Counts(1, 1, 3), scores.entities().overall());
    assertEquals(new Counts(4, 0, 0), scores.tokens().byType().get("PER"));
    assertEquals(new Counts(0, 0, 1), scores.tokens().byType().get("LOC"));
    assertEquals(7, scores.tokenCount());
  }

  @Test
  void goldInAnyScheme() {
    Sentence iob1 = sentence("John Smith Mary went", "I-PER I-PER B-PER O");
    TypedScores scores =
        Evaluator.evaluateTyped(
            List.of("person"), List.of(iob1), tokens -> tags("B-PER E-PER S-PER O"));
    assertEquals(new Counts(2, 0, 0), scores.entities().overall());
    assertEquals(1.0, scores.entities().overall().f1());
  }
}
