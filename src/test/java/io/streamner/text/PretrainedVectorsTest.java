package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading pretrained vectors: skipped lines are reported, numbers that are not finite refused. */
class PretrainedVectorsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void readsGloveTextAndReportsLinesItSkips() throws IOException {
    Path file = write("v.txt", "the 0.5 -1\nof 1e-3 2\nbad abc 1\nshort 1\nthe 9 9\n");
    PretrainedVectors v = PretrainedVectors.readGlove(file);
    assertEquals(List.of("the", "of"), v.words());
    assertEquals(2, v.dim());
    assertEquals(
        List.of(
            "line 3: a value is not a number",
            "line 4: 1 values, expected 2",
            "line 5: duplicate word 'the', first kept"),
        v.problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nan", "NaN", "-inf", "Infinity", "1e400", "-1e999"})
  void aNumberThatIsNotFiniteRefusesTheFileNamingTheLine(String value) throws IOException {
    Path file = write("v.txt", "the 0.5 -1\nof 1 2\nlondon 0.25 " + value + "\n");
    IOException e = assertThrows(IOException.class, () -> PretrainedVectors.readGlove(file));
    assertEquals(
        file
            + ": line 3: value 2 is "
            + value
            + ", not a finite number; a vectors file must hold only finite numbers",
        e.getMessage());
  }

  @Test
  void theAlignedLayoutRefusesThemToo() throws IOException {
    Path vocab = write("vocab.txt", "the\nof\n");
    Path vectors = write("wordVectors.txt", "0.5 -1\ninf 2\n");
    IOException e =
        assertThrows(IOException.class, () -> PretrainedVectors.readAligned(vocab, vectors));
    assertTrue(e.getMessage().startsWith(vectors + ": line 2: value 1 is inf"), e.getMessage());
  }
}
