package io.streamner.text;

import java.util.Objects;

/**
 * A line of input that was skipped, and why.
 *
 * <p>Reasons are a small fixed vocabulary (the constants below) so that a corpus with thousands of
 * bad lines can be summarised as a few counts; the excerpt carries the detail.
 *
 * @param line 1-based line number in the source
 * @param reason one of the reason constants of this class
 * @param excerpt the start of the offending line, with tabs and control characters made visible (a
 *     single space is shown as {@code " "} in {@link #describe()})
 */
public record Problem(long line, String reason, String excerpt) {

  /** Bytes that are not valid UTF-8 (shown as U+FFFD in the excerpt). */
  public static final String MALFORMED_UTF8 = "malformed UTF-8";

  /** A line of spaces: not a sentence break (only an empty line or a row of empty cells is). */
  public static final String WHITESPACE_LINE = "whitespace-only line";

  /** A token that is empty or only whitespace. */
  public static final String EMPTY_TOKEN = "empty token";

  /**
   * A tag outside the grammar of {@link EntityTags#isValidTag(String)}, e.g. {@code 0} or {@code
   * B-}.
   */
  public static final String INVALID_TAG = "invalid tag";

  /** A TSV or CoNLL line without the expected number of fields. */
  public static final String WRONG_COLUMNS = "wrong number of columns";

  /** A JSONL line that does not parse as JSON. */
  public static final String INVALID_JSON = "invalid JSON";

  /** A JSONL line that is JSON but not an object. */
  public static final String NOT_AN_OBJECT = "not a JSON object";

  /**
   * A JSONL object with a field other than id, tokens, tags (a typo such as "labels" would lose the
   * tags).
   */
  public static final String UNKNOWN_FIELD = "unknown field";

  /** A JSONL object without tokens. */
  public static final String MISSING_TOKENS = "missing tokens";

  /** A JSON record without a field it needs (the stream's id or tags). */
  public static final String MISSING_FIELD = "missing field";

  /** A JSON record over a size limit of the stream: too many tokens, a string too long. */
  public static final String OVER_LIMIT = "over a size limit";

  /**
   * A JSONL field of the wrong JSON type, e.g. tokens as a string or a numeric id, or a value the
   * field cannot hold (a blank id, a negative event time).
   */
  public static final String WRONG_FIELD_TYPE = "wrong field type";

  /** A JSONL tokens or tags list with an item that is not a string. */
  public static final String NON_STRING_ITEM = "non-string item";

  /** A JSONL record with an empty tokens list. */
  public static final String EMPTY_TOKEN_LIST = "empty token list";

  /** A JSONL record whose tokens and tags lists differ in length. */
  public static final String LENGTH_MISMATCH = "tokens and tags differ in length";

  private static final int EXCERPT_LENGTH = 80;

  /** Requires a reason and an excerpt so that summaries never print "null". */
  public Problem {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(excerpt, "excerpt");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /** A problem for a raw source line; the excerpt is shortened and made printable. */
  static Problem of(long line, String reason, String rawLine) {
    return new Problem(line, reason, excerpt(rawLine));
  }

  /** One line for a log or the console, e.g. {@code line 13045: whitespace-only line: " "}. */
  public String describe() {
    return "line " + line + ": " + reason + ": \"" + excerpt + "\"";
  }

  /**
   * Shortens a line and shows tabs and control characters as escapes, so that empty or blank lines
   * stay visible; undecodable bytes (lone surrogates) are shown as U+FFFD so that the excerpt
   * prints cleanly.
   */
  static String excerpt(String line) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < line.length() && out.length() < EXCERPT_LENGTH; i++) {
      char c = line.charAt(i);
      if (c == '\t') {
        out.append("\\t");
      } else if (Character.isHighSurrogate(c)
          && i + 1 < line.length()
          && Character.isLowSurrogate(line.charAt(i + 1))) {
        out.append(c).append(line.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    if (i < line.length()) {
      out.append("...");
    }
    return out.toString();
  }
}
