package io.streamner.cli;

import java.util.function.Supplier;

/**
 * A problem the user can fix (a missing file, a wrong option): printed as one line, no stack trace.
 */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * What {@code check} returns; if it refuses what the user gave with an {@link
   * IllegalArgumentException}, whose message says what is wrong, that message as a user error.
   */
  static <T> T ifRefused(Supplier<T> check) {
    return ifRefused("", check);
  }

  /**
   * {@link #ifRefused(Supplier)} with {@code context} (e.g. {@code "--precision: "}) before the
   * message.
   */
  static <T> T ifRefused(String context, Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new UserError(context + e.getMessage(), e);
    }
  }
}
