package io.streamner.text;

import java.util.List;
import java.util.Objects;

/**
 * One sentence (or tweet) as a list of tokens with, for labelled input, one tag per token.
 *
 * <p>The line number is kept so that every later message about a sentence (a prediction, an error)
 * can point the user back to the place in the source file.
 *
 * @param tokens the tokens, never null; copied into an immutable list
 * @param tags one tag per token, or {@code null} for unlabelled input (text to be tagged)
 * @param line 1-based line of the first token in the source, or 0 when there is no source
 */
public record Sentence(List<String> tokens, List<String> tags, long line) {

  /**
   * Copies the lists so that a sentence cannot change after it was checked, and rejects tags that
   * do not line up with the tokens: a misaligned sentence would train the model on wrong labels
   * without any visible error.
   *
   * @throws IllegalArgumentException if tags are given and their count differs from the tokens' or
   *     the line is negative
   * @throws NullPointerException if tokens, or an element of tokens or tags, is null
   */
  public Sentence {
    Objects.requireNonNull(tokens, "tokens");
    tokens = List.copyOf(tokens);
    if (tags != null) {
      tags = List.copyOf(tags);
      if (tags.size() != tokens.size()) {
        throw new IllegalArgumentException(
            "sentence at line "
                + line
                + " has "
                + tokens.size()
                + " tokens but "
                + tags.size()
                + " tags");
      }
    }
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /** True when the sentence carries gold tags and so can be used for training or scoring. */
  public boolean labelled() {
    return tags != null;
  }

  /** Number of tokens. */
  public int size() {
    return tokens.size();
  }
}
