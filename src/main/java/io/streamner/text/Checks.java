package io.streamner.text;

import java.util.List;
import java.util.Locale;

/**
 * The rules for single values of a sentence or a record (an id, a token, a tag, a model name),
 * shared by the JSON sentence reader ({@link SentenceJson}) and the records of the Kafka topics
 * ({@code io.streamner.kafka.wire}), so that "what a record may hold" is written once.
 *
 * <p>Each check returns {@code null} when the value is fine and otherwise a reason that names the
 * value ({@code tokens[3] is empty}), fit to be shown to the person who sent the record. Reasons
 * quote at most {@link #EXCERPT_LENGTH} characters of the input, so a 10 MB value cannot make a 10
 * MB log line or dead letter.
 */
public final class Checks {

  /**
   * Longest id, token, tag or model name, in code points (what JSON Schema's maxLength counts). No
   * word is this long; a longer one is garbage or an attack, and it would bloat every prediction
   * and become a snapshot key (keys hold the word).
   */
  public static final int MAX_STRING_LENGTH = 1_000;

  /** Most models one score request may name; there are a handful of entity types, not thousands. */
  public static final int MAX_MODELS = 100;

  /** Characters of input quoted in a reason. */
  public static final int EXCERPT_LENGTH = 100;

  private Checks() {}

  /**
   * A string that must hold something: an id, a token, a tag, a model name.
   *
   * @param where how the reason names the value, e.g. {@code tokens[3]}
   */
  public static String text(String value, String where) {
    return text(value, where, MAX_STRING_LENGTH);
  }

  /** {@link #text(String, String)} with another length limit. */
  public static String text(String value, String where, int maxLength) {
    if (value == null) {
      return where + " is missing";
    }
    if (value.isEmpty()) {
      return where + " is empty";
    }
    if (value.isBlank()) {
      return where + " is only white space";
    }
    int length = value.codePointCount(0, value.length());
    if (length > maxLength) {
      return where + " is " + count(length) + " characters long; the limit is " + count(maxLength);
    }
    return surrogates(value, where);
  }

  /**
   * A lone surrogate can only arrive through a JSON escape of half a surrogate pair (such as D800);
   * it is not a character, cannot be written as UTF-8 and would break every output that echoes it.
   */
  public static String surrogates(String value, String where) {
    int at = Utf8.loneSurrogate(value);
    return at < 0
        ? null
        : where
            + " holds an unpaired surrogate "
            + String.format(Locale.ROOT, "\\u%04X", (int) value.charAt(at))
            + " (an escape that is not a Unicode character)";
  }

  /** A tag per {@link EntityTags#isValidTag(String)}, quoted (shortened) when it is not one. */
  public static String tag(String tag, String where) {
    String problem = text(tag, where);
    if (problem != null) {
      return problem;
    }
    if (!EntityTags.isValidTag(tag)) {
      return where
          + " is not a valid tag: "
          + quote(tag)
          + " (a tag is O, B-TYPE, I-TYPE or a bare TYPE such as PER)";
    }
    return null;
  }

  /**
   * {@link #text(String, String, int)} of item {@code index} of the list {@code field}, named
   * {@code field[index]} in the reason: the name is built only when there is a reason, so that
   * checking every token of every record builds no strings.
   */
  public static String text(String value, String field, int index, int maxLength) {
    return text(value, "", maxLength) == null
        ? null
        : text(value, field + "[" + index + "]", maxLength);
  }

  /** {@link #tag(String, String)} of item {@code index} of the list {@code field}, the same way. */
  public static String tag(String tag, String field, int index) {
    return tag(tag, "") == null ? null : tag(tag, field + "[" + index + "]");
  }

  /** A list of tokens: not empty, each token a {@link #text(String, String)}. */
  public static String tokens(List<String> tokens, String field) {
    if (tokens == null) {
      return field + " is missing";
    }
    if (tokens.isEmpty()) {
      return field + " is empty; a sentence needs at least one token";
    }
    for (int i = 0; i < tokens.size(); i++) {
      String problem = text(tokens.get(i), field, i, MAX_STRING_LENGTH);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** Epoch milliseconds must not be negative: a negative time is a unit mistake, not 1969. */
  public static String eventTime(Long eventTime) {
    if (eventTime != null && eventTime < 0) {
      return "event_time is negative ("
          + eventTime
          + "); it is milliseconds since 1970-01-01T00:00Z";
    }
    return null;
  }

  /**
   * A model name must be canonical ({@code PER}, not {@code person}; {@code LOC+ORG} for a typed
   * model, see {@link ModelName}), because it is part of every snapshot key: two spellings would be
   * two models.
   */
  public static String model(String model, String where) {
    String problem = text(model, where);
    if (problem != null) {
      return problem;
    }
    try {
      String canonical = ModelName.canonical(model);
      return canonical.equals(model)
          ? null
          : where + " " + quote(model) + " is not canonical; write " + quote(canonical);
    } catch (IllegalArgumentException e) {
      return where + ": " + e.getMessage();
    }
  }

  /** The reason for a models list longer than {@link #MAX_MODELS}. */
  public static String tooManyModels(long n) {
    return "models lists " + count(n) + " entity types; the limit is " + count(MAX_MODELS);
  }

  /** Throws the reason of a failed check; how the record constructors use the checks. */
  public static void require(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** {@code 50,000}: counts in reasons are read by people. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * The value in double quotes, for quoting input in a reason: cut after {@link #EXCERPT_LENGTH}
   * characters (saying how long it was), quotes and backslashes escaped, control characters and
   * lone surrogates shown as escapes, so that a reason stays one short printable line whatever the
   * input held.
   */
  public static String quote(String value) {
    return excerpt(value, true);
  }

  /** Like {@link #quote(String)} without quotes or length note, for messages such as Jackson's. */
  public static String shorten(String value) {
    return excerpt(value, false);
  }

  private static String excerpt(String value, boolean quoted) {
    StringBuilder out = new StringBuilder(quoted ? "\"" : "");
    int i = 0;
    for (int shown = 0; i < value.length() && shown < EXCERPT_LENGTH; shown++) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      if (quoted && (cp == '"' || cp == '\\')) {
        out.append('\\').appendCodePoint(cp);
      } else if (cp < 0x20 || cp == 0x7F || (cp <= 0xFFFF && Character.isSurrogate((char) cp))) {
        out.append(String.format(Locale.ROOT, "\\u%04X", cp));
      } else {
        out.appendCodePoint(cp);
      }
    }
    boolean cut = i < value.length();
    out.append(cut ? "..." : "").append(quoted ? "\"" : "");
    if (cut && quoted) {
      out.append(" (")
          .append(count(value.codePointCount(0, value.length())))
          .append(" characters in all)");
    }
    return out.toString();
  }
}
