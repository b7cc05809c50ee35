package io.streamner.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small labelled corpus in token<TAB>tag layout where a person is recognisable only by context
 * ("mr", "said", "told"), with names drawn from a large pool so that most are rare: a model that
 * learns from context tags unseen names; a word lookup cannot.
 */
final class SyntheticCorpus {
  private static final String[] FILLER = {
    "the", "weather", "was", "fine", "in", "town", "today", "and", "we", "went", "to", "market",
    "for", "bread", "on", "a", "quiet", "morning", "with", "friends"
  };

  private SyntheticCorpus() {}

  /** Writes one corpus file, as {@link #write} and {@link #writeTyped} do. */
  interface Writer {
    int write(Path file, int sentences, long seed) throws IOException;
  }

  /** The train, dev and test files both offline workflow tests use, and the test file's tokens. */
  record Splits(Path train, Path dev, Path test, int testTokens) {
    /** train.tsv (1,500 sentences), dev.tsv (200) and test.tsv (300) in dir, seeds 1, 2 and 3. */
    static Splits write(Path dir, Writer corpus) throws IOException {
      Path train = dir.resolve("train.tsv");
      Path dev = dir.resolve("dev.tsv");
      Path test = dir.resolve("test.tsv");
      corpus.write(train, 1500, 1);
      corpus.write(dev, 200, 2);
      return new Splits(train, dev, test, corpus.write(test, 300, 3));
    }
  }

  /** Writes {@code sentences} sentences; returns the number of tokens written. */
  static int write(Path file, int sentences, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    for (int s = 0; s < sentences; s++) {
      int before = 1 + random.nextInt(4);
      for (int i = 0; i < before; i++, tokens++)
        text.append(FILLER[random.nextInt(FILLER.length)]).append("\tO\n");
      String name = "zq" + Integer.toString(random.nextInt(5000), 36) + "x";
      boolean title = random.nextBoolean();
      if (title) {
        text.append(random.nextBoolean() ? "Mr" : "Mrs").append("\tO\n");
        tokens++;
      }
      text.append(name).append("\tB-PER\n");
      text.append(title ? "said" : "told").append("\tO\n");
      tokens += 2;
      int after = 1 + random.nextInt(4);
      for (int i = 0; i < after; i++, tokens++)
        text.append(FILLER[random.nextInt(FILLER.length)]).append("\tO\n");
      text.append("\n");
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return tokens;
  }

  /**
   * A typed corpus in the same spirit: a person after "Mr" or before "said" (sometimes two names
   * long, written capitalised), a place after "in", an organisation before "Inc"; names are rare,
   * so only the context and the capital letter tell them. Returns the tokens written.
   */
  static int writeTyped(Path file, int sentences, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    for (int s = 0; s < sentences; s++) {
      tokens += filler(text, random);
      switch (random.nextInt(3)) {
        case 0 -> {
          text.append("Mr\tO\n");
          text.append(name(random, "zq")).append("\tB-PER\n");
          tokens += 2;
          if (random.nextBoolean()) {
            text.append(name(random, "zq")).append("\tI-PER\n");
            tokens++;
          }
          text.append("said\tO\n");
          tokens++;
        }
        case 1 -> {
          text.append("in\tO\n").append(name(random, "vl")).append("\tB-LOC\n");
          tokens += 2;
        }
        default -> {
          text.append(name(random, "kx")).append("\tB-ORG\nInc\tI-ORG\n");
          tokens += 2;
        }
      }
      tokens += filler(text, random);
      text.append("\n");
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return tokens;
  }

  /** One to three filler words, or a punctuation mark. */
  private static int filler(StringBuilder text, Random random) {
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String word =
          random.nextInt(5) == 0
              ? PUNCTUATION[random.nextInt(PUNCTUATION.length)]
              : FILLER[random.nextInt(FILLER.length)];
      text.append(word).append("\tO\n");
    }
    return n;
  }

  private static final String[] PUNCTUATION = {",", ".", "!"};

  private static String name(Random random, String prefix) {
    return Character.toUpperCase(prefix.charAt(0))
        + prefix.substring(1)
        + Integer.toString(random.nextInt(5000), 36)
        + "x";
  }
}
