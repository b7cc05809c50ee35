package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's mistake gets one clear line on stderr and exit code 2, never a stack trace. */
class CliErrorsTest {
  @TempDir static Path dir;
  static Path train, model;

  @BeforeAll
  static void smallModel() throws Exception {
    train = dir.resolve("train.tsv");
    SyntheticCorpus.write(train, 60, 9);
    model = dir.resolve("m.model");
    CliRun run =
        CliRun.train(
            train,
            "--entity",
            "PER",
            "--dim",
            "4",
            "--hidden",
            "3",
            "--window",
            "3",
            "--epochs",
            "1",
            "--out",
            model.toString());
    assertEquals(0, run.exitCode(), run.toString());
  }

  /** {@code train --train DATA --entity ENTITY OPTIONS... --out o.model}. */
  private static CliRun train(Path data, String entity, String... options) {
    List<String> args = new ArrayList<>(List.of("--entity", entity));
    args.addAll(List.of(options));
    args.addAll(List.of("--out", dir.resolve("o.model").toString()));
    return CliRun.train(data, args.toArray(new String[0]));
  }

  private static void assertUserError(CliRun run, String expected) {
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains(expected), "stderr should say '" + expected + "':\n" + run);
    assertFalse(run.err().contains("\tat "), "no stack trace:\n" + run);
  }

  @Test
  void missingTrainingFile() {
    assertUserError(train(dir.resolve("nope.tsv"), "PER"), "file not found");
  }

  @Test
  void missingModelFile() {
    assertUserError(CliRun.eval(dir.resolve("none.model"), train), "none.model");
  }

  @Test
  void dimensionMismatchBetweenDimAndVectors() throws Exception {
    Path vectors = dir.resolve("vectors.txt");
    Files.writeString(vectors, "the 0.1 0.2 0.3\nmr 0.3 0.2 0.1\n");
    assertUserError(
        train(train, "PER", "--vectors", vectors.toString(), "--dim", "50"),
        "--dim 50 does not match");
  }

  @Test
  void modelFileFromAnotherFormatVersion() throws Exception {
    byte[] bytes = Files.readAllBytes(model);
    ByteBuffer.wrap(bytes).putInt(8, 99); // the version follows the 8-byte magic
    Path future = dir.resolve("future.model");
    Files.write(future, bytes);
    assertUserError(CliRun.eval(future, train), "version");
  }

  @Test
  void truncatedModelFile() throws Exception {
    byte[] bytes = Files.readAllBytes(model);
    Path cut = dir.resolve("cut.model");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    assertUserError(CliRun.tag(cut, train.toString()), "truncated");
  }

  @Test
  void notAModelFile() throws Exception {
    assertUserError(CliRun.eval(train, train), "not a streamner model file");
  }

  @Test
  void entityAbsentFromTrainingData() {
    assertUserError(train(train, "ORG"), "entity types present: PER");
  }

  @Test
  void unknownPrecision() {
    assertUserError(
        train(train, "PER", "--precision", "half"),
        "--precision: precision must be \"double\" or \"float\", got \"half\"");
  }

  @Test
  void unknownFormatName() {
    assertUserError(train(train, "PER", "--format", "xml"), "xml");
  }

  @Test
  void evenWindowSize() {
    assertUserError(train(train, "PER", "--window", "4"), "odd");
  }

  @Test
  void plainTextIsNotTrainingData() throws Exception {
    Path text = dir.resolve("plain.txt");
    Files.writeString(text, "just some words\nand more words here\n", StandardCharsets.UTF_8);
    assertUserError(train(text, "PER"), "without tags");
  }

  @Test
  void thresholdOutsideZeroToOne() {
    assertUserError(
        CliRun.eval(model, train, "--threshold", "1.5"),
        "--threshold must be above 0 and at most 1");
  }

  @Test
  void unknownOptionShowsUsage() {
    CliRun run = CliRun.train(train, "--entity", "PER", "--out", "x.model", "--bogus");
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--bogus"), run.toString());
  }

  @Test
  void noCommand() {
    CliRun run = CliRun.of();
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("train"), run.toString());
  }
}
