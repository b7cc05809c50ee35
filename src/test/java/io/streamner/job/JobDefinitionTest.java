package io.streamner.job;

import static io.streamner.job.JobTesting.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Job definitions: the shipped files, the documented keys and defaults, and errors that say where.
 */
class JobDefinitionTest {
  /** A file of the project; tests run from its root (Maven sets basedir). */
  private static Path project(String relative) {
    return Path.of(System.getProperty("basedir", ".")).resolve(relative);
  }

  private static List<Path> shippedDefinitions() throws IOException {
    try (Stream<Path> files = Files.list(project("flink-jobs"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".properties"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyShippedDefinitionParses() throws IOException {
    List<Path> files = shippedDefinitions();
    assertTrue(files.size() >= 2, "flink-jobs holds the definitions: " + files);
    for (Path file : files) {
      JobDefinition d = JobDefinition.load(file);
      assertFalse(d.models().isEmpty(), file.toString());
    }
  }

  @Test
  void theShippedDefinitionsAreWhatTheReadmeSays() throws IOException {
    JobDefinition person = JobDefinition.load(project("flink-jobs/btc-person.properties"));
    assertEquals(List.of("PER"), person.models());
    assertEquals(JobDefinition.StateBackend.HASHMAP, person.stateBackend());
    assertEquals(1, person.parallelism());

    JobDefinition all = JobDefinition.load(project("flink-jobs/btc-all-entities.properties"));
    assertEquals(List.of("PER", "LOC", "ORG"), all.models());
    assertEquals(JobDefinition.StateBackend.ROCKSDB, all.stateBackend());
    assertEquals(2, all.parallelism());
    assertTrue(all.predictionsExactlyOnce());
  }

  /** The key table of flink-jobs/README.md is the one KeyTable writes from JobOptions. */
  @Test
  void theReadmesKeyTableIsWrittenFromTheDeclarations() throws IOException {
    Path readme = project("flink-jobs/README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    assertEquals(
        KeyTable.withTable(text),
        text,
        "flink-jobs/README.md's key table is out of date with JobOptions; regenerate it with: "
            + KeyTable.COMMAND);
  }

  @Test
  void everyDeclaredKeyIsAcceptedAndEveryPrefixTakesEntries() {
    for (JobOptions.Key<?> key : JobOptions.keys()) {
      assertTrue(
          key.option().description().getBlocks().size() > 0, key.shownAs() + " has a description");
      assertFalse(key.allowed().description().isBlank(), key.shownAs() + " says what it allows");
    }
    JobDefinition d =
        JobDefinition.parse(
            properties(
                "models", "PER,LOC",
                "model.init.person", "per.model",
                "kafka.properties.security.protocol", "SASL_SSL",
                "flink.metrics.reporter.prom.port", "9250"),
            "test");
    assertEquals(
        Map.of("PER", "per.model"),
        d.initModels(),
        "model.init.<TYPE> is accepted, aliases folded");
    assertEquals(Map.of("security.protocol", "SASL_SSL"), d.kafkaProperties());
    assertEquals(Map.of("metrics.reporter.prom.port", "9250"), d.flinkProperties());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    JobDefinition defaults = JobDefinition.parse(new Properties(), "test");
    List<String> checked = new ArrayList<>();
    for (JobOptions.Key<?> key : JobOptions.keys()) {
      String shown = KeyTable.shownDefault(key);
      if (shown.equals("none")) continue;
      String value = shown.replace("`", "");
      // Writing the documented default down must change nothing.
      assertEquals(
          defaults,
          JobDefinition.parse(properties(key.option().key(), value), "test"),
          key.shownAs() + " = " + value);
      checked.add(key.option().key());
    }
    assertTrue(
        checked.contains("model.window") && checked.contains("snapshot.every-seconds"),
        checked.toString());
    assertEquals(defaults.name(), defaults.groupId(), "the group is the job name");
    assertEquals("other", JobDefinition.parse(properties("job.name", "other"), "test").groupId());
    // A few spelled out, so that the comparison above cannot be vacuous.
    assertEquals(5, defaults.hyperparameters().windowSize());
    assertEquals(50_000, defaults.snapshotEveryExamples());
    assertEquals(Duration.ofSeconds(60), defaults.snapshotInterval());
    assertEquals(List.of("PER"), defaults.models());
    assertEquals(2, defaults.minCount());
    assertEquals(JobDefinition.StateBackend.HASHMAP, defaults.stateBackend());
    assertFalse(defaults.predictionsExactlyOnce());
    assertNull(defaults.finalModelDirectory());
    assertNull(defaults.checkpointDirectory());
    assertEquals(50_000, defaults.columnCache());
    assertEquals(Duration.ofMillis(10), defaults.bufferTimeout());
    assertEquals(Duration.ofMillis(5), defaults.predictionsLinger());
    assertEquals("127.0.0.1", defaults.webBindAddress());
    assertEquals(Map.of(), defaults.kafkaProperties());
    assertEquals(Duration.ofMinutes(10), defaults.transactionTimeout());
    assertEquals(
        Duration.ofMillis(25),
        JobDefinition.parse(properties("predictions.linger-ms", "25"), "test").predictionsLinger());
  }

  /** What is wrong, the line, the key the message names, and what else it must say. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "unknown key | model.widnow = 5 | model.widnow | unknown key",
        "bad whole number | model.hidden = ten | model.hidden | 'ten'",
        "bad decimal | model.learning-rate = fast | model.learning-rate | 'fast'",
        "zero learning rate | model.learning-rate = 0 | model.learning-rate | greater than 0 and at most 1e15",
        "huge learning rate | model.learning-rate = 1e16 | model.learning-rate | 1e15",
        "NaN learning rate | model.learning-rate = NaN | model.learning-rate | 1e15",
        "negative count | snapshot.every-seconds = -1 | snapshot.every-seconds | from 0 to 604,800",
        "even window | model.window = 4 | model.window | odd, from 1 to 21",
        "wide window | model.window = 23 | model.window | odd, from 1 to 21",
        "zero dimension | model.dim = 0 | model.dim | from 1 to 1,024",
        "huge dimension | model.dim = 5000 | model.dim | from 1 to 1,024",
        "no hidden units | model.hidden = 0 | model.hidden | from 1 to 4,096",
        "zero min count | model.min-count = 0 | model.min-count | from 1",
        "huge sentences | model.max-tokens = 200000 | model.max-tokens | 100,000",
        "negative regularization | model.regularization = -1 | model.regularization | from 0 to 1,000",
        "infinite regularization | model.regularization = Infinity | model.regularization | from 0 to 1,000",
        "zero regularization examples | model.regularization-examples = 0 | model.regularization-examples | from 1",
        "checkpoints too often | checkpoint.interval-ms = 5 | checkpoint.interval-ms | from 10",
        "checkpoints past the transaction timeout | checkpoint.interval-ms = 400000 | checkpoint.interval-ms | at most 300,000, half the sinks' transaction timeout of 600,000 ms",
        "checkpoints past a shorter transaction timeout | `checkpoint.interval-ms = 40000\nkafka.properties.transaction.timeout.ms = 60000` | checkpoint.interval-ms | at most 30,000",
        "unknown state backend | state.backend = leveldb | state.backend | hashmap",
        "unknown starting offsets | source.starting-offsets = newest | source.starting-offsets | one of earliest, committed, latest",
        "not a boolean | source.bounded = yes | source.bounded | true or false",
        "unknown delivery | predictions.delivery = twice | predictions.delivery | at-least-once, exactly-once",
        "negative linger | predictions.linger-ms = -5 | predictions.linger-ms | from 0",
        "restarts beyond an int | restart.attempts = 3000000000 | restart.attempts | from 0",
        "negative restarts | restart.attempts = -1 | restart.attempts | from 0",
        "empty column cache | state.column-cache = 0 | state.column-cache | from 1",
        "no parallelism | parallelism = 0 | parallelism | from 1 to 32,768",
        "parallelism beyond key groups | parallelism = 40000 | parallelism | 32,768",
        "no such port | web.port = 70000 | web.port | from 0 to 65,535",
        "not a topic name | topic.train = my topic | topic.train | invalid",
        "servers without a port | kafka.bootstrap.servers = broker1 | kafka.bootstrap.servers | host:port",
        "a Kafka setting that does not exist | kafka.properties.sasl.mechanisms = PLAIN | kafka.properties.sasl.mechanisms | not a Kafka client setting",
        "a Kafka setting streamner owns | kafka.properties.bootstrap.servers = elsewhere:9092 | kafka.properties.bootstrap.servers | kafka.bootstrap.servers",
        "a Flink setting a key decides | flink.execution.checkpointing.interval = 1 min | flink.execution.checkpointing.interval | checkpoint.interval-ms",
        "the old name of a Flink setting a key decides | flink.state.backend = rocksdb | flink.state.backend | set state.backend instead",
        "init of a model not run | model.init.LOC = loc.model | model.init.LOC | models",
        "duplicate model | models = PER,LOC,PERSON | models | twice",
        "no model | models = , | models | no entity type",
        "not an entity type | models = PER,B- | models | models",
        "a typed model with an empty part | models = PER+ | models | empty part",
        "a typed model naming a type twice | models = PER+PERSON | models | twice",
        "a typed model listed twice | models = LOC+ORG, loc+org | models | twice",
        "a tag scheme that is none | model.tag-scheme = IOB | model.tag-scheme | BIOES",
        "negative caps | model.caps-dim = -1 | model.caps-dim | 0",
      })
  void aMistakeNamesTheFileTheKeyAndWhatIsAllowed(
      String what, String line, String key, String says, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file, "job.name = test\nmodels = PER\n" + line + "\n", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobDefinition.load(file));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(key), "names " + key + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(says), "says " + says + ": " + e.getMessage());
  }

  @Test
  void realSettingsAndTheEdgesOfEachRangePass() {
    for (String[] ok :
        new String[][] {
          {"model.learning-rate", "1e15"},
          {"model.learning-rate", "0.5"},
          {"model.window", "21"},
          {"model.window", "1"},
          {"model.regularization", "0"},
          {"checkpoint.interval-ms", "300000"},
          {"checkpoint.interval-ms", "10"},
          {"web.port", "0"},
          {"kafka.bootstrap.servers", "a:9092, b.example.com:9093"},
          {"kafka.properties.config.providers", "file"},
        }) {
      JobDefinition.parse(properties(ok[0], ok[1]), "test");
    }
    JobDefinition longTransactions =
        JobDefinition.parse(
            properties(
                "checkpoint.interval-ms", "400000",
                "kafka.properties.transaction.timeout.ms", "900000"),
            "test");
    assertEquals(Duration.ofMinutes(15), longTransactions.transactionTimeout());
  }

  @Test
  void secretsAreHiddenFromTheDefinitionsText() {
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"alice\" password=\"alice-secret-1\";";
    JobDefinition d =
        JobDefinition.parse(
            properties(
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.jaas.config", jaas,
                "kafka.properties.ssl.truststore.password", "trust-secret-2",
                "flink.metrics.reporter.x.password", "flink-secret-3"),
            "test");
    String text = d.toString();
    for (String secret : List.of("alice-secret-1", "trust-secret-2", "flink-secret-3")) {
      assertFalse(text.contains(secret), text);
    }
    assertTrue(text.contains("security.protocol=SASL_SSL"), text);
    assertTrue(text.contains("sasl.jaas.config=[hidden]"), text);
    assertEquals(jaas, d.kafkaProperties().get("sasl.jaas.config"), "the job itself gets it");
  }

  @Test
  void flinkKeysReachTheJobsConfigurationAndWin() {
    JobDefinition d =
        JobDefinition.parse(
            properties(
                "flink.metrics.reporter.prom.port", "9250",
                "flink.restart-strategy.type", "exponential-delay"),
            "test");
    Map<String, String> conf = StreamnerJob.configuration(d).toMap();
    assertEquals("9250", conf.get("metrics.reporter.prom.port"));
    assertEquals("exponential-delay", conf.get("restart-strategy.type"), "over fixed-delay");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("nope.properties");
    IOException e = assertThrows(IOException.class, () -> JobDefinition.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void modelsAreCanonicalEntityTypes() {
    JobDefinition d = JobDefinition.parse(properties("models", "person, location ,ORG"), "test");
    assertEquals(List.of("PER", "LOC", "ORG"), d.models());
  }

  @Test
  void typesJoinedByPlusAreOneTypedModelWithItsTagSet() {
    JobDefinition d =
        JobDefinition.parse(
            properties(
                "models", "PER, location+org+misc", "model.init.LOC+ORG+MISC", "typed.model"),
            "test");
    assertEquals(List.of("PER", "LOC+ORG+MISC"), d.models());
    assertEquals(Map.of("LOC+ORG+MISC", "typed.model"), d.initModels());
    assertEquals(null, d.tagSet("PER"), "a binary model");
    assertEquals(
        List.of(
            "O", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-ORG", "B-MISC",
            "I-MISC", "E-MISC", "S-MISC"),
        d.tagSet("LOC+ORG+MISC").tags(),
        "BIOES by default");
    assertEquals(5, d.typed().capitalizationDim(), "on by default, as train --types");
    assertEquals(
        List.of("O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"),
        JobDefinition.parse(properties("models", "PER+LOC", "model.tag-scheme", "bioes"), "test")
            .tagSet("PER+LOC")
            .tags());
  }

  @Test
  void modelsHashedUnevenlyOverSubtasksGetAWarning() {
    JobDefinition uneven = JobTesting.definition("models", "PER,LOC", "parallelism", "2");
    assertEquals(List.of(List.of("PER", "LOC"), List.of()), StreamnerJob.modelsBySubtask(uneven));
    String warning = StreamnerJob.placementWarning(uneven).orElseThrow();
    assertTrue(warning.contains("subtask 1: PER,LOC, subtask 2: none"), warning);

    JobDefinition four = JobTesting.definition("models", "PER,LOC,ORG,MISC", "parallelism", "2");
    assertEquals(
        List.of(List.of("PER", "LOC"), List.of("ORG", "MISC")), StreamnerJob.modelsBySubtask(four));
    assertTrue(StreamnerJob.placementWarning(four).isEmpty(), "two and two");
    assertTrue(
        StreamnerJob.placementWarning(
                JobTesting.definition("models", "PER,LOC,ORG", "parallelism", "2"))
            .isEmpty(),
        "two and one is as even as three models get");
  }

  @Test
  void aFencedProducerIsReportedAsASecondCopyOfTheJob() {
    // The shape of a job's failure: Flink's wrappers around the sink's Kafka exception.
    Throwable fenced =
        new org.apache.flink.runtime.client.JobExecutionException(
            null,
            "Job execution failed.",
            new RuntimeException(
                "Could not commit",
                new org.apache.kafka.common.errors.ProducerFencedException(
                    "There is a newer producer with the same transactionalId")));
    String message = StreamnerJob.failureMessage(fenced);
    assertTrue(message.contains("a second copy of this job (the same job.name)"), message);
    assertTrue(message.contains("There is a newer producer"), message);
    assertEquals(
        "disk full",
        StreamnerJob.failureMessage(
            new RuntimeException("wrapper", new java.io.IOException("disk full"))),
        "any other failure: its deepest cause");
  }
}
