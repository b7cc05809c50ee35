package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy target of the reference setup on real data: the Broad Twitter Corpus, PER, GloVe
 * 100-d vectors, C=5, H=100, two epochs in corpus order, exactly the README's example.
 */
class BtcAccuracyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void personF1OnBtcTestReachesTheTarget(@TempDir Path dir) throws Exception {
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
    assertTrue(f1 >= 0.84, "btc.test PER token F1 " + f1 + " below the 0.84 target");
    assertTrue(f1 > baseline, "model " + f1 + " vs lookup baseline " + baseline);
  }
}
