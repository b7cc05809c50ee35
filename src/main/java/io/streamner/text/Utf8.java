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
 * <p>{@link Files#newBufferedReader(Path)} throws on the first malformed byte, which would
 * abort a whole training run over one broken tweet. Here malformed bytes become U+FFFD and
 * the reader reports the affected lines instead.
 */
final class Utf8 {

    /** What a malformed byte sequence decodes to; a line containing it is reported as bad. */
    static final char REPLACEMENT = '\uFFFD';

    private static final char BOM = '\uFEFF';

    private Utf8() {
    }

    /**
     * Opens a file for line reading.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     */
    static BufferedReader open(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder));
    }

    /** Drops a leading byte-order mark, which editors on Windows put in front of the first token. */
    static String withoutBom(String line) {
        return !line.isEmpty() && line.charAt(0) == BOM ? line.substring(1) : line;
    }
}
