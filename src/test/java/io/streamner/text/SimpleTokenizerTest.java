package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented rules of {@link SimpleTokenizer}, one case per rule, and its linear cost. */
class SimpleTokenizerTest {

  /** Tokens joined by a vertical bar, which none of the cases contain. */
  private static String split(String text) {
    return String.join("|", SimpleTokenizer.tokenize(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '¦',
      quoteCharacter = '`',
      value = {
        "I met Anna.                                 ¦ I|met|Anna|.",
        "(see http://x.com/a?b=1).                   ¦ (|see|http://x.com/a?b=1|)|.",
        "go to https://example.com/ now              ¦ go|to|https://example.com/|now",
        "www.example.com, then                       ¦ www.example.com|,|then",
        "https://en.wikipedia.org/wiki/Anna_(name)   ¦ https://en.wikipedia.org/wiki/Anna_(name)",
        "@anna: hi #NER2025!                         ¦ @anna|:|hi|#NER2025|!",
        "(@anna)                                     ¦ (|@anna|)",
        "mail anna.lee@example.com.                  ¦ mail|anna.lee@example.com|.",
        "3.5 1,000 -2 +44 50% 10.5%.                 ¦ 3.5|1,000|-2|+44|50%|10.5%|.",
        "rose 1,000,                                 ¦ rose|1,000|,",
        "the U.S. and e.g. this.                     ¦ the|U.S.|and|e.g.|this|.",
        "plan A.                                     ¦ plan|A|.",
        "wow!!! ... :-) ?!                           ¦ wow|!!!|...|:-)|?!",
        "`\"Anna\",`                                 ¦ `\"|Anna|\"|,`",
        "“quoted” ‘too’                              ¦ “|quoted|”|‘|too|’",
        "don't e-mail rock'n'roll                    ¦ don't|e-mail|rock'n'roll",
        "f(x)) ok                                    ¦ f(x)|)|ok",
        "(Anna!!)                                    ¦ (|Anna|!!|)",
        "--Anna--                                    ¦ --|Anna|--",
        "great😀!                                     ¦ great😀|!",
        "$3.5 <3 _x_                                 ¦ $3.5|<3|_x_",
        "# @ -                                       ¦ #|@|-",
        "Obama's team, @nasa's. it's NASA’S          ¦ Obama|'s|team|,|@nasa|'s|.|it|'s|NASA|’S",
        "'s x's http://x.com/it's                    ¦ 's|x|'s|http://x.com/it's",
      })
  void splitsAsDocumented(String text, String expected) {
    assertEquals(expected, split(text));
  }

  @Test
  void anyWhiteSpaceSeparatesTokens() {
    assertEquals("Anna|met|Bob", split("  Anna \t met\nBob\r\n"));
    assertEquals("a|b|c|d", split("a\u00A0b\u202Fc\u2003d"));
  }

  @Test
  void blankTextHasNoTokens() {
    assertEquals(List.of(), SimpleTokenizer.tokenize(""));
    assertEquals(List.of(), SimpleTokenizer.tokenize(" \t\n\u00A0 "));
  }

  @Test
  void supplementaryLettersAreNotSplit() {
    assertEquals("𝒜nna|.", split("𝒜nna."));
  }

  /**
   * Peeling keeps running counts, so a piece of a million punctuation runs is linear, not
   * quadratic.
   */
  @Test
  void longPunctuationTailIsLinear() {
    String piece = "a" + ".,".repeat(500_000) + ")".repeat(100_000);
    long start = System.nanoTime();
    int[] count = {0};
    SimpleTokenizer.tokenize(piece, t -> count[0]++);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(1 + 1_000_000 + 100_000, count[0]);
    assertTrue(millis < 10_000, "took " + millis + " ms");
  }

  @Test
  void longAbbreviationDoesNotOverflowTheStack() {
    String abbreviation = "a.".repeat(1_000_000);
    assertEquals(List.of(abbreviation), SimpleTokenizer.tokenize(abbreviation));
  }
}
