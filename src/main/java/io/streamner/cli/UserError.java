package io.streamner.cli;

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
}
