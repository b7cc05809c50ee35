package io.streamner.kafka.wire;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.streamner.text.Checks;
import io.streamner.text.Utf8;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An input record the job could not use, on the {@code dead-letter} topic: why, where it came from,
 * and its bytes, so that nothing is dropped silently and a fixed record can be replayed.
 *
 * <p>The original is kept as base64 (exact bytes, whatever they were) and, when the bytes are valid
 * UTF-8, also as text so a person can read it without decoding. Both are cut to a size that keeps
 * the dead letter far below Kafka's default 1 MiB record limit: a dead letter that cannot be
 * written would lose the very record it reports.
 *
 * @param reason why the record was rejected, e.g. {@code tokens and tags differ in length (3 vs 2)}
 * @param source where the record was read
 * @param originalBase64 the original value's first {@link #MAX_ORIGINAL_BYTES} bytes, base64 (RFC
 *     4648, standard alphabet, padded); empty for a null or empty value
 * @param originalText the original value as text, its first {@link #MAX_ORIGINAL_CHARS} characters,
 *     or {@code null} when the bytes are not valid UTF-8
 * @param originalTruncated whether the base64 or the text holds less than the whole value
 * @param originalSize the size of the whole original value in bytes (0 for null)
 * @param failedAt when the record was rejected, epoch milliseconds
 */
public record DeadLetterRecord(
    String reason,
    Source source,
    String originalBase64,
    @JsonSetter(nulls = Nulls.SET) String originalText,
    boolean originalTruncated,
    long originalSize,
    long failedAt) {

  /** Bytes of the original kept: 256 KiB, about 350 KiB of base64. */
  public static final int MAX_ORIGINAL_BYTES = 256 * 1024;

  /** Characters of the original kept as text. */
  public static final int MAX_ORIGINAL_CHARS = 10_000;

  /**
   * Where a record was read.
   *
   * @param topic the Kafka topic, e.g. {@code train}
   * @param partition its partition
   * @param offset its offset in the partition
   */
  public record Source(String topic, int partition, long offset) {

    /**
     * @throws IllegalArgumentException if the topic is blank or a number is negative
     */
    public Source {
      Checks.require(Checks.text(topic, "source.topic"));
      NonNegative.require("source partition and offset", partition, offset);
    }
  }

  /**
   * @throws IllegalArgumentException if the reason is blank or a number is negative
   */
  public DeadLetterRecord {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a dead letter needs a reason");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(originalBase64, "originalBase64");
    NonNegative.require("original_size and failed_at", originalSize, failedAt);
  }

  /**
   * The dead letter of a rejected value: keeps its bytes (cut to {@link #MAX_ORIGINAL_BYTES}) and,
   * if they are valid UTF-8, its text (cut to {@link #MAX_ORIGINAL_CHARS}, never inside a surrogate
   * pair).
   *
   * @param value the record's value as read; {@code null} for a tombstone
   */
  public static DeadLetterRecord of(String reason, Source source, byte[] value, long failedAt) {
    byte[] bytes = value == null ? new byte[0] : value;
    byte[] kept =
        bytes.length > MAX_ORIGINAL_BYTES ? Arrays.copyOf(bytes, MAX_ORIGINAL_BYTES) : bytes;
    String text = strictUtf8(bytes);
    boolean truncated = kept.length < bytes.length;
    if (text != null && text.length() > MAX_ORIGINAL_CHARS) {
      int end = MAX_ORIGINAL_CHARS;
      if (Character.isLowSurrogate(text.charAt(end))
          && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      text = text.substring(0, end);
      truncated = true;
    }
    return new DeadLetterRecord(
        reason,
        source,
        Base64.getEncoder().encodeToString(kept),
        text,
        truncated,
        bytes.length,
        failedAt);
  }

  /** The original bytes kept (all of them unless {@link #originalTruncated()}). */
  public byte[] originalBytes() {
    return Base64.getDecoder().decode(originalBase64);
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return Utf8.decode(bytes);
    } catch (Utf8.MalformedException e) {
      return null;
    }
  }
}
