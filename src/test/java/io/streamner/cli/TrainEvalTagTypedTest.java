package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamner.model.Hyperparameters;
import io.streamner.model.Precision;
import io.streamner.model.TagDecoder;
import io.streamner.model.TypedModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.TokenFeatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The offline workflow of a typed model: train --types, then eval and tag with its model file. */
class TrainEvalTagTypedTest extends OfflineWorkflow {
  TrainEvalTagTypedTest() {
    super(SyntheticCorpus::writeTyped, "typed.model", "--types", "all");
  }

  /** train on the synthetic corpus with a small network, and the options. */
  CliRun train(String... options) {
    return CliRun.trainSmall(train, options);
  }

  @Test
  void trainAllTypesPrintsProgressAndEndsWithJson() throws Exception {
    assertEquals(0, training.exitCode(), training.toString());
    training.assertPrinted(
        "LOC,ORG,PER (BIOES, 13 tags)", "caps k=5", "dev baseline (majority tag per word)");
    JsonNode result = JSON.readTree(training.lastLine());
    assertEquals("[\"LOC\",\"ORG\",\"PER\"]", result.get("types").toString());
    assertEquals("BIOES", result.get("scheme").asText(), "the default scheme");
    assertTrue(result.at("/dev/entities/overall/f1").asDouble() > 0.9, training.lastLine());
    assertEquals(4, result.get("epochs").size());
    ModelFile.Header header = ModelFile.readHeader(model);
    assertEquals(Precision.FLOAT, header.hyperparameters().precision(), "float by default");
    assertEquals(3, header.formatVersion(), "a float model file");
    assertEquals(13, header.tagSet().tags().size(), "O and B-, I-, E-, S- of three types");
    assertEquals(5, header.capitalization().dim());
    assertEquals(
        Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR,
        header.hyperparameters().vectorLearningRateFactor(),
        "a typed model's vectors step at the default factor, and its file says so");
  }

  /**
   * --vector-lr-factor sets the vectors' step factor (1 leaves it out of the file, as the
   * specification's one step size), a binary model has none unless asked, and a factor that is not
   * a positive number is a one-line error.
   */
  @Test
  void theVectorsStepFactorIsAnOptionKeptInTheModelFile() throws Exception {
    Path one = dir.resolve("factor-1.model");
    CliRun run = train("--types", "all", "--vector-lr-factor", "1", "--out", one.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(null, ModelFile.readHeader(one).hyperparameters().vectorLearningRateFactor());
    assertFalse(Files.readString(one, StandardCharsets.ISO_8859_1).contains("vector_learning"));
    Path binary = dir.resolve("binary.model");
    run = train("--entity", "PER", "--out", binary.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(null, ModelFile.readHeader(binary).hyperparameters().vectorLearningRateFactor());
    Path two = dir.resolve("binary-2.model");
    run = train("--entity", "PER", "--vector-lr-factor", "2", "--out", two.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(2.0, ModelFile.readHeader(two).hyperparameters().vectorLearningRateFactor());
    run.assertPrinted("vector-lr-factor=2.0");
    for (String bad : List.of("0", "-1", "NaN", "Infinity")) {
      CliRun wrong = train("--types", "all", "--vector-lr-factor", bad, "--out", one.toString());
      assertEquals(Main.USER_ERROR, wrong.exitCode(), bad + ": " + wrong);
      assertTrue(wrong.err().contains("--vector-lr-factor"), wrong.err());
    }
  }

  /**
   * A typed model has the three token features unless --features says otherwise, its file carries
   * them, and options that contradict each other are one-line errors.
   */
  @Test
  void tokenFeaturesAreOnForTypedModelsAndChosenWithFeatures() throws Exception {
    TokenFeatures all = ModelFile.readHeader(model).hyperparameters().tokenFeatures();
    assertEquals(TokenFeatures.typedDefault(), all, "shape, prefix and suffix by default");
    training.assertPrinted("features=shape,prefix,suffix buckets=2048");
    Path shape = dir.resolve("shape.model");
    CliRun run =
        train(
            "--types",
            "all",
            "--features",
            "shape",
            "--feature-buckets",
            "64",
            "--out",
            shape.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(
        new TokenFeatures(Set.of(TokenFeatures.Kind.SHAPE), 64),
        ModelFile.readHeader(shape).hyperparameters().tokenFeatures());
    CliRun eval = CliRun.eval(shape, test, "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    Path none = dir.resolve("none.model");
    run = train("--types", "all", "--features", "none", "--out", none.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(null, ModelFile.readHeader(none).hyperparameters().tokenFeatures());
    assertFalse(Files.readString(none, StandardCharsets.ISO_8859_1).contains("token_features"));
    for (List<String> bad :
        List.of(
            List.of("--types", "all", "--features", "colour"),
            List.of("--types", "all", "--no-caps", "--features", "shape"),
            List.of("--types", "all", "--features", "none", "--feature-buckets", "9"),
            List.of("--types", "all", "--feature-buckets", "0"),
            List.of(
                "--entity", "PER", "--caps", "--features", "suffix", "--feature-buckets", "-3"))) {
      List<String> args = new java.util.ArrayList<>(bad);
      args.addAll(List.of("--out", none.toString()));
      CliRun wrong = train(args.toArray(new String[0]));
      assertEquals(Main.USER_ERROR, wrong.exitCode(), bad + ": " + wrong);
      assertTrue(wrong.err().contains("--feature"), bad + ": " + wrong.err());
    }
    CliRun more = init(model, "--types", "all", "--features", "shape", "--out", none.toString());
    assertEquals(Main.USER_ERROR, more.exitCode(), more.toString());
  }

  @Test
  void evalGivesStrictEntityAndTokenScoresPerTypeAboveTheBaseline() throws Exception {
    CliRun eval = CliRun.eval(model, test, "--baseline-train", train.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    JsonNode result = JSON.readTree(eval.out());
    assertEquals(corpus.testTokens(), result.get("token_count").asInt());
    for (String type : List.of("PER", "LOC", "ORG")) {
      assertTrue(result.at("/entities/by_type/" + type + "/f1").asDouble() > 0.9, eval.out());
      assertTrue(result.at("/tokens/by_type/" + type).has("precision"), eval.out());
    }
    double f1 = result.at("/entities/overall/f1").asDouble();
    assertTrue(f1 > result.at("/baseline/entities/overall/f1").asDouble() + 0.2, eval.out());

    CliRun table = CliRun.eval(model, test);
    assertTrue(table.out().contains("strict entities (span, type)"), table.out());
    assertTrue(table.out().matches("(?s).*\\n  overall .*"), table.out());
  }

  @Test
  void tagPrintsTypedLabelsAndJsonEntities() throws Exception {
    Path text = inputFile("the weather was fine in Vlnewx today, said Mr Zqanewx!\n");
    CliRun tag = CliRun.tag(model, text.toString());
    assertEquals(0, tag.exitCode(), tag.toString());
    assertTrue(tag.out().contains("Vlnewx\tS-LOC\t"), "a one-token mention: " + tag.out());
    assertTrue(tag.out().contains("today\tO\t"), tag.out());
    assertTrue(tag.out().contains(",\tO\t"), "punctuation is split off: " + tag.out());

    assertTrue(tag.err().isEmpty(), tag.err());
    CliRun threshold = CliRun.tag(model, "--threshold", "0.9", text.toString());
    assertTrue(threshold.err().contains("--threshold applies to binary models"), threshold.err());

    CliRun json = CliRun.tag(model, "--json", text.toString());
    JsonNode sentence = JSON.readTree(json.out().strip());
    assertEquals(sentence.get("tokens").size(), sentence.get("labels").size());
    JsonNode place = sentence.get("entities").get(0);
    assertEquals("LOC", place.get("type").asText());
    assertEquals("Vlnewx", place.get("text").asText());
    assertEquals(5, place.get("start").asInt());
    assertEquals(6, place.get("end").asInt());
    assertTrue(place.get("score").asDouble() > 0.5 && place.get("score").asDouble() <= 1);
    JsonNode person = sentence.get("entities").get(1);
    assertEquals("PER", person.get("type").asText());
    assertEquals("Zqanewx", person.get("text").asText());
  }

  /** The same corpus through three binary models combined by hand, for comparison. */
  @Test
  void evalCombinesBinaryModelsIntoOneTypedTagger() throws Exception {
    for (String type : List.of("PER", "LOC")) {
      Path binary = dir.resolve(type + ".model");
      assertEquals(0, train("--entity", type, "--out", binary.toString()).exitCode());
    }
    CliRun eval =
        CliRun.of(
            "eval",
            "--model",
            dir.resolve("PER.model").toString(),
            "--model",
            dir.resolve("LOC.model").toString(),
            "--data",
            test.toString(),
            "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    JsonNode result = JSON.readTree(eval.out());
    assertEquals("[\"PER\",\"LOC\"]", result.get("types").toString());
    assertTrue(result.at("/entities/by_type/LOC/f1").asDouble() > 0.8, eval.out());
  }

  @Test
  void binaryModelsTakeCapitalisationFeaturesOnRequest() throws Exception {
    Path caps = dir.resolve("per-caps.model");
    CliRun run = train("--entity", "PER", "--caps", "--caps-dim", "3", "--out", caps.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("caps k=3"), run.out());
    assertEquals(3, ModelFile.readHeader(caps).formatVersion(), "a float model with caps");
    CliRun eval = CliRun.eval(caps, test, "--json");
    assertTrue(JSON.readTree(eval.out()).at("/mention/f1").asDouble() > 0.9, eval.out());

    Path plain = dir.resolve("per.model");
    CliRun spec = train("--entity", "PER", "--precision", "double", "--out", plain.toString());
    assertEquals(0, spec.exitCode(), spec.toString());
    assertEquals(1, ModelFile.readHeader(plain).formatVersion(), "double without caps: version 1");

    Path floats = dir.resolve("per-caps-float.model");
    CliRun inFloat =
        train(
            "--entity",
            "PER",
            "--caps",
            "--caps-dim",
            "3",
            "--precision",
            "float",
            "--out",
            floats.toString());
    assertEquals(0, inFloat.exitCode(), inFloat.toString());
    inFloat.assertPrinted("caps k=3", "precision=float");
    assertEquals(3, ModelFile.readHeader(floats).formatVersion(), "a float model: version 3");
    CliRun evalFloat = CliRun.eval(floats, test, "--json");
    assertTrue(JSON.readTree(evalFloat.out()).at("/mention/f1").asDouble() > 0.9, evalFloat.out());
  }

  @Test
  void typedTrainingContinuesFromItsModelFileAndRefusesAnotherKind() throws Exception {
    Path more = dir.resolve("more.model");
    CliRun run = init(model, "--types", "PER,LOC,ORG", "--epochs", "1", "--out", more.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(5, ModelFile.readHeader(more).epochsTrained(), "four epochs before, one now");
    CliRun wrong = init(model, "--entity", "PER", "--out", more.toString());
    assertEquals(Main.USER_ERROR, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().contains("continue it with --types"), wrong.err());
    CliRun other = init(model, "--types", "PER,LOC", "--out", more.toString());
    assertEquals(Main.USER_ERROR, other.exitCode(), other.toString());
    assertTrue(other.err().contains("is a model of LOC,ORG,PER, not PER,LOC"), other.err());
  }

  /** train --train on the corpus --init {@code from}, without the small network's options. */
  private CliRun init(Path from, String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("--init", from.toString()));
    args.addAll(List.of(options));
    return CliRun.train(train, args.toArray(new String[0]));
  }

  @Test
  void mistakesAreOneLineErrors() {
    CliRun both = train("--types", "PER", "--entity", "PER", "--out", "x.model");
    assertEquals(Main.USER_ERROR, both.exitCode(), both.toString());
    CliRun missing = train("--types", "PER,MISC", "--out", dir.resolve("x.model").toString());
    assertEquals(Main.USER_ERROR, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("no token is tagged MISC"), missing.err());
    CliRun scheme =
        train("--types", "PER", "--scheme", "IOB", "--out", dir.resolve("x.model").toString());
    assertEquals(Main.USER_ERROR, scheme.exitCode(), scheme.toString());
    assertTrue(scheme.err().contains("use BIO or BIOES"), scheme.err());
    CliRun twice = train("--types", "PER,person", "--out", dir.resolve("x.model").toString());
    assertTrue(twice.err().contains("names PER twice"), twice.err());
  }

  /**
   * train --types --precision float writes a float typed model (version 3); tag prints the tags and
   * probabilities its own kernel gives, eval scores it as well as the double model; --init converts
   * a double typed model to float and continues a float one in float.
   */
  @Test
  void aFloatTypedModelIsTrainedTaggedAndEvaluated() throws Exception {
    Path floats = dir.resolve("typed-float.model");
    CliRun run = train("--types", "all", "--precision", "float", "--out", floats.toString());
    assertEquals(0, run.exitCode(), run.toString());
    run.assertPrinted("LOC,ORG,PER (BIOES, 13 tags)", "caps k=5", "precision=float");
    ModelFile.Header header = ModelFile.readHeader(floats);
    assertEquals(3, header.formatVersion());
    assertEquals(13, header.tagSet().tags().size(), "O and B-, I-, E-, S- of three types");
    TypedModel floatModel = (TypedModel) ModelFile.readModel(floats);
    assertEquals(Precision.FLOAT, floatModel.precision());

    JsonNode first = CliRun.firstTaggedSentence(floats, test);
    double[][] p = floatModel.probabilities(CliRun.texts(first.get("tokens")));
    int[] decoded = TagDecoder.decode(floatModel.tagSet(), p);
    for (int t = 0; t < p.length; t++) {
      assertEquals(floatModel.tagSet().tag(decoded[t]), first.get("labels").get(t).asText());
      assertEquals(
          Math.round(p[t][decoded[t]] * 1e6) / 1e6, first.get("probabilities").get(t).asDouble());
    }

    CliRun eval = CliRun.eval(floats, test, "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    double f1 = JSON.readTree(eval.out()).at("/entities/overall/f1").asDouble();
    double doubleF1 =
        JSON.readTree(CliRun.eval(model, test, "--json").out())
            .at("/entities/overall/f1")
            .asDouble();
    assertTrue(f1 > 0.9, eval.out());
    assertEquals(doubleF1, f1, 0.02, "float and double models of the same corpus");

    Path converted = dir.resolve("typed-converted.model");
    String out = converted.toString();
    CliRun more =
        init(model, "--types", "all", "--epochs", "1", "--precision", "float", "--out", out);
    assertEquals(0, more.exitCode(), more.toString());
    assertEquals(3, ModelFile.readHeader(converted).formatVersion(), "--init converts to float");
    assertEquals(5, ModelFile.readHeader(converted).epochsTrained());
    Path continued = dir.resolve("typed-continued.model");
    CliRun again =
        init(converted, "--types", "all", "--epochs", "1", "--out", continued.toString());
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(3, ModelFile.readHeader(continued).formatVersion(), "a float model stays float");
    assertTrue(
        JSON.readTree(CliRun.eval(continued, test, "--json").out())
                .at("/entities/overall/f1")
                .asDouble()
            > 0.9);
  }
}
