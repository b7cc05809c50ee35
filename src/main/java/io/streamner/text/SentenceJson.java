package io.streamner.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.streamner.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of a sentence written as a JSON object: a line of a JSON-lines corpus ({@link
 * CorpusFormat#JSONL}, {@code schemas/sentence.schema.json}) and a value of the {@code train} or
 * {@code score} topic ({@code schemas/train.schema.json}, {@code score.schema.json}).
 *
 * <p>Jackson binds the object to {@link Fields}. A field its {@link Kind} does not have is an
 * error, and so are a repeated field and text after the object, because the likely cause is a typo
 * ({@code labels} for {@code tags}, as in BTC's own JSON) that would otherwise turn training data
 * into silently unlabelled text. Then the values are checked ({@link Checks}). A broken record is
 * refused whole with a {@link Rejected} that names the field or item ({@code tokens[3] is empty}).
 *
 * <p>Values may come from anyone, so reading is linear in their size whatever they hold: lists are
 * read item by item, keeping the items up to a limit and only counting the rest (a string not asked
 * for is skipped without being decoded); a field of the wrong type ends the read at its first
 * token, and nesting deeper than {@link Json#MAX_DEPTH} at that bracket.
 */
public final class SentenceJson {

  private static final String LIMIT = "items kept per list";

  private static final ObjectReader READER =
      Json.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // checked here, to say what
          .disable(DeserializationFeature.WRAP_EXCEPTIONS) // ours name the field already
          .build()
          .readerFor(Fields.class);

  private SentenceJson() {}

  /** What is read, and so which fields it may have and which rules it follows. */
  public enum Kind {
    /** A corpus line: tokens, and optionally tags and an id (not checked); no size limits. */
    CORPUS("a corpus line", List.of("id", "tokens", "tags")),
    /** A {@code train} record: id, tokens, tags, and optionally event_time. */
    TRAIN("a train record", List.of("id", "tokens", "tags", "event_time")),
    /** A {@code score} record: id, tokens or text, and optionally models and event_time. */
    SCORE("a score record", List.of("id", "tokens", "text", "models", "event_time"));

    private final String noun;
    private final List<String> fields;

    Kind(String noun, List<String> fields) {
      this.noun = noun;
      this.fields = fields;
    }
  }

  /**
   * A record as read and checked: the id as given; tokens stripped of surrounding white space (a
   * score record's text split by {@link SimpleTokenizer}); tags as given; models canonical ({@code
   * person} is {@code PER}), each once, empty for every model.
   */
  public record Read(
      String id, List<String> tokens, List<String> tags, List<String> models, Long eventTime) {}

  /**
   * Why a record was refused: the {@link Problem} kind (how a corpus summary counts it) and the
   * reason, which names the field or item, for a dead letter.
   */
  public static final class Rejected extends JsonMappingException {
    private final String problem;

    Rejected(String problem, String reason) {
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
      Fields fields;
      try {
        fields = READER.withAttribute(LIMIT, Math.max(maxTokens, Checks.MAX_MODELS)).readValue(p);
      } catch (UnrecognizedPropertyException e) {
        throw unknown(e.getPropertyName(), kind);
      } catch (MismatchedInputException e) { // what is left: a string field of another type
        throw wrongType(p, "a string");
      }
      try {
        if (p.nextToken() != null) {
          throw new Rejected(
              Problem.INVALID_JSON,
              "text after the JSON object: " + describe(p.currentToken()) + " follows it");
        }
      } catch (StreamReadException e) {
        throw new Rejected(Problem.INVALID_JSON, "text after the JSON object: " + syntax(e));
      }
      return fields.validate(kind, maxTokens);
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
    } catch (Rejected e) {
      throw e;
    } catch (IOException e) { // reading a String fails in no other way
      throw new Rejected(Problem.INVALID_JSON, "cannot read: " + Checks.shorten(e.toString()));
    }
  }

  /** The one wording of the most common training-data error. */
  public static String lengthMismatch(int tokens, int tags) {
    return "tokens and tags differ in length ("
        + Checks.count(tokens)
        + " vs "
        + Checks.count(tags)
        + ")";
  }

  /** A list of strings as read: its first items, up to a limit, and how many it had. */
  @JsonDeserialize(using = StringsReader.class)
  private record Strings(List<String> items, int count) {}

  /** Every field any kind has; the ones a record leaves out are null. */
  private record Fields(
      String id,
      Strings tokens,
      Strings tags,
      String text,
      Strings models,
      @JsonDeserialize(using = EventTime.class) Long eventTime) {

    /** The rules a schema states, and those it cannot: tags as many as tokens, at most max. */
    Read validate(Kind kind, int max) throws Rejected {
      // Jackson refuses names no kind has; these are the fields of other kinds.
      if (kind != Kind.SCORE && (text != null || models != null)) {
        throw unknown(text != null ? "text" : "models", kind);
      }
      if (kind == Kind.SCORE && tags != null) throw unknown("tags", kind);
      if (kind == Kind.CORPUS && eventTime != null) throw unknown("event_time", kind);
      if (kind != Kind.CORPUS) {
        require(id, "id", kind);
        check(Problem.WRONG_FIELD_TYPE, Checks.text(id, "id"));
      }
      if (tokens != null && text != null) {
        throw new Rejected(Problem.WRONG_FIELD_TYPE, "give either tokens or text, not both");
      }
      if (kind == Kind.SCORE && tokens == null && text == null) {
        throw new Rejected(
            Problem.MISSING_FIELD,
            "missing field \"tokens\" or \"text\"; a score record needs one of them");
      }
      if (kind != Kind.SCORE) require(tokens, "tokens", kind);
      if (kind == Kind.TRAIN) require(tags, "tags", kind);
      List<String> words = text == null ? strippedTokens(kind, max) : words(text, max);
      if (tags != null) {
        if (tags.count != tokens.count) {
          throw new Rejected(Problem.LENGTH_MISMATCH, lengthMismatch(tokens.count, tags.count));
        }
        for (int i = 0; i < tags.count; i++) {
          check(Problem.INVALID_TAG, Checks.tag(tags.items.get(i), "tags", i));
        }
      }
      check(Problem.WRONG_FIELD_TYPE, Checks.eventTime(eventTime));
      return new Read(
          id,
          words,
          tags == null ? null : tags.items,
          models == null ? null : canonicalModels(),
          eventTime);
    }

    private List<String> strippedTokens(Kind kind, int max) throws Rejected {
      if (tokens.count == 0) {
        throw new Rejected(
            Problem.EMPTY_TOKEN_LIST, "tokens is empty; a sentence needs at least one token");
      }
      if (tokens.count > max) {
        throw new Rejected(Problem.OVER_LIMIT, tooMany("sentence has", tokens.count, max));
      }
      int maxLength = kind == Kind.CORPUS ? Integer.MAX_VALUE : Checks.MAX_STRING_LENGTH;
      List<String> stripped = new ArrayList<>(tokens.count);
      for (int i = 0; i < tokens.count; i++) {
        String t = tokens.items.get(i);
        String problem = Checks.text(t, "tokens", i, maxLength);
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

    /** Model names as a user writes them ({@code person}) made canonical ({@code PER}). */
    private List<String> canonicalModels() throws Rejected {
      if (models.count == 0) {
        throw new Rejected(
            Problem.WRONG_FIELD_TYPE, "models is empty; leave it out to ask every model");
      }
      if (models.count > Checks.MAX_MODELS) {
        throw new Rejected(Problem.OVER_LIMIT, Checks.tooManyModels(models.count));
      }
      List<String> canonical = new ArrayList<>();
      for (int i = 0; i < models.count; i++) {
        String where = "models[" + i + "]", model = models.items.get(i);
        check(Problem.WRONG_FIELD_TYPE, Checks.text(model, where));
        try {
          canonical.add(ModelName.canonical(model));
        } catch (IllegalArgumentException e) {
          throw new Rejected(
              Problem.WRONG_FIELD_TYPE,
              where
                  + " is not an entity type: "
                  + Checks.quote(model)
                  + (model.length() <= Checks.EXCERPT_LENGTH ? " (" + e.getMessage() + ")" : ""));
        }
      }
      return canonical;
    }
  }

  /** Splits a score record's text, keeping at most max tokens and counting the rest. */
  private static List<String> words(String text, int max) throws Rejected {
    check(Problem.MALFORMED_UTF8, Checks.surrogates(text, "text"));
    List<String> words = new ArrayList<>();
    String[] problem = {null};
    int[] count = {0};
    SimpleTokenizer.tokenize(
        text,
        word -> {
          if (count[0] < max) {
            if (problem[0] == null)
              problem[0] = Checks.text(word, "token " + count[0] + " of text");
            words.add(word);
          }
          count[0]++;
        });
    if (count[0] == 0) {
      throw new Rejected(
          Problem.EMPTY_TOKEN_LIST, "text holds no tokens: it is empty or only white space");
    }
    if (count[0] > max) {
      throw new Rejected(Problem.OVER_LIMIT, tooMany("text splits into", count[0], max));
    }
    check(Problem.OVER_LIMIT, problem[0]);
    return words;
  }

  private static String tooMany(String what, int count, int max) {
    return what + " " + Checks.count(count) + " tokens; the limit is " + Checks.count(max);
  }

  private static void require(Object value, String field, Kind kind) throws Rejected {
    if (value == null) {
      throw new Rejected(
          field.equals("tokens") ? Problem.MISSING_TOKENS : Problem.MISSING_FIELD,
          "missing field \""
              + field
              + "\"; "
              + switch (kind) {
                case CORPUS -> "a sentence needs tokens";
                case TRAIN -> "a train record needs id, tokens and tags";
                case SCORE -> "a score record needs id and either tokens or text";
              });
    }
  }

  private static void check(String problem, String reason) throws Rejected {
    if (reason != null) {
      throw new Rejected(problem, reason);
    }
  }

  private static Rejected unknown(String field, Kind kind) {
    return new Rejected(
        Problem.UNKNOWN_FIELD,
        "unknown field "
            + Checks.quote(field)
            + "; "
            + kind.noun
            + " has only "
            + String.join(", ", kind.fields)
            + (kind == Kind.SCORE && field.equals("tags")
                ? " (send labelled sentences to the train topic)"
                : ""));
  }

  /** Jackson's message with its position, without the source description it sometimes embeds. */
  private static String syntax(StreamReadException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int source = message.indexOf(" (start marker at ");
    return "not valid JSON"
        + (e.getLocation() == null || e.getLocation().getLineNr() < 1
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr())
        + ": "
        + Checks.shorten(source < 0 ? message : message.substring(0, source));
  }

  /** A field that is not of the type it must be, named with the type it is. */
  private static Rejected wrongType(JsonParser p, String expected) {
    JsonToken t = p.currentToken();
    var context = p.getParsingContext();
    String field =
        (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT ? context.getParent() : context)
            .getCurrentName();
    return new Rejected(
        Problem.WRONG_FIELD_TYPE,
        "field \"" + field + "\" must be " + expected + ", got " + describe(t));
  }

  private static String describe(JsonToken t) {
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

  /** A list of strings, item by item: see {@link Strings}. Null is not a list. */
  private static final class StringsReader extends StdDeserializer<Strings> {
    StringsReader() {
      super(Strings.class);
    }

    @Override
    public Strings deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) throw wrongType(p, "a list of strings");
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
        if (count < limit) items.add(p.getText());
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
      if (!p.currentToken().isNumeric()) throw wrongType(p, EXPECTED);
      try {
        return p.getDecimalValue().longValueExact();
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
