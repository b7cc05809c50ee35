package io.streamner.kafka.wire;

/**
 * The check of the records' counts, offsets, versions and times that must not be negative, so that
 * every topic words its refusal alike: {@code a, b and c must not be negative, got 1, -2 and 3}.
 */
final class NonNegative {

  private NonNegative() {}

  /**
   * @param names the fields as the message names them, e.g. {@code original_size and failed_at}
   * @param values their values, in the order named
   * @throws IllegalArgumentException if a value is negative, listing them all
   */
  static void require(String names, long... values) {
    for (long v : values) {
      if (v < 0) {
        StringBuilder got = new StringBuilder(names).append(" must not be negative, got ");
        for (int i = 0; i < values.length; i++) {
          got.append(i == 0 ? "" : i == values.length - 1 ? " and " : ", ").append(values[i]);
        }
        throw new IllegalArgumentException(got.toString());
      }
    }
  }
}
