package io.streamner.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads a corpus file into sentences, streaming it line by line.
 *
 * <p>Bad input never stops the read and is never dropped silently: each skipped line becomes a
 * {@link Problem} in the returned {@link Corpus}. Within a TSV or CoNLL sentence only the bad token
 * line is dropped and the rest of the sentence is kept; a bad JSONL record is dropped whole; a bad
 * plain-text line is dropped. Tokens lose surrounding whitespace, and a token that is nothing but
 * whitespace counts as an empty token.
 *
 * <p>Files are decoded as UTF-8; a line with malformed bytes is reported as {@link
 * Problem#MALFORMED_UTF8} rather than read with broken tokens. A correctly encoded U+FFFD is
 * ordinary text and is kept. A leading byte-order mark is ignored.
 */
public final class CorpusReader {

  private CorpusReader() {}

  /**
   * Reads a file.
   *
   * @param file the corpus file; its path as given becomes the corpus source name
   * @param formatOrNull the format, or {@code null} to detect it from the content
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException if the file cannot be read
   */
  public static Corpus read(Path file, CorpusFormat formatOrNull) throws IOException {
    try (BufferedReader in = Utf8.open(file)) {
      return read(in, file.toString(), formatOrNull);
    }
  }

  /**
   * Reads from a character stream, e.g. standard input. The stream is not closed.
   *
   * @param in the text to read
   * @param sourceName the name to use in messages
   * @param format the format, or {@code null} to detect it from the first lines
   * @throws IOException if reading fails
   */
  public static Corpus read(Reader in, String sourceName, CorpusFormat format) throws IOException {
    Objects.requireNonNull(sourceName, "sourceName");
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    // Detection needs the first lines; keep them and parse them before the rest of the stream.
    List<String> head = format == null ? CorpusFormat.headLines(lines) : List.of();
    CorpusFormat actual = format == null ? CorpusFormat.detect(head) : format;
    LineParser parser = LineParser.forFormat(actual);
    long number = 0;
    for (String line : head) {
      number++;
      parser.accept(number, number == 1 ? Utf8.withoutBom(line) : line);
    }
    String line;
    while ((line = lines.readLine()) != null) {
      number++;
      parser.accept(number, number == 1 ? Utf8.withoutBom(line) : line);
    }
    parser.finish();
    return parser.toCorpus(sourceName, actual);
  }
}
