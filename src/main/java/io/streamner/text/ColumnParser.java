package io.streamner.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the line-per-token formats: {@link CorpusFormat#TSV} ({@code token<TAB>tag}) and {@link
 * CorpusFormat#CONLL2003} ({@code word POS chunk NER}), and any other CoNLL-style layout: a token
 * line holds two or more columns, the token first and the tag last; the columns between (part of
 * speech, chunk, ...) are ignored.
 *
 * <p>The file's first token line fixes its layout: its columns are separated by tabs when it holds
 * a tab (a cell may then hold spaces, as BTC's {@code ke s}), by runs of spaces otherwise; and the
 * number of columns it has is the number every line must have. A line with another number of
 * columns is reported ("wrong number of columns") rather than read with a wrong column taken for
 * the tag: in a four-column file, {@code to TO B-PP O extra} would otherwise make a type EXTRA.
 *
 * <p>An empty line, or a line made only of tabs (a row of empty cells, which WNUT-17 uses between
 * tweets), ends the sentence; so does a {@code -DOCSTART-} line. Any other bad line is dropped on
 * its own and reported, and the sentence goes on: losing one token is better than losing the whole
 * tweet, and far better than splitting it in two at a stray space.
 */
final class ColumnParser extends LineParser {

  private static final String DOCSTART = "-DOCSTART-";
  private static final Pattern SPACES = Pattern.compile("[ \t]+");

  private final List<String> tokens = new ArrayList<>();
  private final List<String> tags = new ArrayList<>();
  private long firstLine;

  /** The layout of the first token line: tab-separated or not, and its number of columns. */
  private boolean tabs;

  private int columns;

  ColumnParser(CorpusFormat format) {
    if (format != CorpusFormat.TSV && format != CorpusFormat.CONLL2003) {
      throw new IllegalArgumentException("not a column format: " + format);
    }
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
    String[] fields = fields(line);
    String token = fields[0].strip();
    if (token.equals(DOCSTART)) {
      endSentence();
      return;
    }
    if (columns == 0 && fields.length >= 2) {
      tabs = line.indexOf('\t') >= 0;
      columns = fields.length;
    }
    if (fields.length < 2 || fields.length != columns) {
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

  /**
   * The columns of a line in the file's layout; before the layout is known, in the layout this line
   * would give.
   */
  private String[] fields(String line) {
    boolean tabSeparated = columns == 0 ? line.indexOf('\t') >= 0 : tabs;
    return tabSeparated ? line.split("\t", -1) : SPACES.split(line.strip());
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
