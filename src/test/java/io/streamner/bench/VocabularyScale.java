package io.streamner.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Vocabulary scale (issue #5, part 4; issue #10, point 4): generated streams of words never seen
 * before, each run by the job in a child JVM with {@code -Xmx1g} ({@link VocabularyJob}); Kafka and
 * the producer stay here. The scenarios ({@link Scenario}):
 *
 * <ul>
 *   <li>{@code rocksdb}: RocksDB state, min count 1: every new word gets a column in state at once
 *       (how far RocksDB takes a vocabulary that is never bounded);
 *   <li>{@code heap-ttl}: heap state, min count 2, {@code model.count-ttl-seconds = 30}: one-off
 *       words only ever get a count, and the TTL bounds the counts;
 *   <li>{@code heap-cap}: heap state, min count 1, {@code model.max-vocabulary = 100,000}: one-off
 *       words would all get columns, and the cap bounds them;
 *   <li>{@code heap-unbounded} (only when asked for): heap state, min count 2, counts that never
 *       expire: what the TTL prevents.
 * </ul>
 *
 * <p>The stream: sentences of {@value #TOKENS} tokens, each a two-token person name tagged B-PER
 * I-PER somewhere, {@value #NEW_PER_SENTENCE} words never seen before (built from a counter in
 * letters, {@code zqa, zqb, ..., zqba, ...}: letters, because a number would be one word to a
 * normaliser that maps numbers, and a prefix no common word has) and common words in between.
 *
 * <p>Windows/s at the start and at the end: from the predictions topic, where each prediction
 * carries {@code processed_at} and {@code examples_seen} (windows trained before that sentence):
 * the windows trained over the first 10% and over the last 10% of the stream, each divided by the
 * time they took.
 */
final class VocabularyScale {
  static final int TOKENS = 20;
  static final int NEW_PER_SENTENCE = 12;
  static final String HEAP = "1g";

  private static final String[] COMMON = {
    "the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "with", "at", "by", "from",
    "said", "today", "met", "about", "after", "new"
  };
  private static final String[] FIRST = {
    "Anna", "Bob", "Carla", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kate",
    "Liam", "Maria", "Noah", "Olga", "Paul"
  };
  private static final String[] LAST = {
    "Smith",
    "Jones",
    "Garcia",
    "Muller",
    "Rossi",
    "Dubois",
    "Silva",
    "Novak",
    "Kowalski",
    "Jensen",
    "Tanaka",
    "Kim",
    "Okafor",
    "Haddad",
    "Costa",
    "Berg"
  };

  private VocabularyScale() {}

  /**
   * One way of running the job over a generated stream.
   *
   * @param keys definition keys on top of {@link BenchSetup#properties}
   * @param mayRunOutOfMemory whether running out of memory is the result rather than a failure
   */
  record Scenario(
      String name, String description, Map<String, String> keys, boolean mayRunOutOfMemory) {}

  /** Count TTL of {@code heap-ttl}: short, so that a run of minutes shows the bound. */
  static final long COUNT_TTL_SECONDS = 30;

  /** Maximum vocabulary of {@code heap-cap}. */
  static final int MAX_VOCABULARY = 100_000;

  static final Scenario ROCKSDB =
      new Scenario(
          "rocksdb",
          "RocksDB state, min count 1: every new word a column",
          Map.of(
              "state.backend",
              "rocksdb",
              "model.max-vocabulary",
              String.valueOf(Integer.MAX_VALUE)),
          false);

  static final Scenario HEAP_TTL =
      heap(
          "heap-ttl",
          2,
          "count TTL " + COUNT_TTL_SECONDS + " s",
          "model.count-ttl-seconds",
          String.valueOf(COUNT_TTL_SECONDS),
          false);

  static final Scenario HEAP_CAP =
      heap(
          "heap-cap",
          1,
          String.format(Locale.ROOT, "max vocabulary %,d", MAX_VOCABULARY),
          "model.max-vocabulary",
          String.valueOf(MAX_VOCABULARY),
          false);

  static final Scenario HEAP_UNBOUNDED =
      heap("heap-unbounded", 2, "counts that never expire", "model.count-ttl-seconds", "0", true);

  /**
   * The heap scenarios differ only in the minimum count and the one setting that bounds the
   * vocabulary (or, for {@code heap-unbounded}, leaves it unbounded).
   */
  private static Scenario heap(
      String name,
      int minCount,
      String bound,
      String boundKey,
      String boundValue,
      boolean mayRunOutOfMemory) {
    return new Scenario(
        name,
        "heap state, min count " + minCount + ", " + bound,
        Map.of(
            "state.backend",
            "hashmap",
            "model.min-count",
            String.valueOf(minCount),
            boundKey,
            boundValue),
        mayRunOutOfMemory);
  }

  static final List<Scenario> SCENARIOS = List.of(ROCKSDB, HEAP_TTL, HEAP_CAP, HEAP_UNBOUNDED);

  /** The scenarios a suite runs unless {@code bench.vocabulary} names others. */
  static final List<String> DEFAULT_SCENARIOS = List.of("rocksdb", "heap-ttl", "heap-cap");

  /**
   * @param ranOutOfMemory whether the child JVM died of an OutOfMemoryError (only a scenario that
   *     may is reported instead of failing); the other figures then cover what it trained
   * @param trainedBeforeTheEnd windows the model trained (all of them unless it ran out of memory)
   */
  record Result(
      String scenario,
      String description,
      boolean ranOutOfMemory,
      long trainedBeforeTheEnd,
      long distinctNewWords,
      long columnsAtEnd,
      int sentences,
      long windows,
      double windowsPerSecondStart,
      double windowsPerSecondEnd,
      double endOverStart,
      double seconds,
      double windowsPerSecond,
      boolean finishedUnderHeapLimit,
      String heapLimit,
      long peakHeapAfterGcBytes,
      long peakHeapUsedBytes,
      long rocksDbPeakBytes,
      long lastCheckpointBytes,
      long lastCheckpointUploadedBytes,
      long checkpointDirPeakBytes,
      JsonNode child) {}

  /** The word for counter value k: "zq" and k in base 26 with the letters a..z as digits. */
  static String newWord(long k) {
    StringBuilder s = new StringBuilder();
    do {
      s.append((char) ('a' + (int) (k % 26)));
      k /= 26;
    } while (k > 0);
    return "zq" + s.reverse();
  }

  /** The generated stream as encoded train records; the same for the same word count. */
  static List<byte[]> stream(long distinctWords) {
    Random random = new Random(7);
    List<byte[]> records = new ArrayList<>();
    long next = 0;
    for (int s = 0; next < distinctWords; s++) {
      String[] tokens = new String[TOKENS];
      String[] tags = new String[TOKENS];
      int name = random.nextInt(TOKENS - 1);
      tokens[name] = FIRST[random.nextInt(FIRST.length)];
      tags[name] = "B-PER";
      tokens[name + 1] = LAST[random.nextInt(LAST.length)];
      tags[name + 1] = "I-PER";
      List<Integer> free = new ArrayList<>();
      for (int i = 0; i < TOKENS; i++) if (tokens[i] == null) free.add(i);
      Collections.shuffle(free, random);
      for (int j = 0; j < free.size(); j++) {
        int i = free.get(j);
        tokens[i] =
            j < NEW_PER_SENTENCE && next < distinctWords
                ? newWord(next++)
                : COMMON[random.nextInt(COMMON.length)];
        tags[i] = "O";
      }
      records.add(
          WireFormat.encode(
              new TrainRecord("v" + s, Arrays.asList(tokens), Arrays.asList(tags), null)));
    }
    return records;
  }

  /**
   * Fills a train topic with a stream of {@code distinctWords} new words and runs each scenario on
   * it, one after the other; the others' outputs go to topics of their own.
   */
  static List<Result> run(
      EmbeddedKafka kafka, long distinctWords, List<Scenario> scenarios, Progress progress)
      throws Exception {
    String prefix = "bench-vocabulary-" + distinctWords;
    String train = prefix + ".train";
    TopicAdmin.create(
        kafka.bootstrapServers(),
        List.of(TopicAdmin.topic(train, 1), TopicAdmin.topic(prefix + ".score", 1)));
    List<byte[]> stream = stream(distinctWords);
    long windows = (long) stream.size() * TOKENS;
    progress.info(
        "filling %s: %,d sentences, %,d windows, %,d new words",
        train, stream.size(), windows, distinctWords);
    BenchKafka.produce(kafka.bootstrapServers(), train, 1, stream);
    stream = null; // the parent's heap is not measured, but there is no reason to hold it

    List<Result> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      String name = prefix + "-" + scenario.name();
      JobDefinition.Topics topics =
          new JobDefinition.Topics(
              train,
              prefix + ".score",
              name + ".predictions",
              name + ".snapshots",
              name + ".dead-letter");
      JobHarness.createOutputTopics(kafka, topics);
      results.add(run(kafka, topics, name, scenario, distinctWords, windows, progress));
    }
    return results;
  }

  private static Result run(
      EmbeddedKafka kafka,
      JobDefinition.Topics topics,
      String name,
      Scenario scenario,
      long distinctWords,
      long windows,
      Progress progress)
      throws Exception {
    Path work = Files.createTempDirectory("streamner-bench-vocabulary");
    Path checkpoints = work.resolve("checkpoints");
    Path rocksDb = work.resolve("rocksdb");
    Path definitionFile = work.resolve("definition.properties");
    Path childJson = work.resolve("child.json");
    try {
      Properties p = BenchSetup.properties(kafka, topics, name, checkpoints, windows);
      scenario.keys().forEach(p::setProperty);
      try (Writer w = Files.newBufferedWriter(definitionFile, StandardCharsets.UTF_8)) {
        p.store(w, "speed suite: vocabulary scale, " + scenario.name());
      }
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx" + HEAP,
              "-XX:+ExitOnOutOfMemoryError",
              "--add-modules", // the float kernel's SIMD, as the suite's own JVM has it
              "jdk.incubator.vector",
              "-cp",
              System.getProperty("java.class.path"),
              VocabularyJob.class.getName(),
              definitionFile.toString(),
              childJson.toString(),
              rocksDb.toString());
      progress.info("%s: job in a child JVM with -Xmx%s, %s", name, HEAP, scenario.description());
      Process child = new ProcessBuilder(command).inheritIO().start();
      if (!child.waitFor(60, TimeUnit.MINUTES)) {
        child.destroyForcibly();
        throw new IllegalStateException("the vocabulary job did not end within 60 minutes");
      }
      int exit = child.exitValue();
      JsonNode figures =
          Files.exists(childJson) ? new ObjectMapper().readTree(childJson.toFile()) : null;
      boolean finished = exit == 0 && figures != null && figures.path("finished").asBoolean();
      // -XX:+ExitOnOutOfMemoryError exits with 3, before the child can write anything.
      boolean outOfMemory = !finished && exit == 3 && figures == null;
      if (!finished && !(outOfMemory && scenario.mayRunOutOfMemory())) {
        String why =
            figures != null && figures.has("failure")
                ? figures.get("failure").asText()
                : outOfMemory ? "OutOfMemoryError (the JVM exited on it)" : "exit code " + exit;
        throw new IllegalStateException(
            "the vocabulary job (" + scenario.name() + ") failed under -Xmx" + HEAP + ": " + why);
      }
      if (figures == null) figures = new ObjectMapper().createObjectNode();

      // (examples_seen, processed_at) of every prediction, in the order the model made them.
      List<long[]> points = new ArrayList<>();
      BenchKafka.forEachPrediction(
          kafka.bootstrapServers(),
          topics.predictions(),
          prediction -> {
            points.add(
                new long[] {
                  prediction.examplesSeen(), prediction.processedAt(), prediction.tokens().size()
                });
          });
      points.sort((a, b) -> Long.compare(a[0], b[0]));
      long[] last = points.get(points.size() - 1);
      long trained = last[0] + last[2];
      double start = rate(points, 0, 0.10 * trained);
      double end = rate(points, 0.90 * trained, last[0]);
      long columns = -1;
      if (finished) {
        SnapshotRecord.Manifest manifest =
            BenchKafka.finalManifests(kafka.bootstrapServers(), topics.snapshots()).get("PER");
        if (manifest == null || manifest.examplesSeen() != windows) {
          throw new IllegalStateException(
              "the model trained "
                  + (manifest == null ? "nothing" : manifest.examplesSeen())
                  + " windows, not "
                  + windows);
        }
        columns = manifest.vocabularySize();
      }
      long endedAt = finished ? figures.path("job_finished_at").asLong() : last[1];
      double seconds = (endedAt - points.get(0)[1]) / 1000.0;
      long peakAfterGc = figures.path("peak_heap_after_gc_bytes").asLong();
      // Flink's own figure for the last completed checkpoint: the full state it holds.
      long checkpointBytes = figures.path("checkpoints").path("latest_state_bytes").asLong(-1);
      Result result =
          new Result(
              scenario.name(),
              scenario.description(),
              outOfMemory,
              trained,
              distinctWords,
              columns,
              points.size(),
              windows,
              start,
              end,
              end / start,
              seconds,
              trained / seconds,
              finished && peakAfterGc < (1L << 30),
              HEAP,
              peakAfterGc,
              figures.path("peak_heap_used_bytes").asLong(),
              figures.path("rocksdb_peak_bytes").asLong(),
              checkpointBytes,
              figures.path("checkpoints").path("latest_checkpointed_bytes").asLong(-1),
              figures.path("checkpoint_dir_peak_bytes").asLong(),
              figures);
      if (outOfMemory) {
        progress.info(
            "%s: OutOfMemoryError after %,d of %,d windows (%.0f%%), at %,.0f windows/s",
            scenario.name(), trained, windows, 100.0 * trained / windows, end);
      } else {
        progress.info(
            "%s: %,d columns at the end; windows/s %,.0f over the first 10%%, %,.0f over the last"
                + " 10%% (%.2f); peak heap after GC %,d MB (used %,d MB); RocksDB peak %,d MB; last"
                + " checkpoint %,d MB",
            scenario.name(),
            columns,
            start,
            end,
            end / start,
            peakAfterGc >> 20,
            result.peakHeapUsedBytes() >> 20,
            result.rocksDbPeakBytes() >> 20,
            checkpointBytes >> 20);
      }
      return result;
    } finally {
      BenchSetup.deleteQuietly(work);
    }
  }

  /** The scenarios named in {@code names} (comma-separated; empty: {@link #DEFAULT_SCENARIOS}). */
  static List<Scenario> scenarios(String names) {
    List<String> wanted =
        names.isBlank() ? DEFAULT_SCENARIOS : List.of(names.trim().split("\\s*,\\s*"));
    List<Scenario> chosen = new ArrayList<>();
    for (String name : wanted) {
      Scenario scenario =
          SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
      if (scenario == null) {
        throw new IllegalArgumentException(
            "bench.vocabulary: unknown scenario '"
                + name
                + "'; scenarios are "
                + SCENARIOS.stream().map(Scenario::name).toList());
      }
      chosen.add(scenario);
    }
    return chosen;
  }

  /**
   * Windows per second between the first prediction with at least {@code from} windows trained
   * before it and the first with at least {@code to}.
   */
  private static double rate(List<long[]> points, double from, double to) {
    long[] a = null;
    long[] b = null;
    for (long[] p : points) {
      if (a == null && p[0] >= from) a = p;
      if (b == null && p[0] >= to) b = p;
    }
    if (a == null || b == null || b[1] <= a[1]) return Double.NaN;
    return (b[0] - a[0]) / ((b[1] - a[1]) / 1000.0);
  }
}
