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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Job definitions: the shipped files, the documented keys and defaults, and errors that say where.
 */
class JobDefinitionTest {
  private static final String INIT = "model.init.<TYPE>";

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

  /** The key table of flink-jobs/README.md: key to documented default, in order. */
  static Map<String, String> documentedKeys() throws IOException {
    String readme = Files.readString(project("flink-jobs/README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("\n## Keys");
    assertTrue(start >= 0, "README has a Keys section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Map<String, String> keys = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\|\\s*`([^`]+)`\\s*\\|([^|]*)\\|").matcher(section);
    while (row.find()) {
      String key = row.group(1);
      String value = row.group(2).trim().replace("`", "");
      assertFalse(keys.containsKey(key), key + " documented twice");
      keys.put(key, value);
    }
    assertTrue(keys.size() > 20, "the table was read: " + keys.keySet());
    return keys;
  }

  @Test
  void everyKeyIsDocumentedAndEveryDocumentedKeyIsAccepted() throws IOException {
    Map<String, String> documented = documentedKeys();
    List<String> undocumented = new ArrayList<>();
    for (String key : JobDefinition.KEYS.keySet())
      if (!documented.containsKey(key)) undocumented.add(key);
    assertEquals(
        List.of(),
        undocumented,
        "keys JobDefinition takes but flink-jobs/README.md does not document");

    List<String> unknown = new ArrayList<>();
    for (String key : documented.keySet()) {
      if (!key.equals(INIT) && !JobDefinition.KEYS.containsKey(key)) unknown.add(key);
    }
    assertEquals(List.of(), unknown, "keys the README documents but JobDefinition rejects");

    assertTrue(documented.containsKey(INIT));
    JobDefinition d =
        JobDefinition.parse(
            properties("models", "PER,LOC", "model.init.person", "per.model"), "test");
    assertEquals(
        Map.of("PER", "per.model"),
        d.initModels(),
        "model.init.<TYPE> is accepted, aliases folded");
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() throws IOException {
    JobDefinition defaults = JobDefinition.parse(new Properties(), "test");
    List<String> checked = new ArrayList<>();
    for (Map.Entry<String, String> e : documentedKeys().entrySet()) {
      String key = e.getKey(), value = e.getValue();
      if (key.equals(INIT)) {
        assertEquals("none", value);
        assertTrue(defaults.initModels().isEmpty());
      } else if (value.equals("none")) {
        assertEquals("", JobDefinition.KEYS.get(key), key + " is documented without a default");
      } else if (key.equals("kafka.group.id")) {
        assertEquals("the job name", value);
        assertEquals(defaults.name(), defaults.groupId());
        assertEquals(
            "other", JobDefinition.parse(properties("job.name", "other"), "test").groupId());
      } else {
        // Writing the documented default down must change nothing.
        assertEquals(
            defaults, JobDefinition.parse(properties(key, value), "test"), key + " = " + value);
        checked.add(key);
      }
    }
    assertTrue(
        checked.contains("model.window") && checked.contains("snapshot.every-seconds"),
        checked.toString());
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
    assertEquals(
        Duration.ofMillis(25),
        JobDefinition.parse(properties("predictions.linger-ms", "25"), "test").predictionsLinger());
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("unknown key", "model.widnow = 5", "model.widnow"),
        Arguments.of("bad whole number", "model.hidden = ten", "model.hidden"),
        Arguments.of("bad decimal", "model.learning-rate = fast", "model.learning-rate"),
        Arguments.of("zero learning rate", "model.learning-rate = 0", "model.learning-rate"),
        Arguments.of("negative count", "snapshot.every-seconds = -1", "snapshot.every-seconds"),
        Arguments.of("even window", "model.window = 4", "model.window"),
        Arguments.of("zero dimension", "model.dim = 0", "model.dim"),
        Arguments.of(
            "negative regularization", "model.regularization = -1", "model.regularization"),
        Arguments.of("unknown state backend", "state.backend = leveldb", "state.backend"),
        Arguments.of(
            "unknown starting offsets",
            "source.starting-offsets = newest",
            "source.starting-offsets"),
        Arguments.of("not a boolean", "source.bounded = yes", "source.bounded"),
        Arguments.of("unknown delivery", "predictions.delivery = twice", "predictions.delivery"),
        Arguments.of("negative linger", "predictions.linger-ms = -5", "predictions.linger-ms"),
        Arguments.of("restarts beyond an int", "restart.attempts = 3000000000", "restart.attempts"),
        Arguments.of("negative restarts", "restart.attempts = -1", "restart.attempts"),
        Arguments.of("empty column cache", "state.column-cache = 0", "state.column-cache"),
        Arguments.of("init of a model not run", "model.init.LOC = loc.model", "model.init.LOC"),
        Arguments.of("duplicate model", "models = PER,LOC,PERSON", "models"),
        Arguments.of("not an entity type", "models = PER,B-", "models"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void aMistakeNamesTheFileAndTheKey(String what, String line, String key, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file, "job.name = test\nmodels = PER\n" + line + "\n", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobDefinition.load(file));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(key), "names " + key + ": " + e.getMessage());
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
}
