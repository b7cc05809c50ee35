package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceTest {

  @Test
  void tagsMustLineUpWithTokens() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Sentence(List.of("a", "b"), List.of("O"), 7));
    assertTrue(
        e.getMessage().contains("line 7") && e.getMessage().contains("2 tokens but 1 tags"),
        e.getMessage());
  }

  @Test
  void unlabelledSentenceHasNullTags() {
    Sentence s = new Sentence(List.of("hello", "world"), null, 3);
    assertFalse(s.labelled());
    assertNull(s.tags());
    assertEquals(2, s.size());
  }

  @Test
  void labelledSentence() {
    assertTrue(new Sentence(List.of("Ann"), List.of("B-PER"), 1).labelled());
  }

  @Test
  void listsAreCopiedSoTheSentenceCannotChangeAfterValidation() {
    List<String> tokens = new ArrayList<>(List.of("a", "b"));
    List<String> tags = new ArrayList<>(List.of("O", "O"));
    Sentence s = new Sentence(tokens, tags, 0);
    tags.add("O");
    tokens.set(0, "changed");
    assertEquals(List.of("a", "b"), s.tokens());
    assertEquals(2, s.tags().size());
    assertThrows(UnsupportedOperationException.class, () -> s.tokens().add("c"));
  }

  @Test
  void rejectsNegativeLineAndNulls() {
    assertThrows(IllegalArgumentException.class, () -> new Sentence(List.of("a"), null, -1));
    assertThrows(NullPointerException.class, () -> new Sentence(null, null, 0));
  }
}
