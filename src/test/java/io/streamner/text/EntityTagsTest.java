package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagsTest {

  private static List<String> tags(String spaceSeparated) {
    return Arrays.asList(spaceSeparated.split(" "));
  }

  private static List<Span> spans(int... startEndPairs) {
    Span[] spans = new Span[startEndPairs.length / 2];
    for (int i = 0; i < spans.length; i++) {
      spans[i] = new Span(startEndPairs[2 * i], startEndPairs[2 * i + 1]);
    }
    return List.of(spans);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "O",
        "o",
        "B-PER",
        "I-PER",
        "b-per",
        "E-LOC",
        "S-ORG",
        "L-MISC",
        "U-X",
        "B-creative-work",
        "I-corporation",
        "PERSON",
        "PER",
        "person",
        "creative-work",
        "GPE_2",
        "B-X1"
      })
  void acceptsWellFormedTags(String tag) {
    assertTrue(EntityTags.isValidTag(tag), tag);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "0",
        "B-",
        "-",
        "X-Y-",
        "B--PER",
        "-PER",
        "1PER",
        "B-1",
        "I-O",
        "B PER",
        "PER ",
        "B-PER-",
        "creative--work",
        "é"
      })
  void rejectsBrokenTags(String tag) {
    assertFalse(EntityTags.isValidTag(tag), tag);
  }

  @Test
  void nullIsNotATag() {
    assertFalse(EntityTags.isValidTag(null));
  }

  @ParameterizedTest
  @CsvSource({
    "B-PER, PER",
    "I-PER, PER",
    "PER, PER",
    "PERSON, PER",
    "person, PER",
    "B-person, PER",
    "I-PERSON, PER",
    "pers, PER",
    "S-Person, PER",
    "LOCATION, LOC",
    "B-location, LOC",
    "I-LOC, LOC",
    "ORGANIZATION, ORG",
    "organisation, ORG",
    "B-ORG, ORG",
    "MISCELLANEOUS, MISC",
    "I-MISC, MISC",
    "B-creative-work, CREATIVE-WORK",
    "I-corporation, CORPORATION",
    "group, GROUP"
  })
  void typeOfFoldsPrefixCaseAndAliases(String tag, String type) {
    assertEquals(type, EntityTags.typeOf(tag));
  }

  @Test
  void typeOfOutsideIsNull() {
    assertNull(EntityTags.typeOf("O"));
    assertNull(EntityTags.typeOf("o"));
  }

  @Test
  void typeOfRejectsInvalidTag() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EntityTags.typeOf("B-"));
    assertTrue(e.getMessage().contains("'B-'"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "PER, PER",
    "per, PER",
    "person, PER",
    " Person , PER",
    "location, LOC",
    "organisation, ORG",
    "misc, MISC",
    "creative-work, CREATIVE-WORK",
    "product, PRODUCT"
  })
  void canonicalEntityFoldsUserInput(String entity, String canonical) {
    assertEquals(canonical, EntityTags.canonicalEntity(entity));
  }

  /** A name that is no entity type, and what the message must say of it (parts split by "; "). */
  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      nullValues = "NULL",
      value = {
        "``       | empty",
        "NULL     | empty",
        "O        | outside",
        "B-person | not an entity type; 'PER'",
        "per son  | 'per son'",
      })
  void canonicalEntityExplainsWhatIsWrong(String entity, String mentions) {
    String message =
        assertThrows(IllegalArgumentException.class, () -> EntityTags.canonicalEntity(entity))
            .getMessage();
    for (String part : mentions.split("; ")) assertTrue(message.contains(part), message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PER",
        "B-PER",
        "I-PER",
        "PERSON",
        "person",
        "B-person",
        "I-PERSON",
        "s-per",
        "E-Pers"
      })
  void personTagsArePositiveForPer(String tag) {
    assertTrue(EntityTags.isPositive(tag, "PER"), tag);
    assertTrue(EntityTags.isPositive(tag, "person"), tag);
  }

  @ParameterizedTest
  @ValueSource(strings = {"O", "B-LOC", "I-ORG", "PERSONAL", "B-PERIOD", "MISC"})
  void otherTagsAreNegativeForPer(String tag) {
    assertFalse(EntityTags.isPositive(tag, "PER"), tag);
  }

  @Test
  void isPositiveRejectsBadInputInsteadOfGuessing() {
    assertThrows(IllegalArgumentException.class, () -> EntityTags.isPositive("0", "PER"));
    assertThrows(IllegalArgumentException.class, () -> EntityTags.isPositive("B-PER", "B-PER"));
  }

  @Test
  void binaryLabelsMarkTokensOfTheEntity() {
    assertArrayEquals(
        new int[] {1, 1, 0, 0, 1, 0},
        EntityTags.binaryLabels(tags("B-person I-person O B-location PERSON O"), "PER"));
    assertArrayEquals(
        new int[] {0, 0, 0, 1, 0, 0},
        EntityTags.binaryLabels(tags("B-person I-person O B-location PERSON O"), "location"));
    assertArrayEquals(new int[0], EntityTags.binaryLabels(List.of(), "PER"));
  }

  @Test
  void iob1AdjacentMentionsAreSplitOnlyByB() {
    assertEquals(spans(0, 2, 2, 3), EntityTags.spans(tags("I-PER I-PER B-PER"), "PER"));
    assertEquals(spans(1, 3, 4, 5), EntityTags.spans(tags("O I-PER I-PER O I-PER"), "PER"));
  }

  @Test
  void bioMentions() {
    assertEquals(
        spans(0, 2, 3, 4, 4, 6), EntityTags.spans(tags("B-PER I-PER O B-PER B-PER I-PER"), "PER"));
    assertEquals(spans(0, 2), EntityTags.spans(tags("B-PER I-PER B-LOC I-LOC"), "PER"));
    assertEquals(spans(2, 4), EntityTags.spans(tags("B-PER I-PER B-LOC I-LOC"), "LOC"));
  }

  @Test
  void anotherTypeEndsTheMentionAndAStrayIStartsOne() {
    assertEquals(spans(0, 1, 2, 3), EntityTags.spans(tags("B-PER I-LOC I-PER"), "PER"));
  }

  @Test
  void ioMentionsAreRunsOfTheBareType() {
    assertEquals(spans(0, 2, 3, 4), EntityTags.spans(tags("PERSON PERSON O PERSON"), "PER"));
    assertEquals(spans(1, 3), EntityTags.spans(tags("O PER PER LOC"), "PER"));
  }

  @Test
  void bioesAndBilouMentions() {
    assertEquals(
        spans(0, 3, 3, 4, 5, 6), EntityTags.spans(tags("B-PER I-PER E-PER S-PER O U-PER"), "PER"));
    assertEquals(spans(0, 2, 2, 3), EntityTags.spans(tags("B-PER L-PER I-PER"), "PER"));
    assertEquals(spans(0, 1, 1, 2), EntityTags.spans(tags("I-PER S-PER"), "PER"));
  }

  @Test
  void spansIgnoreCaseAndAliases() {
    assertEquals(spans(0, 2, 3, 4), EntityTags.spans(tags("B-person I-PERSON o b-Per"), "per"));
    assertEquals(
        spans(1, 3), EntityTags.spans(tags("O B-creative-work I-creative-work"), "CREATIVE-WORK"));
  }

  @Test
  void mentionAtTheEndIsClosed() {
    assertEquals(spans(2, 4), EntityTags.spans(tags("O O B-PER I-PER"), "PER"));
    assertEquals(List.of(), EntityTags.spans(List.of(), "PER"));
  }

  @Test
  void spansRejectInvalidTags() {
    assertThrows(IllegalArgumentException.class, () -> EntityTags.spans(tags("B-PER 0"), "PER"));
  }

  @Test
  void predictedMentionsAreMaximalPositiveRuns() {
    assertEquals(
        spans(0, 2, 3, 4), EntityTags.spansOfPositives(new boolean[] {true, true, false, true}));
    assertEquals(spans(1, 4), EntityTags.spansOfPositives(new int[] {0, 1, 1, 1, 0}));
    assertEquals(List.of(), EntityTags.spansOfPositives(new int[] {0, 0}));
    assertEquals(List.of(), EntityTags.spansOfPositives(new boolean[0]));
  }

  @Test
  void countTypesFoldsAliasesSkipsOutsideAndUnlabelled() {
    List<Sentence> sentences =
        List.of(
            new Sentence(
                List.of("Ann", "Lee", "in", "Paris"), List.of("B-PER", "I-PER", "O", "B-LOC"), 1),
            new Sentence(List.of("Bob"), List.of("PERSON"), 6),
            new Sentence(List.of("untagged", "text"), null, 8));
    Map<String, Integer> counts = EntityTags.countTypes(sentences);
    assertEquals(Map.of("PER", 3, "LOC", 1), counts);
    assertEquals(List.of("PER", "LOC"), List.copyOf(counts.keySet()), "most frequent first");
  }

  @Test
  void spanRejectsEmptyRange() {
    assertThrows(IllegalArgumentException.class, () -> new Span(2, 2));
    assertThrows(IllegalArgumentException.class, () -> new Span(-1, 2));
    assertEquals(3, new Span(1, 4).length());
  }

  @Test
  void mentionsAreTheSpansOfEveryTypeWithTheirType() {
    String[] vocabulary = {"O", "B-PER", "I-PER", "E-PER", "S-LOC", "I-LOC", "LOC", "U-PER"};
    java.util.Random random = new java.util.Random(8);
    for (int trial = 0; trial < 1000; trial++) {
      String[] tags = new String[1 + random.nextInt(9)];
      for (int i = 0; i < tags.length; i++) tags[i] = vocabulary[random.nextInt(vocabulary.length)];
      List<Mention> mentions = EntityTags.mentions(Arrays.asList(tags));
      for (String type : List.of("PER", "LOC")) {
        assertEquals(
            EntityTags.spans(Arrays.asList(tags), type),
            mentions.stream().filter(m -> m.type().equals(type)).map(Mention::span).toList(),
            Arrays.toString(tags));
      }
    }
    assertEquals(
        List.of(new Mention("PER", 0, 2), new Mention("LOC", 2, 3), new Mention("PER", 3, 4)),
        EntityTags.mentions(tags("B-PER I-PER I-LOC B-person")));
  }
}
