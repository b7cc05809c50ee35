package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.text.TagSet.Scheme;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagSetTest {
  private static final TagSet BIO = TagSet.of(Scheme.BIO, List.of("person", "LOC"));
  private static final TagSet BIOES = TagSet.of(Scheme.BIOES, List.of("PER", "location"));

  private static List<String> tags(String spaceSeparated) {
    return Arrays.asList(spaceSeparated.split(" "));
  }

  @Test
  void tagsAreOutsideThenEachTypesPrefixesInOrder() {
    assertEquals(List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC"), BIO.tags());
    assertEquals(
        List.of("O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"),
        BIOES.tags());
    assertEquals(9, BIOES.size());
    assertEquals("LOC", BIOES.type(7));
    assertEquals('E', BIOES.prefix(7));
  }

  /** Gold tags of any scheme become the set's own; types outside the set become O. */
  @Test
  void encodeRewritesAnySchemeIntoTheSetsOwn() {
    List<String> iob1 = tags("I-PER I-PER B-PER O I-LOC I-ORG I-LOC");
    assertEquals(
        List.of("B-PER", "I-PER", "B-PER", "O", "B-LOC", "O", "B-LOC"),
        BIO.labels(BIO.encode(iob1)));
    assertEquals(
        List.of("B-PER", "E-PER", "S-PER", "O", "S-LOC", "O", "S-LOC"),
        BIOES.labels(BIOES.encode(iob1)));
    List<String> btc = tags("B-PER B-PER O B-person I-person I-person");
    assertEquals(
        List.of("S-PER", "S-PER", "O", "B-PER", "I-PER", "E-PER"),
        BIOES.labels(BIOES.encode(btc)),
        "BTC's '@' and user name: two adjacent mentions");
  }

  @Test
  void mentionsOfEncodedTagsAreTheGoldMentions() {
    Random random = new Random(4);
    String[] vocabulary = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-PER", "PER"};
    for (int trial = 0; trial < 500; trial++) {
      String[] gold = new String[1 + random.nextInt(8)];
      for (int i = 0; i < gold.length; i++) gold[i] = vocabulary[random.nextInt(vocabulary.length)];
      List<Mention> expected = EntityTags.mentions(Arrays.asList(gold));
      for (TagSet set : List.of(BIO, BIOES)) {
        int[] ids = set.encode(Arrays.asList(gold));
        assertEquals(expected, set.mentions(ids), set.scheme() + " " + Arrays.toString(gold));
        assertTrue(wellFormed(set, ids), set.scheme() + " " + set.labels(ids));
      }
    }
  }

  /** Whether a tag may follow another, by scheme; a row a rule, with the case that breaks it. */
  @ParameterizedTest(name = "{0}: {1} -> {2} allowed: {3}")
  @CsvSource({
    "BIO, B-PER, I-PER, true",
    "BIO, I-PER, I-PER, true",
    "BIO, I-PER, B-PER, true", // a mention may follow another directly
    "BIO, O, I-PER, false",
    "BIO, B-LOC, I-PER, false",
    "BIOES, B-PER, E-PER, true",
    "BIOES, E-PER, S-PER, true",
    "BIOES, B-PER, O, false", // B- must be closed by E-
    "BIOES, I-PER, B-LOC, false",
    "BIOES, O, E-PER, false",
  })
  void transitionsFollowTheScheme(Scheme scheme, String previous, String next, boolean allowed) {
    TagSet set = scheme == Scheme.BIO ? BIO : BIOES;
    assertEquals(allowed, set.allowed(id(set, previous), id(set, next)));
  }

  @Test
  void aMentionStartsAndEndsAsTheSchemeSays() {
    assertFalse(BIO.canStart(id(BIO, "I-LOC")));
    assertTrue(BIO.canEnd(id(BIO, "B-PER")));
    assertFalse(BIOES.canEnd(id(BIOES, "I-PER")));
    assertTrue(BIOES.canEnd(id(BIOES, "S-PER")));
    assertFalse(BIOES.canStart(id(BIOES, "E-PER")));
  }

  /** The id of a tag in the set, by its label. */
  private static int id(TagSet set, String tag) {
    int id = set.tags().indexOf(tag);
    assertTrue(id >= 0, tag + " is not in " + set.tags());
    return id;
  }

  @Test
  void invalidSetsAreRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> TagSet.of(Scheme.BIO, List.of()));
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class, () -> TagSet.of(Scheme.BIO, List.of("PER", "person")));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TagSet.of(Scheme.BIO, List.of("B-PER")));
    assertThrows(IllegalArgumentException.class, () -> new TagSet(Scheme.BIO, List.of("person")));
    assertEquals(Scheme.BIOES, Scheme.parse(" bioes "));
    assertThrows(IllegalArgumentException.class, () -> Scheme.parse("IOB"));
    assertArrayEquals(new int[] {0, 0}, BIO.encode(tags("O B-ORG")));
  }

  private static boolean wellFormed(TagSet set, int[] ids) {
    if (ids.length == 0) return true;
    if (!set.canStart(ids[0]) || !set.canEnd(ids[ids.length - 1])) return false;
    for (int t = 1; t < ids.length; t++) if (!set.allowed(ids[t - 1], ids[t])) return false;
    return true;
  }
}
