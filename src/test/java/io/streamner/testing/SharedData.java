package io.streamner.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real corpora in ../shared/data (never copied into the repository). A test that needs one
 * fails without it rather than being skipped: the accuracy and streaming tests must run wherever
 * the build is called green, CI included.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    return Path.of(System.getProperty("streamner.shared.data", "../shared/data"));
  }

  /**
   * A file under ../shared/data; the test fails, saying how to provide it, on a machine without it.
   */
  public static Path require(String relative) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file)) {
      fail(
          "shared data not found: "
              + file.toAbsolutePath().normalize()
              + ". The corpora and vectors are not in the repository: put them in ../shared/data"
              + " (btc/, wnut17/, vectors/; see the README's licence section) or point"
              + " -Dstreamner.shared.data=DIR at a copy. This test needs them and does not skip.");
    }
    return file;
  }
}
