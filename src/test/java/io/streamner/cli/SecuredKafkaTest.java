package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaSettings;
import io.streamner.model.NerModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.testing.TestTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * streamner against a Kafka that demands credentials, as a secured production cluster does: a real
 * broker with a SASL_PLAINTEXT and a SASL_SSL listener (SASL/PLAIN, users configured here, a TLS
 * key store made with keytool). With the settings, every command that talks to Kafka works: produce
 * (through a client properties file and through single settings), the job (settings in its
 * definition), and export. Without them, or with a wrong password, each fails at once with one line
 * that says what to check. No secret reaches any output or any topic.
 */
class SecuredKafkaTest {
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-s3cret-7f2c";
  private static final String TRUST_PASSWORD = "trust-s3cret-91ad";
  private static final String WRONG_PASSWORD = "not-the-password-5e1b";

  /** Far above the preflight's 10 s, far below Kafka's own minute-long retries. */
  private static final Duration QUICKLY = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static TestTls tls;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startSecuredKafka() throws Exception {
    tls = TestTls.create(dir, TRUST_PASSWORD);
    kafka =
        EmbeddedKafka.start(
            null,
            new EmbeddedKafka.Security(
                Map.of(USER, PASSWORD, "bob", "bob-s3cret-0c44"), tls.keyStore(), tls.password()));
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) kafka.close();
  }

  private static String jaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + USER
        + "\" password=\""
        + password
        + "\";";
  }

  /** What a user of the SASL_SSL listener puts in a client properties file. */
  private static Map<String, String> saslSsl(String password) {
    return Map.of(
        "security.protocol",
        "SASL_SSL",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        jaas(password),
        "ssl.truststore.location",
        tls.trustStore().toString(),
        "ssl.truststore.type",
        "PKCS12",
        "ssl.truststore.password",
        TRUST_PASSWORD);
  }

  private static Path clientProperties(String name, Map<String, String> settings) throws Exception {
    StringBuilder text = new StringBuilder();
    settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /** A bounded job on the topics {@link #createTopics} made, with more lines of its own. */
  private static Path jobDefinition(String prefix, String... lines) throws Exception {
    StringBuilder text =
        new StringBuilder("job.name = " + prefix + "\nsource.bounded = true\n")
            .append("checkpoint.dir = ")
            .append(dir.resolve("checkpoints").toUri())
            .append('\n');
    for (String topic : List.of("train", "score", "predictions", "snapshots", "dead-letter")) {
      text.append("topic.").append(topic).append(" = ").append(prefix).append('.').append(topic);
      text.append('\n');
    }
    for (String line : lines) text.append(line).append('\n');
    Path file = dir.resolve(prefix + ".properties");
    Files.writeString(file, text);
    return file;
  }

  private static void createTopics(String prefix) {
    JobHarness.createTopics(kafka, prefix); // the PLAINTEXT listener: setting up is not under test
  }

  /** Creates the prefix's topics and writes a five-sentence corpus for them, of that seed. */
  private static Path fewSentencesFor(String prefix, String file, long seed) throws Exception {
    createTopics(prefix);
    Path train = dir.resolve(file);
    SyntheticCorpus.write(train, 5, seed);
    return train;
  }

  @Test
  void withTheSettingsEveryCommandWorksAndNoSecretLeaks() throws Exception {
    String saslSsl = kafka.bootstrapServers(SecurityProtocol.SASL_SSL);
    String saslPlaintext = kafka.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT);
    createTopics("sec");
    Path train = dir.resolve("train.tsv");
    Path test = dir.resolve("test.tsv");
    SyntheticCorpus.write(train, 600, 1);
    SyntheticCorpus.write(test, 100, 2);
    Path client = clientProperties("client.properties", saslSsl(PASSWORD));

    CliRun produce =
        CliRun.produce(saslSsl, "sec.train", train, "--kafka-config", client.toString());
    assertEquals(0, produce.exitCode(), produce.toString());
    CliRun score =
        CliRun.produce(
            saslPlaintext,
            "sec.score",
            test,
            "--kafka-property",
            "security.protocol=SASL_PLAINTEXT",
            "--kafka-property",
            "sasl.mechanism=PLAIN",
            "--kafka-property",
            "sasl.jaas.config=" + jaas(PASSWORD),
            "--as",
            "score");
    assertEquals(0, score.exitCode(), score.toString());

    List<String> settings = new ArrayList<>();
    saslSsl(PASSWORD).forEach((k, v) -> settings.add("kafka.properties." + k + " = " + v));
    Path jobFile =
        jobDefinition(
            "sec",
            "model.window = 3",
            "model.dim = 10",
            "model.hidden = 20",
            "model.learning-rate = 0.05",
            "model.min-count = 1",
            "checkpoint.interval-ms = 500",
            String.join("\n", settings));
    CliRun job = CliRun.of("job", jobFile.toString(), "--bootstrap-servers", saslSsl);
    assertEquals(0, job.exitCode(), job.toString());
    assertTrue(job.out().contains("finished"), job.out());
    assertTrue(job.out().contains("security.protocol=SASL_SSL"), job.out());
    assertTrue(job.out().contains("sasl.jaas.config=[hidden]"), job.out());
    assertTrue(job.out().contains("ssl.truststore.password=[hidden]"), job.out());

    KafkaSettings secured = new KafkaSettings(saslSsl, saslSsl(PASSWORD));
    assertEquals(
        600 + 100,
        KafkaClients.readAll(secured, "sec.predictions", false, Duration.ofSeconds(30)).size(),
        "a prediction for every train and score record, read through SASL_SSL");

    Path model = dir.resolve("sec.model");
    CliRun export =
        CliRun.export(saslSsl, "sec.snapshots", "PER", model, "--kafka-config", client.toString());
    assertEquals(0, export.exitCode(), export.toString());
    NerModel exported = ModelFile.read(model);
    assertTrue(exported.examplesTrained() > 0, "the model trained");

    for (CliRun run : List.of(produce, score, job, export)) assertNoSecret(run.toString());
    for (String topic :
        List.of("sec.train", "sec.score", "sec.predictions", "sec.snapshots", "sec.dead-letter")) {
      StringBuilder bytes = new StringBuilder();
      for (ConsumerRecord<byte[], byte[]> r :
          KafkaClients.readAll(kafka.bootstrapServers(), topic, false, Duration.ofSeconds(30))) {
        if (r.key() != null) bytes.append(new String(r.key(), StandardCharsets.UTF_8));
        bytes.append(new String(r.value(), StandardCharsets.UTF_8));
      }
      assertNoSecret(bytes.toString());
    }
  }

  /** The demo on a user's Kafka instead of its own: its producer, job, monitor and export. */
  @Test
  void theDemoRunsOnASecuredKafkaWhenGivenOne() throws Exception {
    Path client = clientProperties("demo-client.properties", saslSsl(PASSWORD));
    CliRun demo =
        CliRun.demo(
            dir.resolve("demo-out"),
            "--bootstrap-servers",
            kafka.bootstrapServers(SecurityProtocol.SASL_SSL),
            "--kafka-config",
            client.toString(),
            "--sample-size",
            "300",
            "--rate",
            "1000");
    assertEquals(0, demo.exitCode(), demo.toString());
    assertTrue(demo.out().contains("sasl.jaas.config=[hidden]"), demo.out());
    assertTrue(demo.out().contains("final:"), demo.out());
    assertTrue(Files.isRegularFile(dir.resolve("demo-out").resolve("per.model")), demo.out());
    assertNoSecret(demo.toString());
  }

  @Test
  void withoutTheSettingsEachCommandSaysSoAtOnce() throws Exception {
    Path train = fewSentencesFor("plain", "few.tsv", 3);
    String saslPlaintext = kafka.bootstrapServers(SecurityProtocol.SASL_PLAINTEXT);

    CliRun produce = quickly(CliRun.produceArgs(saslPlaintext, "plain.train", train));
    assertTrue(produce.err().contains("did not answer within 10 s"), produce.err());
    assertTrue(produce.err().contains("security.protocol"), "says what to check: " + produce.err());

    Path jobFile = jobDefinition("plain");
    CliRun job = quickly("job", jobFile.toString(), "--bootstrap-servers", saslPlaintext);
    assertTrue(job.err().contains("did not answer within 10 s"), job.err());
  }

  @Test
  void aWrongPasswordIsRefusedAtOnceAndNotPrinted() throws Exception {
    Path train = fewSentencesFor("wrong", "wrong.tsv", 4);
    String saslSsl = kafka.bootstrapServers(SecurityProtocol.SASL_SSL);
    Path client = clientProperties("wrong.properties", saslSsl(WRONG_PASSWORD));

    String[] withClient = {"--kafka-config", client.toString()};
    CliRun produce = quickly(CliRun.produceArgs(saslSsl, "wrong.train", train, withClient));
    assertTrue(produce.err().contains("refused the connection"), produce.err());
    assertTrue(produce.err().contains("Authentication failed"), produce.err());
    assertTrue(produce.err().contains("sasl.jaas.config=[hidden]"), produce.err());

    Path never = dir.resolve("never.model");
    CliRun export =
        quickly(CliRun.exportArgs(saslSsl, "wrong.snapshots", "PER", never, withClient));
    assertTrue(export.err().contains("Authentication failed"), export.err());

    Path right = clientProperties("right.properties", saslSsl(PASSWORD));
    CliRun missing =
        quickly(
            CliRun.produceArgs(
                saslSsl, "no.such.topic", train, "--kafka-config", right.toString()));
    assertTrue(missing.err().contains("has no topic no.such.topic"), missing.err());

    for (CliRun run : List.of(produce, export, missing)) {
      assertFalse(run.toString().contains(WRONG_PASSWORD), run.toString());
      assertNoSecret(run.toString());
    }
  }

  @Test
  void aSettingThatIsNotKafkasIsRefusedByName() {
    Path nothing = Path.of("nothing.tsv");
    CliRun run =
        CliRun.produce("127.0.0.1:1", "t", nothing, "--kafka-property", "sasl.mechanisms=PLAIN");
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(run.err().contains("sasl.mechanisms is not a Kafka client setting"), run.err());

    CliRun reserved =
        CliRun.produce(
            "127.0.0.1:1", "t", nothing, "--kafka-property", "bootstrap.servers=elsewhere:9092");
    assertEquals(Main.USER_ERROR, reserved.exitCode(), reserved.toString());
    assertTrue(reserved.err().contains("--bootstrap-servers"), reserved.err());
  }

  /** Runs a command that must fail as a user error, within {@link #QUICKLY}. */
  private static CliRun quickly(String... args) {
    long start = System.nanoTime();
    CliRun run = CliRun.of(args);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(Main.USER_ERROR, run.exitCode(), run.toString());
    assertTrue(took.compareTo(QUICKLY) < 0, "failed in " + took + ", not at once: " + run);
    assertFalse(run.err().contains("\tat "), "one line, no stack trace: " + run.err());
    return run;
  }

  private static void assertNoSecret(String text) {
    for (String secret : List.of(PASSWORD, TRUST_PASSWORD, jaas(PASSWORD))) {
      assertFalse(text.contains(secret), "a secret in: " + text);
    }
  }
}
