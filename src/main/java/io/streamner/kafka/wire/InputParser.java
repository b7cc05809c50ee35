package io.streamner.kafka.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamner.text.EntityTags;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads a {@code train} or {@code score} value, never throwing: any input gives a record or a
 * reason.
 *
 * <p>The value is decoded as strict UTF-8 and then read with Jackson's streaming parser, field by
 * field, stopping at the first problem, so a 10 MB value costs one linear pass at most and often
 * much less: an unknown field, a wrong type or an invalid tag ends the read there, and items past
 * the token limit are counted without being decoded or kept. No tree is built, so deep nesting
 * ({@code [[[[...}) is rejected at its first bracket instead of recursing. Rules are as strict as
 * the JSONL corpus reader's: unknown and repeated fields are errors, because the likely cause is a
 * typo ({@code labels} for {@code tags}) that would otherwise turn into silently unlabelled data.
 */
final class InputParser {

  private static final List<String> TRAIN_FIELDS = List.of("id", "tokens", "tags", "event_time");
  private static final List<String> SCORE_FIELDS =
      List.of("id", "tokens", "text", "models", "event_time");

  /** A rejection; no stack trace, it is an expected outcome. */
  private static final class Reject extends Exception {
    Reject(String reason) {
      super(reason, null, false, false);
    }
  }

  /** What one record held; a list is kept up to its limit and counted in full. */
  private static final class Fields {
    String id;
    List<String> tokens;
    int tokenCount;
    List<String> tags;
    int tagCount;
    String text;
    List<String> models;
    Long eventTime;
  }

  private final JsonParser parser;
  private final String kind;
  private final int maxTokens;

  private InputParser(JsonParser parser, String kind, int maxTokens) {
    this.parser = parser;
    this.kind = kind;
    this.maxTokens = maxTokens;
  }

  /** Makes a record of the fields read, or rejects them as a whole. */
  private interface Builder<T> {
    T build(Fields fields, int maxTokens) throws Reject;
  }

  static ParseResult<TrainRecord> train(byte[] value, int maxTokens) {
    return parse(
        value,
        "train",
        maxTokens,
        (f, max) -> {
          String needs = "a train record needs id, tokens and tags";
          require(f.id, "id", needs);
          require(f.tokens, "tokens", needs);
          require(f.tags, "tags", needs);
          if (f.tagCount != f.tokenCount) {
            throw new Reject(WireFormat.lengthMismatch(f.tokenCount, f.tagCount));
          }
          return construct(() -> new TrainRecord(f.id, f.tokens, f.tags, f.eventTime));
        });
  }

  static ParseResult<ScoreRecord> score(byte[] value, int maxTokens) {
    return parse(
        value,
        "score",
        maxTokens,
        (f, max) -> {
          require(f.id, "id", "a score record needs id and either tokens or text");
          if (f.tokens != null && f.text != null) {
            throw new Reject("give either tokens or text, not both");
          }
          if (f.tokens == null && f.text == null) {
            throw new Reject(
                "missing field \"tokens\" or \"text\"; a score record needs one of them");
          }
          List<String> tokens = f.tokens != null ? f.tokens : tokenize(f.text, max);
          return construct(() -> new ScoreRecord(f.id, tokens, f.models, f.eventTime));
        });
  }

  private static <T> ParseResult<T> parse(
      byte[] value, String kind, int maxTokens, Builder<T> builder) {
    if (maxTokens < 1) { // a programming error, not bad input, so it throws
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    try {
      return ParseResult.ok(builder.build(read(value, kind, maxTokens), maxTokens));
    } catch (Reject r) {
      return ParseResult.failed(r.getMessage());
    } catch (RuntimeException e) {
      // A bug here must not stop the job either; the reason says it is one, and the fuzz
      // test fails on it.
      return ParseResult.failed(
          "internal error while parsing (please report it): " + Checks.shorten(e.toString()));
    }
  }

  /** The record constructors check again; what they refuse is a rejection like any other. */
  private static <T> T construct(Supplier<T> constructor) throws Reject {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new Reject(e.getMessage());
    }
  }

  private static void require(Object value, String field, String why) throws Reject {
    if (value == null) {
      throw new Reject("missing field \"" + field + "\"; " + why);
    }
  }

  /** Decodes, parses and checks every field that is present; the callers check the whole. */
  private static Fields read(byte[] value, String kind, int maxTokens) throws Reject {
    if (value == null) {
      throw new Reject("value is null (a tombstone); a " + kind + " record is a JSON object");
    }
    if (value.length == 0) {
      throw new Reject("value is empty; a " + kind + " record is a JSON object");
    }
    CharBuffer chars = decode(value);
    try (JsonParser parser =
        Json.FACTORY.createParser(chars.array(), chars.position(), chars.remaining())) {
      InputParser in = new InputParser(parser, kind, maxTokens);
      Fields fields = in.fields();
      in.end();
      return fields;
    } catch (JacksonException e) {
      throw new Reject(jsonError(e));
    } catch (IOException e) {
      throw new Reject("cannot read the value: " + Checks.shorten(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Strict UTF-8: malformed or overlong sequences and encoded surrogates are errors, not
   * replacement characters that would become tokens. A leading byte-order mark is skipped.
   */
  private static CharBuffer decode(byte[] value) throws Reject {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value);
    CharBuffer out = CharBuffer.allocate(value.length); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      StringBuilder bytes = new StringBuilder();
      for (int i = in.position();
          i < Math.min(value.length, in.position() + result.length());
          i++) {
        bytes.append(String.format(" 0x%02X", value[i] & 0xff));
      }
      throw new Reject(
          "value is not valid UTF-8: bad byte sequence"
              + bytes
              + " at byte "
              + Checks.count(in.position()));
    }
    out.flip();
    if (out.hasRemaining() && out.get(out.position()) == '\uFEFF') {
      out.position(out.position() + 1);
    }
    return out;
  }

  /** Jackson's message with its position, without the source description it sometimes embeds. */
  private static String jsonError(JacksonException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String message = String.valueOf(e.getOriginalMessage());
    int source = message.indexOf(" (start marker at ");
    return "not valid JSON"
        + where
        + ": "
        + Checks.shorten(source < 0 ? message : message.substring(0, source));
  }

  private Fields fields() throws IOException, Reject {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new Reject("value is only white space; a " + kind + " record is a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new Reject("value is " + describe(first) + ", not a JSON object");
    }
    List<String> known = kind.equals("train") ? TRAIN_FIELDS : SCORE_FIELDS;
    Set<String> seen = new HashSet<>();
    Fields f = new Fields();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String name = parser.currentName();
      if (!known.contains(name)) {
        throw new Reject(
            "unknown field "
                + Checks.quote(name)
                + "; a "
                + kind
                + " record has only "
                + String.join(", ", known)
                + (kind.equals("score") && name.equals("tags")
                    ? " (send labelled sentences to the train topic)"
                    : ""));
      }
      if (!seen.add(name)) {
        throw new Reject("field \"" + name + "\" appears twice");
      }
      switch (name) {
        case "id" -> f.id = string("id");
        case "text" -> f.text = string("text");
        case "event_time" -> f.eventTime = eventTime();
        case "tokens" -> {
          f.tokens = new ArrayList<>();
          f.tokenCount = strings("tokens", maxTokens, f.tokens);
          if (f.tokenCount == 0) {
            throw new Reject("tokens is empty; a sentence needs at least one token");
          }
          if (f.tokenCount > maxTokens) {
            throw new Reject(tooManyTokens("sentence has", f.tokenCount));
          }
        }
        case "tags" -> {
          f.tags = new ArrayList<>();
          f.tagCount = strings("tags", maxTokens, f.tags);
        }
        case "models" -> {
          f.models = new ArrayList<>();
          int count = strings("models", Checks.MAX_MODELS, f.models);
          if (count == 0) {
            throw new Reject("models is empty; leave it out to ask every model");
          }
          if (count > Checks.MAX_MODELS) {
            throw new Reject(Checks.tooManyModels(count));
          }
          f.models = List.copyOf(new LinkedHashSet<>(f.models));
        }
        default -> throw new IllegalStateException("field list and switch disagree on " + name);
      }
    }
    return f;
  }

  /** Nothing but white space may follow the object. */
  private void end() throws IOException, Reject {
    JsonToken after;
    try {
      after = parser.nextToken();
    } catch (JacksonException e) {
      throw new Reject("text after the JSON object: " + jsonError(e));
    }
    if (after != null) {
      throw new Reject("text after the JSON object: " + describe(after) + " follows it");
    }
  }

  private String string(String field) throws IOException, Reject {
    JsonToken t = parser.nextToken();
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    String value = parser.getText();
    if (field.equals("text")) {
      check(Checks.surrogates(value, "text"));
    } else {
      check(Checks.text(value, field));
    }
    return value;
  }

  /**
   * Reads a list of strings, checking and keeping the first {@code limit} items and only counting
   * the rest (Jackson skips a string it is not asked for without decoding it).
   *
   * @return the number of items
   */
  private int strings(String field, int limit, List<String> kept) throws IOException, Reject {
    JsonToken t = parser.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw wrongType(field, "a list of strings", t);
    }
    int count = 0;
    for (t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken(), count++) {
      if (t != JsonToken.VALUE_STRING) {
        throw new Reject(field + "[" + count + "] is " + describe(t) + ", not a string");
      }
      if (count < limit) {
        kept.add(item(field, count, parser.getText()));
      }
    }
    return count;
  }

  /** One list item checked, and made what the record keeps. */
  private String item(String field, int index, String value) throws Reject {
    String where = field + "[" + index + "]";
    switch (field) {
      case "tokens" -> {
        check(Checks.text(value, where));
        return value.strip(); // as the corpus reader does, so the model sees the same words
      }
      case "tags" -> {
        check(Checks.tag(value, where));
        return value;
      }
      default -> {
        check(Checks.text(value, where));
        try {
          return EntityTags.canonicalEntity(value);
        } catch (IllegalArgumentException e) {
          throw new Reject(
              where
                  + " is not an entity type: "
                  + Checks.quote(value)
                  + (value.length() <= Checks.EXCERPT_LENGTH ? " (" + e.getMessage() + ")" : ""));
        }
      }
    }
  }

  /**
   * Epoch milliseconds as a JSON integer. {@code 1764115200000.0} is accepted too, because JSON
   * Schema calls any number without a fraction an integer.
   */
  private Long eventTime() throws IOException, Reject {
    JsonToken t = parser.nextToken();
    String expected = "a whole number of milliseconds since 1970-01-01T00:00Z";
    long value;
    if (t == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      value = parser.getLongValue();
    } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      BigDecimal d = parser.getDecimalValue();
      try {
        value = d.longValueExact();
      } catch (ArithmeticException e) {
        throw new Reject("event_time " + Checks.shorten(parser.getText()) + " is not " + expected);
      }
    } else {
      throw wrongType("event_time", expected, t);
    }
    check(Checks.eventTime(value));
    return value;
  }

  /** Splits text, keeping at most maxTokens tokens and counting the rest. */
  private static List<String> tokenize(String text, int maxTokens) throws Reject {
    List<String> tokens = new ArrayList<>();
    String[] problem = {null};
    int[] count = {0};
    SimpleTokenizer.tokenize(
        text,
        token -> {
          if (count[0] < maxTokens) {
            if (problem[0] == null) {
              problem[0] = Checks.text(token, "token " + count[0] + " of text");
            }
            tokens.add(token);
          }
          count[0]++;
        });
    if (count[0] == 0) {
      throw new Reject("text holds no tokens: it is empty or only white space");
    }
    if (count[0] > maxTokens) {
      throw new Reject(tooManyTokens("text splits into", count[0], maxTokens));
    }
    check(problem[0]);
    return tokens;
  }

  private String tooManyTokens(String what, int count) {
    return tooManyTokens(what, count, maxTokens);
  }

  private static String tooManyTokens(String what, int count, int maxTokens) {
    return what + " " + Checks.count(count) + " tokens; the limit is " + Checks.count(maxTokens);
  }

  private static void check(String problem) throws Reject {
    if (problem != null) {
      throw new Reject(problem);
    }
  }

  private static Reject wrongType(String field, String expected, JsonToken got) {
    return new Reject("field \"" + field + "\" must be " + expected + ", got " + describe(got));
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }
}
