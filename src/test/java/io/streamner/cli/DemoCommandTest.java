package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.model.NerModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.testing.Listeners;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command demo, end to end on the generated sample: it learns, exports, draws, and leaves
 * nothing running.
 */
class DemoCommandTest {
  @Test
  void theDemoLearnsExportsDrawsAndCleansUp(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    CliRun demo =
        CliRun.demo(out, "--sample-size", "1500", "--rate", "1500", "--progress-seconds", "1");
    assertEquals(0, demo.exitCode(), demo.toString());

    assertTrue(demo.out().contains("web UI at http://127.0.0.1:"), demo.out());
    assertTrue(
        demo.out()
            .matches("(?s).*examples +[0-9,]+ \\|.*prequential F1 .*model v.*dead letters 0.*"),
        demo.out());
    Matcher fin =
        Pattern.compile("prequential F1 ([0-9.]+) over the whole stream").matcher(demo.out());
    assertTrue(fin.find(), demo.out());
    assertTrue(Double.parseDouble(fin.group(1)) > 0.5, "the model learned: " + fin.group(1));

    NerModel model = ModelFile.read(out.resolve("per.model"));
    assertEquals("PER", model.entity());
    assertTrue(
        model.examplesTrained() > 10_000,
        "every sentence was trained on: " + model.examplesTrained());
    BufferedImage curve = ImageIO.read(out.resolve("learning-curve.png").toFile());
    assertEquals(960, curve.getWidth());

    assertTheBrokerIsGone(demo.out());
    Matcher ui = Pattern.compile("web UI at http://127\\.0\\.0\\.1:(\\d+)").matcher(demo.out());
    assertTrue(ui.find());
    assertTrue(isFree(Integer.parseInt(ui.group(1))), "the web UI's port is free again");
  }

  /** Ctrl-C (SIGINT, or SIGTERM as here: the JVM runs the same shutdown path) ends it in order. */
  @Test
  void aSignalStopsEverythingCleanly(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("demo.log");
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo",
                "--follow",
                "--sample-size",
                "800",
                "--rate",
                "800",
                "--progress-seconds",
                "1",
                "--out",
                dir.resolve("out").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!Files.readString(log).contains("| prequential F1") && System.nanoTime() < deadline)
        Thread.sleep(500);
      assertTrue(
          Files.readString(log).contains("| prequential F1"),
          "the demo got going: " + Files.readString(log));
      if (Listeners.readable()) {
        // Closed by default: the broker, the web UI and every other listener on loopback only.
        List<InetSocketAddress> listening = Listeners.of(demo.pid());
        assertTrue(listening.size() >= 3, "broker, controller, web UI at least: " + listening);
        for (InetSocketAddress a : listening) {
          assertTrue(a.getAddress().isLoopbackAddress(), a + " is open, of " + listening);
        }
      }
      demo.destroy();
      assertTrue(
          demo.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "it exits after the signal");
    } finally {
      demo.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(output.contains("stop requested"), output);
    assertTrue(output.contains("learning curve:"), output);
    assertTheBrokerIsGone(output);
  }

  /**
   * Two documents longer than model.max-tokens become dead letters and get no prediction: the demo
   * still ends by itself, and says what it could not use.
   */
  @Test
  void theDemoEndsByItselfWhenSomeRecordsAreDeadLetters(@TempDir Path dir) throws Exception {
    Path corpus = dir.resolve("corpus.tsv");
    SyntheticCorpus.write(corpus, 400, 11);
    StringBuilder longDocuments = new StringBuilder();
    for (int document = 0; document < 2; document++) {
      longDocuments.append('\n');
      for (int t = 0; t < 1_200; t++) longDocuments.append("word").append(t % 7).append("\tO\n");
    }
    Files.writeString(
        corpus, Files.readString(corpus) + longDocuments, java.nio.file.StandardOpenOption.WRITE);
    CliRun demo =
        CliRun.demo(
            dir.resolve("out"),
            "--train",
            corpus.toString(),
            "--rate",
            "2000",
            "--progress-seconds",
            "1");
    assertEquals(0, demo.exitCode(), demo.toString());
    assertTrue(
        demo.out()
            .contains(
                "dead letters: 2 records could not be used (2 train, 0 score); commonest: sentence"
                    + " has N tokens; the limit is N (2)"),
        demo.out());
    assertTrue(demo.out().contains("final: "), demo.out());
  }

  @Test
  void badOptionsAreOneLine() {
    CliRun run = CliRun.of("demo", "--rate", "0");
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--rate must be positive"), run.err());
  }

  /** The broker the demo's output names is gone: its port closed, its temporary data deleted. */
  private static void assertTheBrokerIsGone(String output) {
    Matcher kafka = Pattern.compile("kafka: 127\\.0\\.0\\.1:(\\d+)").matcher(output);
    assertTrue(kafka.find(), output);
    assertTrue(isFree(Integer.parseInt(kafka.group(1))), "the broker's port is closed again");
    Matcher data = Pattern.compile("data in (\\S+)\\)").matcher(output);
    assertTrue(data.find(), output);
    assertTrue(!Files.exists(Path.of(data.group(1))), "the broker's temporary data is gone");
  }

  private static boolean isFree(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException refused) {
      try (ServerSocket s = new ServerSocket(port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
