package io.streamner.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place that decides what valid UTF-8 text is: for corpus files, for the values of the
 * Kafka topics and for the dead letters that quote them.
 *
 * <p>Corpus files: {@link Files#newBufferedReader(Path)} throws on the first malformed byte, which
 * would abort a whole training run over one broken tweet. {@link #open} replaces malformed bytes
 * instead and the readers report the affected lines. The replacement is a lone surrogate rather
 * than the usual U+FFFD: a correctly encoded U+FFFD is ordinary text (btc.train contains one, left
 * by an earlier lossy conversion) and must not be mistaken for a decoding error, while valid UTF-8
 * can never decode to a lone surrogate. Text handed in as a {@link java.io.Reader} with lone
 * surrogates is broken UTF-16 and is reported the same way.
 *
 * <p>Record values: {@link #decode} is strict, so that malformed or overlong sequences and encoded
 * surrogates (CESU-8) are errors, not replacement characters that would become tokens.
 */
public final class Utf8 {

  /**
   * What a malformed byte sequence decodes to: a low surrogate with no high surrogate before it.
   */
  static final String MALFORMED_MARK = "\uDC00";

  private static final char BOM = '\uFEFF';

  private Utf8() {}

  /** Bytes that are not valid UTF-8; the message names them and where they start. */
  public static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Opens a file for line reading.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   */
  static BufferedReader open(Path file) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .replaceWith(MALFORMED_MARK);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder));
  }

  /**
   * The bytes as text, if they are strict UTF-8.
   *
   * @throws MalformedException saying which bytes are wrong and where: {@code bad byte sequence
   *     0xC3 0x28 at byte 8}
   */
  public static String decode(byte[] bytes) throws MalformedException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      StringBuilder bad = new StringBuilder("bad byte sequence");
      for (int i = in.position();
          i < Math.min(bytes.length, in.position() + result.length());
          i++) {
        bad.append(String.format(" 0x%02X", bytes[i] & 0xff));
      }
      throw new MalformedException(bad + " at byte " + Checks.count(in.position()));
    }
    return out.flip().toString();
  }

  /**
   * Where the text holds a surrogate that is not part of a valid pair, or -1. In text decoded by
   * {@link #open} it marks bytes that were not valid UTF-8; in text from JSON, an escape of half a
   * surrogate pair ({@code "\ud800"}), which is not a character and cannot be written as UTF-8.
   */
  public static int loneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** Drops a leading byte-order mark, which editors on Windows put in front of the first token. */
  public static String withoutBom(String line) {
    return !line.isEmpty() && line.charAt(0) == BOM ? line.substring(1) : line;
  }
}
