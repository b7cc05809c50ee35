package io.streamner.text;

import java.util.Objects;

/**
 * One entity mention of a typed tag sequence: tokens {@code [start, end)} of canonical type {@code
 * type} ({@code PER}). Strict entity-level scoring (conlleval's) counts a predicted mention right
 * only when start, end and type all equal a gold mention's.
 */
public record Mention(String type, int start, int end) {
  public Mention {
    Objects.requireNonNull(type, "type");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "a mention needs 0 <= start < end, got [" + start + ", " + end + ")");
    }
  }

  /** The tokens it covers, without its type. */
  public Span span() {
    return new Span(start, end);
  }
}
