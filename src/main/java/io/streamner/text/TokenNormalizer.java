package io.streamner.text;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a token as written into the word the vocabulary knows: lowercased (the pretrained vectors
 * are lowercase), and, when {@code numbers} is on, every number mapped to {@link #NUMBER} so that
 * "1984" and "2,000" share one learned vector instead of falling to the unknown word.
 */
public record TokenNormalizer(boolean numbers) implements java.io.Serializable {
  /** The one token every number becomes when number mapping is on. */
  public static final String NUMBER = "NNNUMMM";

  private static final Pattern NUMBER_PATTERN =
      Pattern.compile("[+-]?[0-9]+([.,:/-][0-9]+)*(st|nd|rd|th|s|%)?");

  public static TokenNormalizer defaults() {
    return new TokenNormalizer(false);
  }

  public String normalize(String token) {
    if (numbers && NUMBER_PATTERN.matcher(token).matches()) return NUMBER;
    return token.toLowerCase(Locale.ROOT);
  }
}
