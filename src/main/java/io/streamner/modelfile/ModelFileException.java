package io.streamner.modelfile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be read, with a message meant for the user who named it. The {@link
 * Reason} lets a caller tell the cases apart without parsing the message.
 */
public final class ModelFileException extends IOException {
  /** Why a file was refused. */
  public enum Reason {
    /** The file does not start with the magic bytes: it is some other kind of file. */
    NOT_A_MODEL_FILE,
    /** A model file of a format version this build does not read. */
    UNSUPPORTED_VERSION,
    /**
     * The file ends before the size its own header announces (an interrupted copy, a full disk).
     */
    TRUNCATED,
    /** The bytes are damaged: checksum mismatch, an impossible length, data after the end. */
    CORRUPT,
    /** The JSON header is malformed, lacks a field, or contradicts itself. */
    INVALID_HEADER,
    /** A sound file of a typed model where a binary one is needed. */
    NOT_BINARY
  }

  private final Path file;
  private final Reason reason;

  public ModelFileException(Path file, Reason reason, String message) {
    super(message);
    this.file = file;
    this.reason = reason;
  }

  public ModelFileException(Path file, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  public Reason reason() {
    return reason;
  }
}
