package io.streamner.kafka.wire;

import io.streamner.text.Checks;
import io.streamner.text.EntityTags;
import io.streamner.text.Problem;
import io.streamner.text.SentenceJson;
import io.streamner.text.SentenceJson.Kind;
import io.streamner.text.SentenceJson.Rejected;
import io.streamner.text.Utf8;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code train} or {@code score} value, never throwing: any input gives a record or a
 * reason. The bytes are decoded as strict UTF-8 and the JSON is read by {@link SentenceJson}, the
 * reader of JSON-lines corpora too, so the topic and a corpus file follow the same rules; what only
 * a score record has (raw text, a list of models) is checked here.
 */
final class InputParser {

  /** Makes a record of what was read; the record's constructor checks it once more. */
  private interface Builder<T> {
    T build(SentenceJson.Read read, int maxTokens) throws Rejected;
  }

  private InputParser() {}

  static ParseResult<TrainRecord> train(byte[] value, int maxTokens) {
    return parse(
        value,
        Kind.TRAIN,
        maxTokens,
        (r, max) -> new TrainRecord(r.id(), r.tokens(), r.tags(), r.eventTime()));
  }

  static ParseResult<ScoreRecord> score(byte[] value, int maxTokens) {
    return parse(
        value,
        Kind.SCORE,
        maxTokens,
        (r, max) ->
            new ScoreRecord(
                r.id(),
                r.tokens() != null ? r.tokens() : tokenize(r.text(), max),
                r.models() == null ? null : models(r.models()),
                r.eventTime()));
  }

  private static <T> ParseResult<T> parse(
      byte[] value, Kind kind, int maxTokens, Builder<T> builder) {
    if (maxTokens < 1) { // a programming error, not bad input, so it throws
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    String record = kind == Kind.TRAIN ? "a train record" : "a score record";
    if (value == null || value.length == 0) {
      return ParseResult.failed(
          (value == null ? "value is null (a tombstone); " : "value is empty; ")
              + record
              + " is a JSON object");
    }
    try {
      String json = Utf8.withoutBom(Utf8.decode(value));
      SentenceJson.Read read = SentenceJson.read(json, kind, maxTokens);
      try {
        return ParseResult.ok(builder.build(read, maxTokens));
      } catch (IllegalArgumentException e) { // what the record's constructor refuses
        return ParseResult.failed(e.getMessage());
      }
    } catch (Utf8.MalformedException e) {
      return ParseResult.failed("value is not valid UTF-8: " + e.getMessage());
    } catch (Rejected e) {
      return ParseResult.failed(e.reason());
    } catch (RuntimeException e) {
      // A bug here must not stop the job either; the reason says it is one, and the fuzz
      // test fails on it.
      return ParseResult.failed(
          "internal error while parsing (please report it): " + Checks.shorten(e.toString()));
    }
  }

  /** Splits text, keeping at most maxTokens tokens and counting the rest. */
  private static List<String> tokenize(String text, int maxTokens) throws Rejected {
    reject(Checks.surrogates(text, "text"));
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
      reject("text holds no tokens: it is empty or only white space");
    }
    if (count[0] > maxTokens) {
      reject(
          "text splits into "
              + Checks.count(count[0])
              + " tokens; the limit is "
              + Checks.count(maxTokens));
    }
    reject(problem[0]);
    return tokens;
  }

  /** Entity types as the user wrote them ({@code person}) to canonical ones ({@code PER}). */
  private static List<String> models(SentenceJson.Strings models) throws Rejected {
    if (models.count() == 0) {
      reject("models is empty; leave it out to ask every model");
    }
    if (models.count() > Checks.MAX_MODELS) {
      reject(Checks.tooManyModels(models.count()));
    }
    List<String> canonical = new ArrayList<>();
    for (int i = 0; i < models.count(); i++) {
      String where = "models[" + i + "]";
      String model = models.items().get(i);
      reject(Checks.text(model, where));
      try {
        canonical.add(EntityTags.canonicalEntity(model));
      } catch (IllegalArgumentException e) {
        reject(
            where
                + " is not an entity type: "
                + Checks.quote(model)
                + (model.length() <= Checks.EXCERPT_LENGTH ? " (" + e.getMessage() + ")" : ""));
      }
    }
    return canonical;
  }

  private static void reject(String reason) throws Rejected {
    if (reason != null) {
      throw new Rejected(Problem.WRONG_FIELD_TYPE, reason);
    }
  }
}
