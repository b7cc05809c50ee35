package io.streamner.text;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.streamner.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one reader of a sentence written as a JSON object: a line of a JSON-lines corpus ({@link
 * CorpusFormat#JSONL}, {@code schemas/sentence.schema.json}) and a value of the {@code train} or
 * {@code score} topic ({@code schemas/train.schema.json}, {@code score.schema.json}; {@code
 * io.streamner.kafka.wire} reads them with this class).
 *
 * <p>Jackson binds the object to the record of its {@link Kind}, which lists the fields it may
 * hold: any other field is an error, and so is a repeated field or text after the object, because
 * the likely cause is a typo ({@code labels} for {@code tags}, as in BTC's own JSON) that would
 * otherwise turn training data into silently unlabelled text. Then the values are checked ({@link
 * Checks}). A broken record is never half-read: it is refused whole with a {@link Rejected} that
 * names the field or item ({@code tokens[3] is empty}).
 *
 * <p>Values may come from anyone, so reading is linear in their size whatever they hold: lists are
 * read item by item, keeping the items up to a limit and only counting the rest (Jackson skips a
 * string it is not asked for without decoding it); a field of the wrong type ends the read at its
 * first token, and nesting deeper than {@link Json#MAX_DEPTH} at that bracket.
 */
public final class SentenceJson {

  private static final String LIMIT = "items kept per list";

  private static final ObjectReader READER =
      Json.builder()
          .addModule(
              new SimpleModule()
                  .addDeserializer(String.class, new Text())
                  .addDeserializer(Strings.class, new StringsReader()))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // checked here, to say what
          // Our own errors name the field; Jackson's wrapping would only add its path.
          .disable(DeserializationFeature.WRAP_EXCEPTIONS)
          .build()
          .reader();

  private SentenceJson() {}

  /** What is read: the fields a record may hold (its Jackson record) and the rules it follows. */
  public enum Kind {
    /** A corpus line: tokens, optionally id and tags; the id is not checked, no length limits. */
    CORPUS("a corpus line", CorpusLine.class),
    /** A {@code train} record: id, tokens, tags, optionally event_time. */
    TRAIN("a train record", TrainFields.class),
    /** A {@code score} record: id, tokens or text, optionally models and event_time. */
    SCORE("a score record", ScoreFields.class);

    private final String noun;
    private final Class<? extends Fields> shape;
    private final List<String> fields;

    Kind(String noun, Class<? extends Fields> shape) {
      this.noun = noun;
      this.shape = shape;
      this.fields =
          Arrays.stream(shape.getRecordComponents())
              .map(c -> new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName()))
              .toList();
    }
  }

  /**
   * A record as read and checked: the id as given; tokens stripped of surrounding white space; tags
   * as given; text and models (of a score record) as given, for its reader to check.
   */
  public record Read(
      String id,
      List<String> tokens,
      List<String> tags,
      String text,
      Strings models,
      Long eventTime) {}

  /** A list of strings as read: its first items, up to a limit, and how many it had. */
  public record Strings(List<String> items, int count) {}

  /**
   * Why a record was refused: the {@link Problem} kind (how a corpus summary counts it) and the
   * reason, which names the field or item, for a dead letter.
   */
  public static final class Rejected extends JsonMappingException {
    private final String problem;

    public Rejected(String problem, String reason) {
      super(null, reason);
      this.problem = problem;
    }

    public String problem() {
      return problem;
    }

    public String reason() {
      return getOriginalMessage();
    }

    /** Rejection is an expected outcome, not a failure: no stack trace. */
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * Reads one record.
   *
   * @param json the record, e.g. one line without its terminator
   * @param maxTokens most tokens a sentence may have; a longer one is refused rather than letting
   *     one record hold up a stream
   * @throws Rejected if the record breaks a rule
   */
  public static Read read(String json, Kind kind, int maxTokens) throws Rejected {
    try (JsonParser p = READER.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new Rejected(
            Problem.NOT_AN_OBJECT,
            first == null
                ? "value is only white space; " + kind.noun + " is a JSON object"
                : "value is " + describe(first) + ", not a JSON object");
      }
      Fields fields =
          READER
              .forType(kind.shape)
              .withAttribute(LIMIT, Math.max(maxTokens, Checks.MAX_MODELS))
              .readValue(p);
      try {
        JsonToken after = p.nextToken();
        if (after != null) {
          throw new Rejected(
              Problem.INVALID_JSON,
              "text after the JSON object: " + describe(after) + " follows it");
        }
      } catch (StreamReadException e) {
        throw new Rejected(Problem.INVALID_JSON, "text after the JSON object: " + syntax(e));
      }
      return check(fields, kind, maxTokens);
    } catch (Rejected e) {
      throw e;
    } catch (UnrecognizedPropertyException e) {
      String name = e.getPropertyName();
      throw new Rejected(
          Problem.UNKNOWN_FIELD,
          "unknown field "
              + Checks.quote(name)
              + "; "
              + kind.noun
              + " has only "
              + String.join(", ", kind.fields)
              + (kind == Kind.SCORE && name.equals("tags")
                  ? " (send labelled sentences to the train topic)"
                  : ""));
    } catch (StreamReadException e) {
      String message = e.getOriginalMessage();
      String duplicate = "Duplicate field '";
      throw new Rejected(
          Problem.INVALID_JSON,
          message.startsWith(duplicate)
              ? "field "
                  + Checks.quote(message.substring(duplicate.length(), message.length() - 1))
                  + " appears twice"
              : syntax(e));
    } catch (IOException e) {
      throw new Rejected(
          Problem.INVALID_JSON, "cannot read the value: " + Checks.shorten(e.toString()));
    }
  }

  /** Every rule a schema states, and those it cannot: tags as many as tokens, at most maxTokens. */
  private static Read check(Fields f, Kind kind, int maxTokens) throws Rejected {
    boolean stream = kind != Kind.CORPUS;
    String needs =
        switch (kind) {
          case CORPUS -> "a sentence needs tokens";
          case TRAIN -> "a train record needs id, tokens and tags";
          case SCORE -> "a score record needs id and either tokens or text";
        };
    if (stream) {
      require(f.id(), "id", needs);
      check(Problem.WRONG_FIELD_TYPE, Checks.text(f.id(), "id"));
    }
    if (kind == Kind.SCORE && f.tokens() != null && f.text() != null) {
      throw new Rejected(Problem.WRONG_FIELD_TYPE, "give either tokens or text, not both");
    }
    if (kind == Kind.SCORE && f.tokens() == null && f.text() == null) {
      throw new Rejected(
          Problem.MISSING_FIELD,
          "missing field \"tokens\" or \"text\"; a score record needs one of them");
    }
    if (kind != Kind.SCORE) {
      require(f.tokens(), "tokens", needs);
    }
    if (kind == Kind.TRAIN) {
      require(f.tags(), "tags", needs);
    }
    List<String> tokens = f.tokens() == null ? null : tokens(f.tokens(), stream, maxTokens);
    if (f.tags() != null) {
      if (f.tags().count() != f.tokens().count()) {
        throw new Rejected(
            Problem.LENGTH_MISMATCH, lengthMismatch(f.tokens().count(), f.tags().count()));
      }
      for (int i = 0; i < f.tags().items().size(); i++) {
        check(Problem.INVALID_TAG, Checks.tag(f.tags().items().get(i), "tags[" + i + "]"));
      }
    }
    check(Problem.WRONG_FIELD_TYPE, Checks.eventTime(f.eventTime()));
    return new Read(
        f.id(),
        tokens,
        f.tags() == null ? null : f.tags().items(),
        f.text(),
        f.models(),
        f.eventTime());
  }

  private static List<String> tokens(Strings tokens, boolean stream, int maxTokens)
      throws Rejected {
    if (tokens.count() == 0) {
      throw new Rejected(
          Problem.EMPTY_TOKEN_LIST, "tokens is empty; a sentence needs at least one token");
    }
    if (tokens.count() > maxTokens) {
      throw new Rejected(
          Problem.OVER_LIMIT,
          "sentence has "
              + Checks.count(tokens.count())
              + " tokens; the limit is "
              + Checks.count(maxTokens));
    }
    List<String> stripped = new ArrayList<>(tokens.count());
    for (int i = 0; i < tokens.count(); i++) {
      String t = tokens.items().get(i);
      String problem =
          Checks.text(
              t, "tokens[" + i + "]", stream ? Checks.MAX_STRING_LENGTH : Integer.MAX_VALUE);
      if (problem != null) {
        throw new Rejected(
            t.isBlank()
                ? Problem.EMPTY_TOKEN
                : Utf8.loneSurrogate(t) >= 0 ? Problem.MALFORMED_UTF8 : Problem.OVER_LIMIT,
            problem);
      }
      stripped.add(t.strip()); // the model sees the same words as from a column file
    }
    return stripped;
  }

  /** The one wording of the most common training-data error. */
  public static String lengthMismatch(int tokens, int tags) {
    return "tokens and tags differ in length ("
        + Checks.count(tokens)
        + " vs "
        + Checks.count(tags)
        + ")";
  }

  private static void require(Object value, String field, String why) throws Rejected {
    if (value == null) {
      throw new Rejected(
          field.equals("tokens") ? Problem.MISSING_TOKENS : Problem.MISSING_FIELD,
          "missing field \"" + field + "\"; " + why);
    }
  }

  private static void check(String problem, String reason) throws Rejected {
    if (reason != null) {
      throw new Rejected(problem, reason);
    }
  }

  /** Jackson's message with its position, without the source description it sometimes embeds. */
  private static String syntax(StreamReadException e) {
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

  private static Rejected wrongType(JsonParser p, String expected) {
    String field = p.getParsingContext().getCurrentName();
    if (p.currentToken() == JsonToken.START_ARRAY || p.currentToken() == JsonToken.START_OBJECT) {
      field = p.getParsingContext().getParent().getCurrentName();
    }
    return new Rejected(
        Problem.WRONG_FIELD_TYPE,
        "field \"" + field + "\" must be " + expected + ", got " + describe(p.currentToken()));
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

  // ------------------------------------------------------------ the records Jackson binds to

  /** The fields a record may hold; those it leaves out are null. */
  private interface Fields {
    String id();

    Strings tokens();

    default Strings tags() {
      return null;
    }

    default String text() {
      return null;
    }

    default Strings models() {
      return null;
    }

    default Long eventTime() {
      return null;
    }
  }

  private record CorpusLine(String id, Strings tokens, Strings tags) implements Fields {}

  private record TrainFields(
      String id,
      Strings tokens,
      Strings tags,
      @JsonDeserialize(using = EventTime.class) Long eventTime)
      implements Fields {}

  private record ScoreFields(
      String id,
      Strings tokens,
      String text,
      Strings models,
      @JsonDeserialize(using = EventTime.class) Long eventTime)
      implements Fields {}

  /** A JSON string and nothing else: a number or a boolean is not turned into text. */
  private static final class Text extends StdDeserializer<String> {
    Text() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw wrongType(p, "a string");
      }
      return p.getText();
    }

    @Override
    public String getNullValue(DeserializationContext c) throws JsonMappingException {
      throw wrongType(c.getParser(), "a string");
    }

    @Override
    public Object getAbsentValue(DeserializationContext c) {
      return null;
    }
  }

  /** A list of strings, read item by item: see {@link Strings}. */
  private static final class StringsReader extends StdDeserializer<Strings> {
    StringsReader() {
      super(Strings.class);
    }

    @Override
    public Strings deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw wrongType(p, "a list of strings");
      }
      String field = p.currentName();
      int limit = (Integer) c.getAttribute(LIMIT);
      List<String> items = new ArrayList<>();
      int count = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), count++) {
        if (t != JsonToken.VALUE_STRING) {
          throw new Rejected(
              Problem.NON_STRING_ITEM,
              field + "[" + count + "] is " + describe(t) + ", not a string");
        }
        if (count < limit) {
          items.add(p.getText());
        }
      }
      return new Strings(items, count);
    }

    @Override
    public Strings getNullValue(DeserializationContext c) throws JsonMappingException {
      throw wrongType(c.getParser(), "a list of strings");
    }

    @Override
    public Object getAbsentValue(DeserializationContext c) {
      return null;
    }
  }

  /**
   * Epoch milliseconds as a JSON integer. {@code 1764115200000.0} is accepted too, because JSON
   * Schema calls any number without a fraction an integer.
   */
  private static final class EventTime extends StdDeserializer<Long> {
    private static final String EXPECTED = "a whole number of milliseconds since 1970-01-01T00:00Z";

    EventTime() {
      super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (!p.currentToken().isNumeric()) {
        throw wrongType(p, EXPECTED);
      }
      BigDecimal value = p.getDecimalValue();
      try {
        return value.longValueExact();
      } catch (ArithmeticException e) {
        throw new Rejected(
            Problem.WRONG_FIELD_TYPE,
            "event_time " + Checks.shorten(p.getText()) + " is not " + EXPECTED);
      }
    }

    @Override
    public Long getNullValue(DeserializationContext c) throws JsonMappingException {
      throw wrongType(c.getParser(), EXPECTED);
    }

    @Override
    public Object getAbsentValue(DeserializationContext c) {
      return null;
    }
  }
}
