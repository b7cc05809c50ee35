package io.streamner.kafka.wire;

import java.nio.charset.StandardCharsets;

/**
 * Bytes to records and back for the {@code train}, {@code score}, {@code predictions} and {@code
 * dead-letter} topics ({@code snapshots}: {@link SnapshotCodec}). Values are compact UTF-8 JSON
 * objects with snake_case fields, as the schemas in {@code schemas/} and {@code schemas/topics.md}
 * describe.
 *
 * <p>The two inputs come from outside, so parsing them is total: {@link #parseTrain} and {@link
 * #parseScore} return a {@link ParseResult} holding the record or a reason, and never throw on any
 * bytes. The outputs are written here, so their decoders throw {@link IllegalArgumentException} on
 * damage and ignore fields they do not know (so fields can be added later without breaking
 * readers).
 */
public final class WireFormat {

  /** The token limit the job uses unless configured otherwise. */
  public static final int DEFAULT_MAX_TOKENS = 1_000;

  private WireFormat() {}

  /**
   * Reads a {@code train} value. Never throws for any bytes, {@code null} included.
   *
   * @param maxTokens longest sentence accepted; a longer one is rejected rather than letting one
   *     record hold up the stream (or a prediction outgrow Kafka's record limit)
   * @return the record, or the reason it was rejected
   * @throws IllegalArgumentException only if maxTokens is below 1 (a programming error)
   */
  public static ParseResult<TrainRecord> parseTrain(byte[] value, int maxTokens) {
    return InputParser.train(value, maxTokens);
  }

  /**
   * Reads a {@code score} value, splitting raw {@code text} with {@link SimpleTokenizer}. Never
   * throws for any bytes.
   *
   * @param maxTokens longest sentence accepted, after tokenisation
   * @throws IllegalArgumentException only if maxTokens is below 1 (a programming error)
   */
  public static ParseResult<ScoreRecord> parseScore(byte[] value, int maxTokens) {
    return InputParser.score(value, maxTokens);
  }

  /** A {@code train} value, for producers (the CLI, the demo, tests). */
  public static byte[] encode(TrainRecord r) {
    return Json.object(
        g -> {
          g.writeStringField("id", r.id());
          Json.strings(g, "tokens", r.tokens());
          Json.strings(g, "tags", r.tags());
          if (r.eventTime() != null) {
            g.writeNumberField("event_time", r.eventTime());
          }
        });
  }

  /** A {@code score} value with {@code tokens} (a record never holds raw text). */
  public static byte[] encode(ScoreRecord r) {
    return Json.object(
        g -> {
          g.writeStringField("id", r.id());
          Json.strings(g, "tokens", r.tokens());
          if (!r.models().isEmpty()) {
            Json.strings(g, "models", r.models());
          }
          if (r.eventTime() != null) {
            g.writeNumberField("event_time", r.eventTime());
          }
        });
  }

  /**
   * A {@code predictions} value. Probabilities are written as JSON numbers in Java's shortest
   * round-trip form, so decoding gives the same doubles bit for bit.
   */
  public static byte[] encode(PredictionRecord r) {
    return Json.object(
        g -> {
          g.writeStringField("id", r.id());
          g.writeStringField("kind", r.kind());
          g.writeStringField("model", r.model());
          g.writeNumberField("model_version", r.modelVersion());
          g.writeNumberField("examples_seen", r.examplesSeen());
          Json.strings(g, "tokens", r.tokens());
          Json.strings(g, "labels", r.labels());
          g.writeArrayFieldStart("probabilities");
          for (double p : r.probabilities()) {
            g.writeNumber(p);
          }
          g.writeEndArray();
          if (r.gold() != null) {
            Json.strings(g, "gold", r.gold());
          }
          if (r.eventTime() != null) {
            g.writeNumberField("event_time", r.eventTime());
          }
          g.writeNumberField("processed_at", r.processedAt());
        });
  }

  /**
   * Reads a {@code predictions} value.
   *
   * @throws IllegalArgumentException if it is not a valid prediction
   */
  public static PredictionRecord decodePrediction(byte[] value) {
    try {
      Json.Reader in = Json.readObject(value);
      return new PredictionRecord(
          in.text("id"),
          in.text("kind"),
          in.text("model"),
          in.integer("model_version"),
          in.integer("examples_seen"),
          in.strings("tokens"),
          in.strings("labels"),
          in.numbers("probabilities"),
          in.has("gold") ? in.strings("gold") : null,
          in.optionalInteger("event_time"),
          in.integer("processed_at"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("prediction: " + e.getMessage(), e);
    }
  }

  /** The key of a prediction: its input's id, so one sentence's predictions share a partition. */
  public static String key(PredictionRecord r) {
    return r.id();
  }

  /** A {@code dead-letter} value. */
  public static byte[] encode(DeadLetterRecord r) {
    return Json.object(
        g -> {
          g.writeStringField("reason", r.reason());
          g.writeObjectFieldStart("source");
          g.writeStringField("topic", r.source().topic());
          g.writeNumberField("partition", r.source().partition());
          g.writeNumberField("offset", r.source().offset());
          g.writeEndObject();
          g.writeStringField("original_base64", r.originalBase64());
          if (r.originalText() != null) {
            g.writeStringField("original_text", r.originalText());
          }
          g.writeBooleanField("original_truncated", r.originalTruncated());
          g.writeNumberField("original_size", r.originalSize());
          g.writeNumberField("failed_at", r.failedAt());
        });
  }

  /**
   * Reads a {@code dead-letter} value.
   *
   * @throws IllegalArgumentException if it is not a valid dead letter
   */
  public static DeadLetterRecord decodeDeadLetter(byte[] value) {
    try {
      Json.Reader in = Json.readObject(value);
      Json.Reader source = in.object("source");
      return new DeadLetterRecord(
          in.text("reason"),
          new DeadLetterRecord.Source(
              source.text("topic"), source.int32("partition"), source.integer("offset")),
          in.text("original_base64"),
          in.has("original_text") ? in.text("original_text") : null,
          in.bool("original_truncated"),
          in.integer("original_size"),
          in.integer("failed_at"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dead letter: " + e.getMessage(), e);
    }
  }

  /**
   * The key of a dead letter, {@code train/0/1234}: where the record came from, unique per input
   * record, so a replayed dead letter overwrites rather than duplicates on a compacted copy.
   */
  public static String key(DeadLetterRecord r) {
    return r.source().topic() + "/" + r.source().partition() + "/" + r.source().offset();
  }

  /** A key as the UTF-8 bytes a producer sends. */
  public static byte[] keyBytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** The one wording of the most common training-data error, used by parser and records. */
  static String lengthMismatch(int tokens, int tags) {
    return "tokens and tags differ in length ("
        + Checks.count(tokens)
        + " vs "
        + Checks.count(tags)
        + ")";
  }
}
