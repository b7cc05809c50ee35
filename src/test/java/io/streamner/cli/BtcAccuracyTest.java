package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accuracy of the reference setup on real data: the Broad Twitter Corpus, PER, GloVe 100-d
 * vectors, C=5, H=100, two epochs in corpus order, exactly the README's example (seed 42).
 */
class BtcAccuracyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The floor a correct build stays above whatever the seed: btc.test token F1 over seeds 42 and 1
   * to 7 was 0.8431, 0.8409, 0.8387, 0.8394, 0.8437, 0.8409, 0.8404, 0.8389 (mean 0.8408, standard
   * deviation 0.0018; measured 2026-12-01). The floor is 0.0087 below the worst seed, 4.7 standard
   * deviations: seed noise does not cross it, a bug that costs a point of F1 does. The product
   * target, 0.84, is the README's, measured there over the same seeds. In float ({@code --precision
   * float}) the same eight seeds gave the same eight figures to four digits (2026-12-01), so the
   * floor is the same.
   */
  static final double F1_FLOOR = 0.83;

  /** The same in double (the specification's model) and in float (the SIMD kernel). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"double", "float"})
  void personF1OnBtcTestReachesTheTarget(String precision, @TempDir Path dir) throws Exception {
    Path train = SharedData.require("btc/btc.train");
    Path dev = SharedData.require("btc/btc.dev");
    Path test = SharedData.require("btc/btc.test");
    Path vectors = SharedData.require("vectors/glove.6B.100d.subset.txt");
    Path model = dir.resolve("per.model");

    CliRun training =
        CliRun.of(
            "train",
            "--train",
            train.toString(),
            "--dev",
            dev.toString(),
            "--entity",
            "PER",
            "--vectors",
            vectors.toString(),
            "--window",
            "5",
            "--hidden",
            "100",
            "--epochs",
            "2",
            "--precision",
            precision,
            "--json",
            "--out",
            model.toString());
    assertEquals(0, training.exitCode(), training.toString());
    System.out.println(training.out());

    CliRun eval =
        CliRun.of(
            "eval",
            "--model",
            model.toString(),
            "--data",
            test.toString(),
            "--baseline-train",
            train.toString(),
            "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    System.out.println(eval.out());
    JsonNode result = JSON.readTree(eval.out());
    // btc.test: 35,426 tokens less the 4 bad lines the reader skips and reports
    assertTrue(eval.err().contains("skipped"), eval.err());
    double f1 = result.at("/token/f1").asDouble();
    double baseline = result.at("/baseline/token/f1").asDouble();
    assertTrue(f1 >= F1_FLOOR, "btc.test PER token F1 " + f1 + " below the floor " + F1_FLOOR);
    assertTrue(f1 > baseline, "model " + f1 + " vs lookup baseline " + baseline);
  }
}
