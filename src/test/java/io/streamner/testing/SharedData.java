package io.streamner.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real corpora in ../shared/data (never copied into the repository). */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    return Path.of(System.getProperty("streamner.shared.data", "../shared/data"));
  }

  /** A file under ../shared/data; the test is skipped, not failed, on a machine without it. */
  public static Path require(String relative) {
    Path file = root().resolve(relative);
    assumeTrue(Files.isRegularFile(file), "shared data not found: " + file);
    return file;
  }
}
