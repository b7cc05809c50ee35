package io.streamner.kafka.wire;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of parsing one input record: the record, or the reason it was rejected.
 *
 * <p>A result type rather than an exception because rejection is an expected, frequent outcome in a
 * stream (every bad record becomes a dead letter) and the caller must handle both paths.
 *
 * @param value the parsed record, or {@code null} when the input was rejected
 * @param reason why the input was rejected, for a person to read; {@code null} on success
 * @param <T> the record type
 */
public record ParseResult<T>(T value, String reason) {

  /** Exactly one of value and reason is set, so a caller can never see both or neither. */
  public ParseResult {
    if ((value == null) == (reason == null)) {
      throw new IllegalArgumentException("a parse result holds either a value or a reason");
    }
  }

  /** A successful parse. */
  public static <T> ParseResult<T> ok(T value) {
    return new ParseResult<>(Objects.requireNonNull(value, "value"), null);
  }

  /** A rejected input. */
  public static <T> ParseResult<T> failed(String reason) {
    return new ParseResult<>(null, Objects.requireNonNull(reason, "reason"));
  }

  /** True when the input was accepted. */
  public boolean isOk() {
    return value != null;
  }

  /** The accepted input made into something else, or the same reason. */
  public <R> ParseResult<R> map(Function<? super T, ? extends R> accepted) {
    return value == null ? failed(reason) : ok(accepted.apply(value));
  }

  /**
   * The record, for callers that have already checked {@link #isOk()} (and tests).
   *
   * @throws IllegalStateException with the reason when the input was rejected
   */
  public T get() {
    if (value == null) {
      throw new IllegalStateException("input rejected: " + reason);
    }
    return value;
  }
}
