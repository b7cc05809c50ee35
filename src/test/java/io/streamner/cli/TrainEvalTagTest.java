package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.modelfile.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offline workflow a user runs: train, then eval and tag with the model file it wrote. */
class TrainEvalTagTest extends OfflineWorkflow {
  TrainEvalTagTest() {
    super(SyntheticCorpus::write, "per.model", "--entity", "PERSON");
  }

  /** train on the synthetic corpus: a small model, four epochs, PER; {@code more} options. */
  CliRun trainSmall(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("--entity", "PERSON", "--out", out.toString()));
    args.addAll(List.of(more));
    return CliRun.trainSmall(train, args.toArray(new String[0]));
  }

  @Test
  void trainPrintsProgressAndEndsWithJson() throws Exception {
    assertEquals(0, training.exitCode(), training.toString());
    training.assertPrinted("epoch 1/4", "examples/s", "dev baseline");
    JsonNode result = JSON.readTree(training.lastLine());
    assertEquals("PER", result.get("entity").asText());
    assertTrue(result.get("examples_per_second").asDouble() > 0);
    assertTrue(result.at("/dev/token/f1").asDouble() > 0.9, training.lastLine());
    assertEquals(4, result.get("epochs").size());
    assertTrue(training.out().contains("kernel: float"), "float by default: " + training.out());
    assertEquals(Precision.FLOAT, ModelFile.read(model).precision());
  }

  /**
   * Test names are mostly unseen: only context finds them, which the lookup baseline cannot use.
   */
  @Test
  void evalScoresTheModelAboveTheLookupBaseline() throws Exception {
    CliRun eval = CliRun.eval(model, test, "--baseline-train", train.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    JsonNode result = JSON.readTree(eval.out());
    assertEquals("PER", result.get("entity").asText());
    assertEquals(corpus.testTokens(), result.get("tokens").asInt());
    double f1 = result.at("/token/f1").asDouble();
    assertTrue(f1 > 0.9, "token F1 " + f1);
    assertTrue(result.at("/span/f1").asDouble() > 0.9, eval.out());
    assertTrue(f1 > result.at("/baseline/token/f1").asDouble() + 0.2, eval.out());
    for (String field : new String[] {"precision", "recall", "f1"}) {
      assertTrue(result.get("token").has(field) && result.get("span").has(field), field);
    }
  }

  @Test
  void evalPrintsATableByDefault() {
    CliRun eval = CliRun.eval(model, test);
    assertEquals(0, eval.exitCode(), eval.toString());
    eval.assertPrinted("token", "span");
  }

  @Test
  void tagGivesEveryTokenALabelAndProbability() throws Exception {
    Path text = inputFile("we went to market with Mr zqnewx and friends\nthe weather was fine\n");
    CliRun tag = CliRun.tag(model, text.toString());
    assertEquals(0, tag.exitCode(), tag.toString());
    String[] lines = tag.out().split("\n");
    assertEquals(
        9 + 1 + 4, lines.length, tag.out()); // split drops the blank line after the last sentence
    assertEquals("zqnewx\tB-PER", lines[6].substring(0, lines[6].lastIndexOf('\t')), tag.out());
    assertTrue(
        Arrays.stream(lines)
            .filter(l -> !l.isEmpty())
            .allMatch(l -> l.matches("\\S+\t(O|B-PER|I-PER)\t[01]\\.\\d{4}")),
        tag.out());
    assertEquals("", lines[9]);
  }

  @Test
  void tagJsonGivesOneObjectPerSentence() throws Exception {
    CliRun tag = CliRun.tag(model, "--json", test.toString());
    assertEquals(0, tag.exitCode(), tag.toString());
    String[] lines = tag.out().strip().split("\n");
    assertEquals(300, lines.length);
    JsonNode first = JSON.readTree(lines[0]);
    assertEquals(first.get("tokens").size(), first.get("labels").size());
    assertEquals(first.get("tokens").size(), first.get("probabilities").size());
  }

  @Test
  void trainingContinuesFromAModelFile() throws Exception {
    Path more = dir.resolve("more.model");
    CliRun run =
        CliRun.train(
            train,
            "--entity",
            "per",
            "--init",
            model.toString(),
            "--epochs",
            "1",
            "--json",
            "--out",
            more.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTokenF1AboveNinety(more);
  }

  /**
   * train --precision float, then tag and eval read the float model and score it with its kernel; a
   * double model (--precision double) is converted to float with --init.
   */
  @Test
  void aFloatModelIsTrainedTaggedAndEvaluated() throws Exception {
    Path floats = dir.resolve("per-float.model");
    CliRun run = trainSmall(floats, "--precision", "float");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("precision=float"), run.out());
    NerModel floatModel = ModelFile.read(floats);
    assertEquals(Precision.FLOAT, floatModel.precision());
    assertEquals(3, ModelFile.readHeader(floats).formatVersion());

    JsonNode first = CliRun.firstTaggedSentence(floats, test);
    double[] p = floatModel.probabilities(CliRun.texts(first.get("tokens")));
    for (int t = 0; t < p.length; t++)
      assertEquals(Math.round(p[t] * 1e6) / 1e6, first.get("probabilities").get(t).asDouble());

    assertTokenF1AboveNinety(floats);

    Path doubles = dir.resolve("per-double.model");
    CliRun spec = trainSmall(doubles, "--precision", "double");
    assertEquals(0, spec.exitCode(), spec.toString());
    assertTrue(spec.out().contains("kernel: double"), spec.out());
    assertEquals(Precision.DOUBLE, ModelFile.read(doubles).precision());
    Path converted = dir.resolve("converted.model");
    CliRun more =
        CliRun.train(
            train,
            "--entity",
            "PER",
            "--init",
            doubles.toString(),
            "--precision",
            "float",
            "--epochs",
            "0",
            "--out",
            converted.toString());
    assertEquals(0, more.exitCode(), more.toString());
    assertEquals(Precision.FLOAT, ModelFile.read(converted).precision(), "--init converts");
  }

  @Test
  void warmStartRefusesAModelOfAnotherEntity() throws Exception {
    Path places = dir.resolve("places.tsv");
    Files.writeString(places, "we\tO\nmet\tO\nin\tO\nParis\tB-LOC\n\n");
    CliRun run =
        CliRun.train(
            places,
            "--entity",
            "LOC",
            "--init",
            model.toString(),
            "--out",
            dir.resolve("x.model").toString());
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("is a model for PER, not LOC"), run.err());
  }

  /** eval --json of the model on the test file: a token F1 above 0.9, as every model here gets. */
  private void assertTokenF1AboveNinety(Path trained) throws Exception {
    CliRun eval = CliRun.eval(trained, test, "--json");
    assertTrue(JSON.readTree(eval.out()).at("/token/f1").asDouble() > 0.9, eval.out());
  }
}
