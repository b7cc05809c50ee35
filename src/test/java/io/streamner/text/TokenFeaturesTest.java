package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.text.TokenFeatures.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenFeaturesTest {
  private static final TokenFeatures ALL = new TokenFeatures(EnumSet.allOf(Kind.class), 2048);

  @ParameterizedTest
  @CsvSource({
    "McDonald, XxXx",
    "2016, d",
    "@user_1, @x_d",
    "U.S., X.X.",
    "NASA, X",
    "iPhone, xXx",
    "..., ...",
  })
  void theShapeCollapsesRunsOfLettersAndDigitsButKeepsPunctuation(String token, String shape) {
    assertEquals(shape, TokenFeatures.shape(token));
  }

  @Test
  void affixesCountCodePointsAndAShortTokenIsItsOwnAffix() {
    assertEquals("ma", TokenFeatures.affix("manchester", 2, true));
    assertEquals("ter", TokenFeatures.affix("manchester", 3, false));
    assertEquals("ab", TokenFeatures.affix("ab", 4, false));
    // an emoji is one code point and two chars: never cut in half
    assertEquals("a\uD83D\uDE00", TokenFeatures.affix("xya\uD83D\uDE00", 2, false));
  }

  @Test
  void capitalisationOnlyIsTheSixClassesAndOneLookup() {
    TokenFeatures none = TokenFeatures.none();
    assertEquals(6, none.rows());
    assertEquals(1, none.lookups());
    assertArrayEquals(
        new int[] {Capitalization.INITIAL_UPPER.ordinal(), Capitalization.LOWER.ordinal()},
        none.rows(List.of("Paris", "is")));
    assertArrayEquals(new int[] {Capitalization.PADDING.ordinal()}, none.paddingRows());
  }

  @Test
  void eachTokenLooksUpItsClassShapeThreePrefixesAndThreeSuffixesInsideTheTable() {
    assertEquals(8, ALL.lookups());
    assertEquals(6 + 2048, ALL.rows());
    int[] rows = ALL.rows(List.of("Manchester", "United", "!"));
    assertEquals(3 * 8, rows.length);
    assertEquals(Capitalization.INITIAL_UPPER.ordinal(), rows[0]);
    for (int i = 0; i < rows.length; i++) {
      if (i % 8 == 0) continue;
      assertTrue(rows[i] >= 6 && rows[i] < ALL.rows(), "row " + rows[i]);
    }
    // "Manchester" and "United" share their shape Xx, so its row
    assertEquals(rows[1], rows[8 + 1]);
  }

  @Test
  void theRowsDependOnlyOnTheTokenAndTheFeatures() {
    int[] once = ALL.rows(List.of("Obama", "visits", "Paris"));
    assertArrayEquals(once, ALL.rows(List.of("Obama", "visits", "Paris")));
    int[] paris = ALL.rows(List.of("Paris"));
    int[] inSentence = ALL.rows(List.of("Obama", "Paris"));
    for (int i = 0; i < 8; i++) assertEquals(paris[i], inSentence[8 + i]);
  }

  @Test
  void theRowsAreFixedByTheirDefinitionSoThatModelFilesKeepTheirMeaning() {
    // Rows a model file's E was trained with: computed once, FNV-1a 64 of "feature:key".
    assertArrayEquals(
        new int[] {
          1, 1722, 325, 1438, 532, 221, 118, 688, 0, 809, 892, 249, 606, 147, 1591, 1616, 4, 1142,
          1697, 1146, 935, 230, 1049, 1458, 0, 1450, 577, 338, 947, 654, 797, 112, 2, 1034, 1991,
          759, 1830, 121, 735, 1977, 0, 289, 1163, 446, 1669, 555, 1847, 740
        },
        ALL.rows(List.of("Manchester", "@anna_r", "2026", "x", "\u00c9COLE", "a\uD83D\uDE00b")));
    assertArrayEquals(new int[] {5, 1250, 793, 1338, 1547, 870, 981, 744}, ALL.paddingRows());
    TokenFeatures suffixes = new TokenFeatures(EnumSet.of(Kind.SUFFIX), 64);
    assertArrayEquals(
        new int[] {1, 29, 54, 48, 0, 33, 65, 26}, suffixes.rows(List.of("Manchester", "runs")));
  }

  @Test
  void paddingHasRowsOfItsOwn() {
    int[] padding = ALL.paddingRows();
    assertEquals(8, padding.length);
    assertEquals(Capitalization.PADDING.ordinal(), padding[0]);
    // the padding's shape key is none a token has; with 2048 buckets it lands apart from "x"'s
    assertNotEquals(ALL.rows(List.of("x"))[1], padding[1]);
  }

  @Test
  void listsParseCaseInsensitivelyAndUnknownNamesAreRefusedByName() {
    assertEquals(EnumSet.of(Kind.SHAPE, Kind.SUFFIX), TokenFeatures.parse("Suffix, shape"));
    assertEquals(Set.of(), TokenFeatures.parse(""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenFeatures.parse("shape,stem"));
    assertTrue(e.getMessage().contains("'stem'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TokenFeatures(Set.of(Kind.SHAPE), 0));
  }
}
