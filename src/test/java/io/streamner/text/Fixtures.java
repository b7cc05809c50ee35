package io.streamner.text;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Locates test fixtures and the schema files (the shared real data: {@code testing.SharedData}).
 */
final class Fixtures {

  private Fixtures() {}

  /** A fixture from src/test/resources/io/streamner/text. */
  static Path resource(String name) {
    URL url = Fixtures.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException("missing test fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file under the project directory, e.g. schemas/sentence.schema.json. */
  static Path project(String relative) {
    return Path.of(System.getProperty("basedir", ".")).resolve(relative);
  }

  /** Reads an in-memory corpus. */
  static Corpus read(String text, CorpusFormat format) {
    try {
      return CorpusReader.read(new StringReader(text), "test", format);
    } catch (IOException e) {
      throw new AssertionError("StringReader cannot fail", e);
    }
  }
}
