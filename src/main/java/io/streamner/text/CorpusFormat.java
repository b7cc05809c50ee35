package io.streamner.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The corpus layouts the tagger reads, and how to tell them apart by content.
 *
 * <ul>
 *   <li>{@link #CONLL2003}: {@code word POS chunk NER}, space or tab separated, IOB1 tags, {@code
 *       -DOCSTART-} lines between documents, blank line between sentences.
 *   <li>{@link #TSV}: {@code token<TAB>tag}, blank line between sentences or documents; BIO ({@code
 *       B-PER}) and bare ({@code PERSON}, {@code O}) tags. More generally any CoNLL-style layout:
 *       two or more columns separated by tabs or by spaces, the token first and the tag last (both
 *       column formats are read by one parser, see {@code ColumnParser}).
 *   <li>{@link #JSONL}: one object per line, {@code {"id": "..", "tokens": [..], "tags": [..]}}
 *       with {@code id} and {@code tags} optional; see {@code schemas/sentence.schema.json}.
 *   <li>{@link #TEXT}: plain text, one sentence per line, whitespace-separated tokens, no tags;
 *       only for tagging.
 * </ul>
 *
 * <p>Detection looks at content rather than file extensions because corpus files are named anything
 * ({@code btc.train}, {@code emerging.test.annotated}).
 */
public enum CorpusFormat {
  CONLL2003,
  TSV,
  JSONL,
  TEXT;

  /** How many non-blank lines detection looks at: enough to outvote a few odd lines. */
  static final int DETECT_LINES = 50;

  private static final String VALID_NAMES =
      "conll, conll2003, tsv, two-column, columns, jsonl, json, text";

  /**
   * The format named by a user, case-insensitively: {@code conll}/{@code conll2003}, {@code
   * tsv}/{@code two-column}/{@code columns}, {@code jsonl}/{@code json}, {@code text}.
   *
   * @throws IllegalArgumentException naming the valid values, if the name is unknown
   */
  public static CorpusFormat parse(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "conll", "conll2003" -> CONLL2003;
      case "tsv", "two-column", "columns" -> TSV;
      case "jsonl", "json" -> JSONL;
      case "text" -> TEXT;
      default ->
          throw new IllegalArgumentException(
              "unknown corpus format '" + name + "'; valid formats: " + VALID_NAMES);
    };
  }

  /**
   * Detects the format of a file from its first {@value #DETECT_LINES} non-blank lines (UTF-8,
   * malformed bytes replaced rather than fatal).
   *
   * @throws IOException if the file cannot be read, e.g. {@link java.nio.file.NoSuchFileException}
   */
  public static CorpusFormat detect(Path file) throws IOException {
    try (BufferedReader in = Utf8.open(file)) {
      return detect(headLines(in));
    }
  }

  /**
   * Detects the format from the first lines of a corpus. Blank lines are ignored and only the first
   * {@value #DETECT_LINES} non-blank lines are used. The rules, in order:
   *
   * <ol>
   *   <li>the first non-blank line starts with <code>&#123;</code> → {@link #JSONL};
   *   <li>a {@code -DOCSTART-} line (other than the {@code -DOCSTART-<TAB>O} of two-column files),
   *       or more than half of the lines have exactly four whitespace-separated fields ending in
   *       {@code O} or a prefixed tag such as {@code I-PER} → {@link #CONLL2003} (a bare last word
   *       is not enough, so that four-word lines of prose are not taken for CoNLL);
   *   <li>more than half of the lines are column lines → {@link #TSV}: a line with a tab and two or
   *       more tab-separated fields, or a line of two or more space-separated fields whose last is
   *       {@code O} or a prefixed tag ({@code Maria B-PER}; a bare last word is not enough, so that
   *       prose is not taken for columns);
   *   <li>otherwise {@link #TEXT}, including for empty input.
   * </ol>
   */
  public static CorpusFormat detect(List<String> firstLines) {
    List<String> lines = new ArrayList<>();
    for (String line : firstLines) {
      String l = Utf8.withoutBom(line);
      if (!l.isBlank()) {
        lines.add(l);
        if (lines.size() == DETECT_LINES) {
          break;
        }
      }
    }
    if (lines.isEmpty()) {
      return TEXT;
    }
    if (lines.get(0).strip().startsWith("{")) {
      return JSONL;
    }
    int conll = 0;
    int tsv = 0;
    for (String line : lines) {
      boolean twoColumns = line.indexOf('\t') >= 0 && line.split("\t", -1).length == 2;
      if (line.strip().startsWith("-DOCSTART-") && !twoColumns) {
        return CONLL2003;
      }
      if (looksLikeConll(line)) {
        conll++;
      }
      if (looksLikeColumns(line)) {
        tsv++;
      }
    }
    if (2 * conll > lines.size()) {
      return CONLL2003;
    }
    if (2 * tsv > lines.size()) {
      return TSV;
    }
    return TEXT;
  }

  private static boolean looksLikeConll(String line) {
    String[] fields = line.strip().split("[ \t]+");
    return fields.length == 4 && isOutsideOrPrefixed(fields[3]);
  }

  private static boolean looksLikeColumns(String line) {
    if (line.indexOf('\t') >= 0) {
      return line.split("\t", -1).length >= 2;
    }
    String[] fields = line.strip().split(" +");
    return fields.length >= 2 && isOutsideOrPrefixed(fields[fields.length - 1]);
  }

  /** {@code O} or a tag such as {@code I-PER}: a bare word could be the last word of prose. */
  private static boolean isOutsideOrPrefixed(String tag) {
    return EntityTags.isValidTag(tag)
        && (tag.equalsIgnoreCase("O") || (tag.length() > 2 && tag.charAt(1) == '-'));
  }

  /** Reads lines until {@value #DETECT_LINES} non-blank ones were seen or the input ends. */
  static List<String> headLines(BufferedReader in) throws IOException {
    List<String> head = new ArrayList<>();
    int nonBlank = 0;
    String line;
    while (nonBlank < DETECT_LINES && (line = in.readLine()) != null) {
      head.add(line);
      if (!line.isBlank()) {
        nonBlank++;
      }
    }
    return head;
  }
}
