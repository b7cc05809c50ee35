package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.model.FloatParameters;
import io.streamner.model.TypedModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.testing.SharedData;
import io.streamner.text.TagSet;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --types --dev} weighs {@code O} in decoding as the dev set says and keeps the weight
 * in the model ({@link OutsideWeight}): on WNUT-17, whose entities are rare, a model trained one
 * epoch says {@code O} too readily, and the weight chosen on dev is below 1.
 */
class CalibrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theWeightChosenOnDevIsInTheModelFileAndEvalGivesItsFigure(@TempDir Path dir)
      throws Exception {
    Path train = SharedData.require("wnut17/wnut17train.conll");
    Path dev = SharedData.require("wnut17/emerging.dev.conll");
    Path vectors = SharedData.require("vectors/glove.6B.100d.subset.txt");
    Path calibrated = dir.resolve("calibrated.model");
    Path asTrained = dir.resolve("as-trained.model");
    String[] common = {
      "--dev",
      dev.toString(),
      "--types",
      "all",
      "--vectors",
      vectors.toString(),
      "--epochs",
      "1",
      "--json"
    };

    CliRun run = CliRun.train(train, with(common, "--out", calibrated.toString()));
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("calibrated on dev: weight of O "), run.out());
    JsonNode choice = JSON.readTree(run.lastLine()).get("calibration");
    double weight = choice.get("weight").asDouble();
    double before = choice.get("dev_f1_before").asDouble();
    double after = choice.get("dev_f1_after").asDouble();
    assertTrue(Arrays.stream(OutsideWeight.WEIGHTS).anyMatch(w -> w == weight), "one of the grid");
    assertTrue(weight < 1, "rare entities: O weighs less; " + run.out());
    assertTrue(after > before, "the weight is kept for what it gains on dev: " + run.out());

    CliRun plain =
        CliRun.train(train, with(common, "--no-calibrate", "--out", asTrained.toString()));
    assertEquals(0, plain.exitCode(), plain.toString());
    assertFalse(plain.out().contains("calibrated"), plain.out());
    assertTrue(JSON.readTree(plain.lastLine()).path("calibration").isMissingNode(), plain.out());

    // eval of each file gives the figure train reported for it
    assertEquals(after, devF1(calibrated, dev), 1e-12, "the calibrated file");
    assertEquals(before, devF1(asTrained, dev), 1e-12, "the file as trained");

    // the two files differ in b2 of O alone, by ln w (rounded once in float, the default)
    TypedModel c = (TypedModel) ModelFile.readModel(calibrated);
    TypedModel t = (TypedModel) ModelFile.readModel(asTrained);
    float[] b2 = ((FloatParameters) t.weights()).b2.clone();
    b2[TagSet.OUTSIDE] = (float) (b2[TagSet.OUTSIDE] + Math.log(weight));
    assertArrayEquals(b2, ((FloatParameters) c.weights()).b2);
    assertArrayEquals(
        ((FloatParameters) t.weights()).w, ((FloatParameters) c.weights()).w, "W as trained");
  }

  /** A binary model has the specification's output, which calibration leaves alone. */
  @Test
  void aBinaryModelIsNotCalibrated(@TempDir Path dir) throws Exception {
    Path train = SharedData.require("wnut17/wnut17train.conll");
    Path dev = SharedData.require("wnut17/emerging.dev.conll");
    CliRun run =
        CliRun.trainSmall(
            train,
            "--dev",
            dev.toString(),
            "--entity",
            "PER",
            "--out",
            dir.resolve("p").toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertFalse(run.out().contains("calibrated"), run.out());
  }

  private static double devF1(Path model, Path dev) throws Exception {
    CliRun eval = CliRun.eval(model, dev, "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    return JSON.readTree(eval.out()).at("/entities/overall/f1").asDouble();
  }

  private static String[] with(String[] common, String... more) {
    String[] all = Arrays.copyOf(common, common.length + more.length);
    System.arraycopy(more, 0, all, common.length, more.length);
    return all;
  }
}
