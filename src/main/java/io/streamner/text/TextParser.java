package io.streamner.text;

import java.util.List;

/**
 * Reads plain text for tagging: one sentence per line, split into tokens by {@link SimpleTokenizer}
 * (the tokeniser of the score topic's {@code text}, so that a sentence is tagged alike on the
 * command line and on the stream), no tags.
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
    List<String> tokens = SimpleTokenizer.tokenize(line);
    if (!tokens.isEmpty()) {
      emit(new Sentence(tokens, null, number));
    }
  }
}
