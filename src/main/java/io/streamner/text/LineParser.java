package io.streamner.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the lines of one source into sentences and problems, one line at a time, so that large
 * corpora are read without holding the raw text in memory.
 */
abstract class LineParser {

  private final List<Sentence> sentences = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();

  /** The parser for a format. */
  static LineParser forFormat(CorpusFormat format) {
    return switch (format) {
      case CONLL2003, TSV -> new ColumnParser(format);
      case JSONL -> new JsonLineParser();
      case TEXT -> new TextParser();
    };
  }

  /**
   * Handles one line.
   *
   * @param number 1-based line number
   * @param line the line without its terminator (and without a leading byte-order mark)
   */
  abstract void accept(long number, String line);

  /** Called after the last line, so that a sentence still being collected is kept. */
  void finish() {}

  final void emit(Sentence sentence) {
    sentences.add(sentence);
  }

  final void skip(long number, String reason, String line) {
    problems.add(Problem.of(number, reason, line));
  }

  final Corpus toCorpus(String source, CorpusFormat format) {
    return new Corpus(source, format, sentences, problems);
  }

  /**
   * True when a line holds no sentence: it is blank (skipped silently) or holds bytes that were not
   * valid UTF-8 (skipped and reported).
   */
  final boolean unusable(long number, String line) {
    if (line.isBlank()) {
      return true;
    }
    if (isMalformed(line)) {
      skip(number, Problem.MALFORMED_UTF8, line);
      return true;
    }
    return false;
  }

  /** True if the line holds bytes that were not valid UTF-8. */
  static boolean isMalformed(String line) {
    return Utf8.loneSurrogate(line) >= 0;
  }
}
