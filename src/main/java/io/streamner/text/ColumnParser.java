package io.streamner.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the line-per-token formats: {@link CorpusFormat#TSV} ({@code token<TAB>tag}) and {@link
 * CorpusFormat#CONLL2003} ({@code word POS chunk NER}).
 *
 * <p>An empty line, or a line made only of tabs (a row of empty cells, which WNUT-17 uses between
 * tweets), ends the sentence. Any other bad line is dropped on its own and reported, and the
 * sentence goes on: losing one token is better than losing the whole tweet, and far better than
 * splitting it in two at a stray space.
 */
final class ColumnParser extends LineParser {

  private static final String DOCSTART = "-DOCSTART-";
  private static final Pattern CONLL_SEPARATOR = Pattern.compile("[ \t]+");

  private final boolean conll;
  private final List<String> tokens = new ArrayList<>();
  private final List<String> tags = new ArrayList<>();
  private long firstLine;

  ColumnParser(CorpusFormat format) {
    if (format != CorpusFormat.TSV && format != CorpusFormat.CONLL2003) {
      throw new IllegalArgumentException("not a column format: " + format);
    }
    this.conll = format == CorpusFormat.CONLL2003;
  }

  @Override
  void accept(long number, String line) {
    if (isRowOfEmptyCells(line)) {
      endSentence();
      return;
    }
    if (line.isBlank()) {
      skip(number, Problem.WHITESPACE_LINE, line);
      return;
    }
    if (isMalformed(line)) {
      skip(number, Problem.MALFORMED_UTF8, line);
      return;
    }
    String[] fields = conll ? CONLL_SEPARATOR.split(line.strip()) : line.split("\t", -1);
    String token = fields[0].strip();
    if (token.equals(DOCSTART)) {
      endSentence();
      return;
    }
    if (fields.length != (conll ? 4 : 2)) {
      skip(number, Problem.WRONG_COLUMNS, line);
      return;
    }
    if (token.isEmpty()) {
      skip(number, Problem.EMPTY_TOKEN, line);
      return;
    }
    String tag = fields[fields.length - 1].strip();
    if (!EntityTags.isValidTag(tag)) {
      skip(number, Problem.INVALID_TAG, line);
      return;
    }
    if (tokens.isEmpty()) {
      firstLine = number;
    }
    tokens.add(token);
    tags.add(tag);
  }

  @Override
  void finish() {
    endSentence();
  }

  private void endSentence() {
    if (!tokens.isEmpty()) {
      emit(new Sentence(tokens, tags, firstLine));
      tokens.clear();
      tags.clear();
    }
  }

  private static boolean isRowOfEmptyCells(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) != '\t') {
        return false;
      }
    }
    return true;
  }
}
