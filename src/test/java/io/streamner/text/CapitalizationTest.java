package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapitalizationTest {
  @ParameterizedTest
  @CsvSource({
    "paris, LOWER",
    "don't, LOWER",
    "東京, LOWER",
    "Paris, INITIAL_UPPER",
    "I, INITIAL_UPPER",
    "@Obama, INITIAL_UPPER",
    "#Paris2016, INITIAL_UPPER",
    "Élodie, INITIAL_UPPER",
    "US, ALL_UPPER",
    "U.S., ALL_UPPER",
    "NASA's, MIXED",
    "iPhone, MIXED",
    "McDonald, MIXED",
    "@BarackObama, MIXED",
    "2016, NO_LETTERS",
    "':-)', NO_LETTERS",
    "..., NO_LETTERS",
  })
  void classOfAToken(String token, Capitalization expected) {
    assertEquals(expected, Capitalization.of(token));
  }

  @Test
  void classesOfASentenceAreOrdinals() {
    assertArrayEquals(
        new int[] {1, 0, 2, 4}, Capitalization.of(List.of("Anna", "flew", "UK", "!")));
    assertEquals("initial_upper", Capitalization.INITIAL_UPPER.key());
  }
}
