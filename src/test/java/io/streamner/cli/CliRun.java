package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the command line in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** {@code train --train FILE} and the options. */
  static CliRun train(Path train, String... options) {
    return of(trainArgs(train, options));
  }

  /** The arguments of {@link #train}, for tests that run them in another process. */
  static String[] trainArgs(Path train, String... options) {
    return concat(List.of("train", "--train", train.toString()), options);
  }

  /**
   * {@code train --train FILE} with the small network and four epochs the offline workflow tests
   * train, and the options.
   */
  static CliRun trainSmall(Path train, String... options) {
    List<String> small =
        List.of("--dim", "10", "--hidden", "20", "--window", "3", "--lr", "0.05", "--epochs", "4");
    List<String> all = new ArrayList<>(small);
    all.addAll(List.of(options));
    return train(train, all.toArray(new String[0]));
  }

  /** {@code eval --model MODEL --data FILE} and the options. */
  static CliRun eval(Path model, Path data, String... options) {
    return of(
        concat(List.of("eval", "--model", model.toString(), "--data", data.toString()), options));
  }

  /** {@code tag --model MODEL} and the options and files. */
  static CliRun tag(Path model, String... arguments) {
    return of(concat(List.of("tag", "--model", model.toString()), arguments));
  }

  /**
   * The first sentence {@code tag --model MODEL --json DATA} prints, after checking that it
   * succeeded: the float-model tests compare it with the model's own probabilities.
   */
  static JsonNode firstTaggedSentence(Path model, Path data) throws IOException {
    CliRun tag = tag(model, "--json", data.toString());
    assertEquals(0, tag.exitCode(), tag.toString());
    return JSON.readTree(tag.out().strip().split("\n")[0]);
  }

  /** The texts of a JSON array of strings, such as a tagged sentence's {@code tokens}. */
  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  /** {@code demo --out FOLDER} and the options. */
  static CliRun demo(Path out, String... options) {
    return of(concat(List.of("demo", "--out", out.toString()), options));
  }

  /** {@code produce --bootstrap-servers SERVERS --topic TOPIC}, the options, then the file. */
  static CliRun produce(String servers, String topic, Path file, String... options) {
    return of(produceArgs(servers, topic, file, options));
  }

  /** The arguments of {@link #produce}, for tests that check the run on their own terms. */
  static String[] produceArgs(String servers, String topic, Path file, String... options) {
    List<String> all = new ArrayList<>(List.of(options));
    all.add(file.toString());
    return concat(
        List.of("produce", "--bootstrap-servers", servers, "--topic", topic),
        all.toArray(new String[0]));
  }

  /** {@code export --bootstrap-servers SERVERS --topic TOPIC --model MODEL --out FILE}, options. */
  static CliRun export(String servers, String topic, String model, Path out, String... options) {
    return of(exportArgs(servers, topic, model, out, options));
  }

  /** The arguments of {@link #export}, for tests that check the run on their own terms. */
  static String[] exportArgs(
      String servers, String topic, String model, Path out, String... options) {
    return concat(
        List.of(
            "export",
            "--bootstrap-servers",
            servers,
            "--topic",
            topic,
            "--model",
            model,
            "--out",
            out.toString()),
        options);
  }

  private static String[] concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all.toArray(new String[0]);
  }

  /** Asserts that stdout holds each of {@code pieces}; a failure shows the whole run. */
  void assertPrinted(String... pieces) {
    for (String piece : pieces) {
      assertTrue(out.contains(piece), () -> "no <" + piece + "> in:\n" + this);
    }
  }

  String lastLine() {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
