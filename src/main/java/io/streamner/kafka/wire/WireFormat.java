package io.streamner.kafka.wire;

import com.fasterxml.jackson.core.JacksonException;
import io.streamner.json.Json;
import io.streamner.text.Checks;
import io.streamner.text.SentenceJson;
import io.streamner.text.SentenceJson.Kind;
import io.streamner.text.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Bytes to records and back for the {@code train}, {@code score}, {@code predictions} and {@code
 * dead-letter} topics ({@code snapshots}: {@link SnapshotCodec}). Values are compact UTF-8 JSON
 * objects with snake_case fields, as the schemas in {@code schemas/} and {@code schemas/topics.md}
 * describe; the records are bound by Jackson ({@link Json}), field for component.
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
    return parse(
        value,
        Kind.TRAIN,
        maxTokens,
        r -> new TrainRecord(r.id(), r.tokens(), r.tags(), r.eventTime()));
  }

  /**
   * Reads a {@code score} value, splitting raw {@code text} with {@link
   * io.streamner.text.SimpleTokenizer}. Never throws for any bytes.
   *
   * @param maxTokens longest sentence accepted, after tokenisation
   * @throws IllegalArgumentException only if maxTokens is below 1 (a programming error)
   */
  public static ParseResult<ScoreRecord> parseScore(byte[] value, int maxTokens) {
    return parse(
        value,
        Kind.SCORE,
        maxTokens,
        r -> new ScoreRecord(r.id(), r.tokens(), r.models(), r.eventTime()));
  }

  /**
   * Strict UTF-8, then {@link SentenceJson}, the reader of JSON-lines corpora too, then the
   * record's constructor, which checks once more.
   */
  private static <T> ParseResult<T> parse(
      byte[] value, Kind kind, int maxTokens, Function<SentenceJson.Read, T> record) {
    if (maxTokens < 1) { // a programming error, not bad input, so it throws
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    String what =
        kind == Kind.TRAIN
            ? "; a train record is a JSON object"
            : "; a score record is a JSON object";
    if (value == null || value.length == 0) {
      return ParseResult.failed(
          (value == null ? "value is null (a tombstone)" : "value is empty") + what);
    }
    try {
      SentenceJson.Read read =
          SentenceJson.read(Utf8.withoutBom(Utf8.decode(value)), kind, maxTokens);
      try {
        return ParseResult.ok(record.apply(read));
      } catch (IllegalArgumentException e) { // what the record's constructor refuses
        return ParseResult.failed(e.getMessage());
      }
    } catch (Utf8.MalformedException e) {
      return ParseResult.failed("value is not valid UTF-8: " + e.getMessage());
    } catch (SentenceJson.Rejected e) {
      return ParseResult.failed(e.reason());
    } catch (RuntimeException e) {
      // A bug must not stop the job either; the reason says it is one, and the fuzz test fails on
      // it.
      return ParseResult.failed(
          "internal error while parsing (please report it): " + Checks.shorten(e.toString()));
    }
  }

  /** A {@code train} value, for producers (the CLI, the demo, tests). */
  public static byte[] encode(TrainRecord r) {
    return write(r);
  }

  /** A {@code score} value with {@code tokens} (a record never holds raw text). */
  public static byte[] encode(ScoreRecord r) {
    return write(r);
  }

  /**
   * A {@code predictions} value. Probabilities are written as JSON numbers in Java's shortest
   * round-trip form, so decoding gives the same doubles bit for bit.
   */
  public static byte[] encode(PredictionRecord r) {
    return write(r);
  }

  /** A {@code dead-letter} value. */
  public static byte[] encode(DeadLetterRecord r) {
    return write(r);
  }

  /**
   * Reads a {@code predictions} value.
   *
   * @throws IllegalArgumentException if it is not a valid prediction
   */
  public static PredictionRecord decodePrediction(byte[] value) {
    return read(value, PredictionRecord.class, "prediction");
  }

  /**
   * Reads a {@code dead-letter} value.
   *
   * @throws IllegalArgumentException if it is not a valid dead letter
   */
  public static DeadLetterRecord decodeDeadLetter(byte[] value) {
    return read(value, DeadLetterRecord.class, "dead letter");
  }

  /** The key of a prediction: its input's id, so one sentence's predictions share a partition. */
  public static String key(PredictionRecord r) {
    return r.id();
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

  /** Writes any record of the topics, {@code snapshots} included: they are all writable. */
  static byte[] write(Object record) {
    try {
      return Json.MAPPER.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record, e); // the records are writable
    }
  }

  /**
   * Refuses a null (a tombstone) or empty value, which no output topic's format writes: the first
   * check of every decoder, {@code snapshots} included.
   *
   * @param what the record, as the message starts, e.g. {@code dead letter}
   */
  static void requireValue(byte[] value, String what) {
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException(what + ": value is " + (value == null ? "null" : "empty"));
    }
  }

  private static <T> T read(byte[] value, Class<T> type, String what) {
    requireValue(value, what);
    try {
      return Json.MAPPER.readValue(value, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(what + ": " + Json.describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does not fail otherwise
    }
  }
}
