package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.SnapshotExportTest;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.NerModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's streaming workflow through the command line: job, then export, then eval. {@code
 * job} starts its own local Flink (as it does for a user), so there is no test cluster here.
 */
class JobAndExportCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) kafka.close();
  }

  private static Path definition(String prefix, String... extra) throws Exception {
    JobHarness.createTopics(kafka, prefix);
    StringBuilder text =
        new StringBuilder()
            .append("job.name = ")
            .append(prefix)
            .append('\n')
            .append("kafka.bootstrap.servers = localhost:1\n") // replaced by --bootstrap-servers
            .append("topic.train = ")
            .append(prefix)
            .append(".train\n")
            .append("topic.score = ")
            .append(prefix)
            .append(".score\n")
            .append("topic.predictions = ")
            .append(prefix)
            .append(".predictions\n")
            .append("topic.snapshots = ")
            .append(prefix)
            .append(".snapshots\n")
            .append("topic.dead-letter = ")
            .append(prefix)
            .append(".dead-letter\n")
            .append(
                "source.bounded = true\nmodels = PER\nmodel.window = 3\nmodel.dim = 10\nmodel.hidden = 20\n")
            .append(
                "model.learning-rate = 0.05\nmodel.min-count = 1\ncheckpoint.interval-ms = 500\n")
            .append("checkpoint.dir = ")
            .append(dir.resolve("checkpoints").toUri())
            .append('\n');
    for (String line : extra) text.append(line).append('\n');
    Path file = dir.resolve(prefix + ".properties");
    Files.writeString(file, text);
    return file;
  }

  private static void produce(String topic, Path corpus, int repeat) throws Exception {
    List<Sentence> sentences = CorpusReader.read(corpus, null).sentences();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers()))) {
      for (int r = 0; r < repeat; r++) {
        for (int i = 0; i < sentences.size(); i++) {
          Sentence s = sentences.get(i);
          producer.send(
              new ProducerRecord<>(
                  topic,
                  WireFormat.encode(new TrainRecord(r + "-" + i, s.tokens(), s.tags(), null))));
        }
      }
    }
  }

  @Test
  void jobThenExportGivesAModelThatEvalScores() throws Exception {
    Path train = dir.resolve("train.tsv");
    Path test = dir.resolve("test.tsv");
    SyntheticCorpus.write(train, 1500, 1);
    SyntheticCorpus.write(test, 300, 3);
    Path definition = definition("cli");
    for (int pass = 1; pass <= 3; pass++) {
      CliRun produce =
          CliRun.produce(
              kafka.bootstrapServers(), "cli.train", train, "--id-prefix", "pass" + pass + "-");
      assertEquals(0, produce.exitCode(), produce.toString());
      assertTrue(produce.out().contains("sent 1,500 train records to cli.train"), produce.out());
    }
    CliRun score = CliRun.produce(kafka.bootstrapServers(), "cli.score", test, "--as", "score");
    assertEquals(0, score.exitCode(), score.toString());

    CliRun job =
        CliRun.of("job", definition.toString(), "--bootstrap-servers", kafka.bootstrapServers());
    assertEquals(0, job.exitCode(), job.toString());
    assertTrue(job.out().contains("finished"), job.out());
    int predictions =
        KafkaClients.readAll(
                kafka.bootstrapServers(),
                "cli.predictions",
                false,
                java.time.Duration.ofSeconds(30))
            .size();
    assertEquals(
        3 * 1500 + 300,
        predictions,
        "one prediction per sentence: every train and every score record");

    Path model = dir.resolve("streamed.model");
    CliRun export = CliRun.export(kafka.bootstrapServers(), "cli.snapshots", "person", model);
    assertEquals(0, export.exitCode(), export.toString());
    assertTrue(export.out().contains("PER version"), export.out());

    CliRun eval = CliRun.eval(model, test, "--json");
    assertEquals(0, eval.exitCode(), eval.toString());
    JsonNode scores = JSON.readTree(eval.out());
    assertTrue(scores.at("/token/f1").asDouble() > 0.9, eval.out());
  }

  @Test
  void aJobStartsFromAnOfflineModelFile() throws Exception {
    Path train = dir.resolve("warm.tsv");
    SyntheticCorpus.write(train, 400, 5);
    Path offline = dir.resolve("offline.model");
    CliRun training =
        CliRun.train(
            train,
            "--entity",
            "PER",
            "--dim",
            "10",
            "--hidden",
            "20",
            "--window",
            "3",
            "--epochs",
            "1",
            "--out",
            offline.toString());
    assertEquals(0, training.exitCode(), training.toString());
    NerModel start = ModelFile.read(offline);

    Path definition = definition("warm", "model.init.PER = " + offline);
    produce("warm.train", train, 1);
    CliRun job =
        CliRun.of(
            "job",
            definition.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--quiet",
            "--progress-seconds",
            "0.1");
    assertEquals(0, job.exitCode(), job.toString());
    assertFalse(job.out().contains("examples "), "--quiet prints no progress line: " + job.out());

    Path model = dir.resolve("warm.model");
    CliRun export = CliRun.export(kafka.bootstrapServers(), "warm.snapshots", "PER", model);
    assertEquals(0, export.exitCode(), export.toString());
    NerModel continued = ModelFile.read(model);
    int windows = CorpusReader.read(train, null).tokenCount();
    assertEquals(
        start.examplesTrained() + windows,
        continued.examplesTrained(),
        "it went on counting from the file");
    assertTrue(
        continued.vocabulary().words().containsAll(start.vocabulary().words()),
        "the file's vocabulary is kept");
  }

  @Test
  void definitionErrorsAreOneClearLine() throws Exception {
    Path typo = dir.resolve("typo.properties");
    Files.writeString(typo, "modles = PER\n");
    CliRun run = CliRun.of("job", typo.toString());
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("unknown key modles"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());

    CliRun missing = CliRun.of("job", dir.resolve("absent.properties").toString());
    assertEquals(Main.USER_ERROR, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("absent.properties"), missing.err());
  }

  @Test
  void produceToAMissingTopicSaysSo() throws Exception {
    Path train = dir.resolve("few.tsv");
    SyntheticCorpus.write(train, 5, 9);
    CliRun run = CliRun.produce(kafka.bootstrapServers(), "no.such.topic", train);
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no topic no.such.topic"), run.err());
  }

  /** Two jobs write one snapshots topic: export takes the one asked for, and never a mixture. */
  @Test
  void exportPicksOneJobOfASharedSnapshotsTopic() throws Exception {
    String topic = "shared.snapshots";
    TopicAdmin.create(kafka.bootstrapServers(), List.of(TopicAdmin.compacted(topic, 1)));
    NerModel a = SnapshotExportTest.model(1);
    NerModel b = SnapshotExportTest.model(2);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers()))) {
      for (SnapshotRecord r :
          Stream.concat(
                  SnapshotExportTest.snapshot("job-a", a, 1).stream(),
                  SnapshotExportTest.snapshot("job-b", b, 1).stream())
              .toList()) {
        producer.send(
            new ProducerRecord<>(topic, SnapshotCodec.keyBytes(r), SnapshotCodec.encode(r)));
      }
    }
    Path out = dir.resolve("shared.model");

    CliRun either = CliRun.export(kafka.bootstrapServers(), topic, "PER", out);
    assertEquals(Main.USER_ERROR, either.exitCode(), either.toString());
    assertTrue(either.err().contains("model PER of several jobs: job-a, job-b"), either.err());
    assertFalse(Files.exists(out));

    CliRun fromB = CliRun.export(kafka.bootstrapServers(), topic, "PER", out, "--job", "job-b");
    assertEquals(0, fromB.exitCode(), fromB.toString());
    assertTrue(fromB.out().contains("PER version 1 of job job-b"), fromB.out());
    List<String> sentence = List.of("Anna", "met", "Bob", "in", "Porto");
    assertArrayEquals(b.probabilities(sentence), ModelFile.read(out).probabilities(sentence));
  }

  @Test
  void exportWithoutSnapshotsSaysSo() throws Exception {
    TopicAdmin.create(
        kafka.bootstrapServers(), List.of(TopicAdmin.compacted("empty.snapshots", 1)));
    CliRun run =
        CliRun.export(
            kafka.bootstrapServers(),
            "empty.snapshots",
            "PER",
            dir.resolve("none.model"),
            "--timeout",
            "20");
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no complete snapshot"), run.err());
    assertFalse(Files.exists(dir.resolve("none.model")));
  }
}
