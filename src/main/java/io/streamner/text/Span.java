package io.streamner.text;

/**
 * A run of tokens {@code [start, end)} that forms one entity mention.
 *
 * <p>The end is exclusive so that {@code end - start} is the mention length and spans can be
 * compared directly between gold tags and predictions when scoring entity-level F1.
 *
 * @param start index of the first token of the mention
 * @param end index one past the last token of the mention
 */
public record Span(int start, int end) {

  /** Rejects empty or negative spans, which would silently count as matches when scoring. */
  public Span {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "span needs 0 <= start < end, got [" + start + ", " + end + ")");
    }
  }

  /** Number of tokens in the mention. */
  public int length() {
    return end - start;
  }
}
