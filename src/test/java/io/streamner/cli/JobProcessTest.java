package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.testing.Listeners;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamner job} as a user runs it: its own JVM, against a Kafka that demands SASL, with
 * Flink's Prometheus reporter switched on by two {@code flink.*} keys. While it trains, the test
 * looks at it from outside: the sockets the process listens on (all on loopback, the reporter's
 * too, which Flink's own reporter would bind to every interface), the metrics a scrape returns, and
 * everything the process wrote, Kafka's and Flink's logs at INFO included, which must hold no
 * secret.
 */
class JobProcessTest {
  private static final String PASSWORD = "job-s3cret-44d1";

  @Test
  void aRunningJobListensOnLoopbackShowsItsMetricsAndKeepsItsSecrets(@TempDir Path dir)
      throws Exception {
    assumeTrue(Listeners.readable(), "needs /proc (Linux) to read the job's sockets");
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(
            null, new EmbeddedKafka.Security(Map.of("job", PASSWORD), null, null))) {
      JobDefinition.Topics topics = JobHarness.createTopics(kafka, "watched");
      Path corpus = dir.resolve("train.tsv");
      SyntheticCorpus.write(corpus, 400, 7);
      List<byte[]> records = new ArrayList<>();
      List<Sentence> sentences = CorpusReader.read(corpus, null).sentences();
      for (int i = 0; i < sentences.size(); i++) {
        Sentence s = sentences.get(i);
        records.add(WireFormat.encode(new TrainRecord("t" + i, s.tokens(), s.tags(), null)));
      }
      records.add("not json".getBytes(StandardCharsets.UTF_8)); // one dead letter
      JobHarness.produce(kafka, topics.train(), records);

      int prometheusPort = freePort();
      String jaas =
          "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"job\""
              + " password=\""
              + PASSWORD
              + "\";";
      Path definition =
          ChildCli.definition(
              dir.resolve("watched.properties"),
              "watched",
              kafka,
              topics,
              dir.resolve("checkpoints"),
              "kafka.bootstrap.servers = "
                  + kafka.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT),
              "source.bounded = false",
              "model.window = 3",
              "model.dim = 10",
              "model.hidden = 20",
              // Room for 10 words: the first sentences fill it, and newWordsRefused counts on.
              "model.min-count = 1",
              "model.max-vocabulary = 10",
              "kafka.properties.security.protocol = SASL_PLAINTEXT",
              "kafka.properties.sasl.mechanism = PLAIN",
              "kafka.properties.sasl.jaas.config = " + jaas,
              "flink.metrics.reporter.prom.factory.class ="
                  + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
              "flink.metrics.reporter.prom.port = " + prometheusPort);
      // Everything at INFO: Kafka prints every client's configuration, Flink its own.
      Path logConfig = dir.resolve("log4j2.xml");
      Files.writeString(
          logConfig,
          """
          <Configuration status="WARN">
            <Appenders><Console name="err" target="SYSTEM_ERR"><PatternLayout pattern="%c - %msg%n"/></Console></Appenders>
            <Loggers><Root level="INFO"><AppenderRef ref="err"/></Root></Loggers>
          </Configuration>
          """);
      Path out = dir.resolve("job.out");
      Path err = dir.resolve("job.err");
      Process job =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dlog4j2.configurationFile=" + logConfig.toUri(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "job",
                  definition.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      String metrics;
      try {
        metrics = awaitTraining(job, prometheusPort, out, err);
        assertListenersAreLoopback(job.pid(), prometheusPort, Files.readString(out));
        job.destroy();
        assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the job exits on SIGTERM");
      } finally {
        job.destroyForcibly();
      }

      for (String name :
          List.of(
              "examplesTrained",
              "prequentialF1",
              "modelVersion",
              "deadLetters",
              "nonFiniteUpdates",
              "newWordsRefused")) {
        assertTrue(metrics.contains(name), name + " is scraped:\n" + metrics);
      }
      assertTrue(metrics.contains("model=\"PER\""), "per model, labelled:\n" + metrics);

      String output = Files.readString(out) + Files.readString(err);
      assertTrue(
          output.contains("sasl.jaas.config = [hidden]"),
          "the log was verbose enough to print the client configuration (hidden)");
      assertFalse(output.contains(PASSWORD), "the password is in the job's output or log");
      assertTrue(Files.readString(out).contains("sasl.jaas.config=[hidden]"), output);
    }
  }

  /**
   * Scrapes the reporter until the model has trained and refused a new word (its vocabulary is
   * full); returns the last scrape.
   */
  private static String awaitTraining(Process job, int port, Path out, Path err) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Pattern trained =
        Pattern.compile("(?m)^\\S*examplesTrained\\{[^}]*model=\"PER\"[^}]*\\} ([0-9.eE+]+)$");
    Pattern refused =
        Pattern.compile("(?m)^\\S*newWordsRefused\\{[^}]*model=\"PER\"[^}]*\\} ([0-9.eE+]+)$");
    String last = "";
    while (System.nanoTime() < deadline) {
      assertTrue(job.isAlive(), "the job died:\n" + Files.readString(out) + Files.readString(err));
      try {
        last =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = trained.matcher(last);
        Matcher r = refused.matcher(last);
        if (m.find()
            && Double.parseDouble(m.group(1)) > 0
            && r.find()
            && Double.parseDouble(r.group(1)) > 0) return last;
      } catch (IOException notYet) {
        // the reporter starts with the local cluster
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "no training seen on the Prometheus endpoint within 3 minutes; last scrape:\n"
            + last
            + "\n"
            + Files.readString(out)
            + "\nreporter and warning lines of the log:\n"
            + Files.readAllLines(err).stream()
                .filter(line -> line.matches("(?i).*(prometheus|reporter|WARN|ERROR).*"))
                .limit(40)
                .collect(java.util.stream.Collectors.joining("\n")));
  }

  /**
   * Every socket the job listens on is on 127.0.0.1 or ::1, the Prometheus reporter's among them
   * (the definition names Flink's reporter, which alone would bind every interface).
   */
  private static void assertListenersAreLoopback(long pid, int prometheusPort, String out)
      throws IOException {
    List<InetSocketAddress> listening = Listeners.of(pid);
    Matcher ui = Pattern.compile("web UI at http://127\\.0\\.0\\.1:(\\d+)").matcher(out);
    assertTrue(ui.find(), "job prints its web UI: " + out);
    int webPort = Integer.parseInt(ui.group(1));
    for (int port : List.of(webPort, prometheusPort)) {
      assertTrue(
          listening.stream().anyMatch(a -> a.getPort() == port),
          "port " + port + " is among the listeners: " + listening);
    }
    List<InetSocketAddress> open = new ArrayList<>();
    for (InetSocketAddress a : listening) {
      if (!a.getAddress().isLoopbackAddress()) open.add(a);
    }
    assertEquals(List.of(), open, "listeners not on loopback, of " + listening);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
