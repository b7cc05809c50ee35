package io.streamner.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads plain text for tagging: one sentence per line, tokens split on whitespace, no tags.
 *
 * <p>Sentences come out unlabelled ({@code tags == null}) even if the lines happen to look like
 * {@code word TAG}, so a labelled file read as text can never pass for training data. Blank lines
 * separate nothing and are ignored.
 */
final class TextParser extends LineParser {

  @Override
  void accept(long number, String line) {
    if (unusable(number, line)) {
      return;
    }
    List<String> tokens = tokenize(line);
    if (!tokens.isEmpty()) {
      emit(new Sentence(tokens, null, number));
    }
  }

  /** Splits on any Unicode space, including the no-break spaces that plain split("\\s+") misses. */
  static List<String> tokenize(String line) {
    List<String> tokens = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= line.length(); i++) {
      boolean space = i == line.length() || isSpace(line.charAt(i));
      if (space && start >= 0) {
        tokens.add(line.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return tokens;
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
