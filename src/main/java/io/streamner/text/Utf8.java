package io.streamner.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opening corpus files as UTF-8 in a way that survives bad bytes.
 *
 * <p>{@link Files#newBufferedReader(Path)} throws on the first malformed byte, which would abort a
 * whole training run over one broken tweet. Here malformed bytes are replaced and the reader
 * reports the affected lines instead.
 *
 * <p>The replacement is a lone surrogate rather than the usual U+FFFD: a correctly encoded U+FFFD
 * is ordinary text (btc.train contains one, left by an earlier lossy conversion) and must not be
 * mistaken for a decoding error, while valid UTF-8 can never decode to a lone surrogate. Text
 * handed in as a {@link java.io.Reader} with lone surrogates is broken UTF-16 and is reported the
 * same way.
 */
final class Utf8 {

  /**
   * What a malformed byte sequence decodes to: a low surrogate with no high surrogate before it.
   */
  static final String MALFORMED_MARK = "\uDC00";

  private static final char BOM = '\uFEFF';

  private Utf8() {}

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
   * True if the text holds a surrogate that is not part of a valid pair, i.e. bytes that were not
   * valid UTF-8 (or a broken UTF-16 string).
   */
  static boolean hasMalformed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** Drops a leading byte-order mark, which editors on Windows put in front of the first token. */
  static String withoutBom(String line) {
    return !line.isEmpty() && line.charAt(0) == BOM ? line.substring(1) : line;
  }
}
