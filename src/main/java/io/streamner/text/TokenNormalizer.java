package io.streamner.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a token as written into the word the vocabulary knows: lowercased (the pretrained vectors
 * are lowercase), and, when {@code numbers} is on, every number mapped to {@link #NUMBER} so that
 * "1984" and "2,000" share one learned vector instead of falling to the unknown word.
 *
 * <p>In JSON (the model file's header, a snapshot manifest) it is {@code {"lowercase": true,
 * "numbers": false}}: the constant {@code lowercase} tells readers in other languages what to do.
 */
@JsonPropertyOrder({"lowercase", "numbers"})
public record TokenNormalizer(boolean numbers) implements java.io.Serializable {
  /** The one token every number becomes when number mapping is on. */
  public static final String NUMBER = "NNNUMMM";

  private static final Pattern NUMBER_PATTERN =
      Pattern.compile("[+-]?[0-9]+([.,:/-][0-9]+)*(st|nd|rd|th|s|%)?");

  /**
   * Reads the JSON form.
   *
   * @throws IllegalArgumentException if it says lowercase is off, which no streamner model does
   */
  @JsonCreator
  static TokenNormalizer fromJson(
      @JsonProperty("lowercase") boolean lowercase, @JsonProperty("numbers") boolean numbers) {
    if (!lowercase) {
      throw new IllegalArgumentException(
          "normalizer.lowercase is false; streamner models always lowercase words");
    }
    return new TokenNormalizer(numbers);
  }

  /** Always true: words are lowercased ({@code Locale.ROOT}); written to JSON for other readers. */
  @JsonProperty
  public boolean lowercase() {
    return true;
  }

  public static TokenNormalizer defaults() {
    return new TokenNormalizer(false);
  }

  public String normalize(String token) {
    if (numbers && NUMBER_PATTERN.matcher(token).matches()) return NUMBER;
    return token.toLowerCase(Locale.ROOT);
  }
}
