package io.streamner.job;

import static io.streamner.job.JobTesting.START;
import static io.streamner.job.JobTesting.definition;
import static io.streamner.job.JobTesting.labelled;
import static io.streamner.job.JobTesting.score;
import static io.streamner.job.JobTesting.train;
import static io.streamner.job.JobTesting.unlabelled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobTesting.Checkpoint;
import io.streamner.job.JobTesting.ModelHarness;
import io.streamner.job.JobTesting.Version;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.model.FloatParameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.EntityTags;
import io.streamner.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.memory.MemCheckpointStreamFactory;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ModelOperator} in Flink's keyed operator harness: what the predictions and snapshots
 * topics receive.
 */
class ModelOperatorTest {

  /** Labelled sentences of 3 to 5 tokens with PER and LOC mentions, some words repeating. */
  static List<ParsedRecord> corpus() {
    return List.of(
        train("t1", "Anna/B-PER", "flew/O", "to/O", "Porto/B-LOC"),
        train("t2", "Bob/B-PER", "Smith/I-PERSON", "likes/O", "Lisbon/B-LOCATION"),
        train("t3", "we/O", "met/O", "Anna/B-PER"),
        train("t4", "Porto/B-LOC", "is/O", "sunny/O", "today/O"),
        train("t5", "Bob/B-PER", "flew/O", "to/O", "Lisbon/B-LOC", "again/O"),
        train("t6", "Carla/B-PER", "met/O", "Bob/B-PER"),
        train("t7", "sunny/O", "Porto/B-LOC", "and/O", "Lisbon/B-LOC"),
        train("t8", "Anna/B-PER", "Smith/I-PER", "is/O", "back/O"));
  }

  private static List<String> words(ParsedRecord... sentences) {
    List<String> words = new ArrayList<>();
    for (ParsedRecord s : sentences) for (String t : s.tokens) words.add(t.toLowerCase());
    return words;
  }

  private static Set<String> set(List<String> words, String... more) {
    Set<String> s = new TreeSet<>(words);
    s.addAll(Arrays.asList(more));
    return s;
  }

  // ---- train and score

  @Test
  void aLabelledSentenceIsPredictedBeforeTrainingAndCarriesItsGoldTags() throws Exception {
    try (ModelHarness h = new ModelHarness(definition()).open()) {
      ParsedRecord t1 = corpus().get(0);
      t1.eventTime = 1_764_115_200_000L;
      h.process(labelled("PER", t1));
      List<PredictionRecord> out = h.predictions();
      assertEquals(1, out.size());
      PredictionRecord p = out.get(0);
      assertEquals("t1", p.id());
      assertEquals(PredictionRecord.TRAIN, p.kind());
      assertEquals("PER", p.model());
      assertEquals(0, p.modelVersion(), "no snapshot written yet");
      assertEquals(0, p.examplesSeen(), "predicted before training on its own 4 windows");
      assertEquals(List.of(t1.tokens), p.tokens());
      assertEquals(List.of(t1.tags), p.gold());
      assertEquals(t1.eventTime, p.eventTime());
      assertEquals(4, p.probabilities().length, "one probability per token");
      boolean[] positive = new boolean[4];
      for (int t = 0; t < 4; t++) {
        assertTrue(
            p.probabilities()[t] >= 0 && p.probabilities()[t] <= 1,
            "probability " + p.probabilities()[t]);
        positive[t] = p.probabilities()[t] >= 0.5;
      }
      assertEquals(List.of(EntityTags.bioLabels(positive, "PER")), p.labels());
      assertTrue(h.snapshotRecords().isEmpty(), "no snapshot by count or time configured");

      // The next predictions see the 4 windows trained; a score reports the count too.
      ParsedRecord t3 = corpus().get(2);
      h.process(labelled("PER", t3));
      assertEquals(4, h.predictions().get(0).examplesSeen());
      h.process(unlabelled("PER", score("q", "Anna", "flew")));
      assertEquals(4 + 3, h.predictions().get(0).examplesSeen());
    }
  }

  @Test
  void theTrainPredictionIsMadeBeforeTrainingAndTrainingMovesIt() throws Exception {
    try (ModelHarness h = new ModelHarness(definition()).open()) {
      ParsedRecord t1 = corpus().get(0);
      h.process(labelled("PER", t1));
      double[] first = h.predictions().get(0).probabilities();
      h.process(unlabelled("PER", score("q", t1.tokens)));
      double[] scored = h.predictions().get(0).probabilities();
      assertFalse(
          Arrays.equals(first, scored), "training on t1 changed what the model says about it");
      h.process(labelled("PER", t1));
      // Test-then-train per window: the first token is scored by the model a score just before
      // saw; later tokens by the model after the sentence's earlier windows trained it.
      assertEquals(
          scored[0],
          h.predictions().get(0).probabilities()[0],
          0.0,
          "the first token's prediction is what a score just before it says");
    }
  }

  @Test
  void scoringChangesNothing() throws Exception {
    List<ParsedRecord> c = corpus();
    ParsedRecord query = score("q", "Zoe", "visited", "Anna", "in", "Porto");
    try (ModelHarness withScores = new ModelHarness(definition()).open();
        ModelHarness without = new ModelHarness(definition()).open()) {
      withScores.process(
          labelled("PER", c.get(0)), unlabelled("PER", query), unlabelled("PER", query));
      List<PredictionRecord> scores = withScores.predictions().subList(1, 3);
      assertEquals(PredictionRecord.SCORE, scores.get(0).kind());
      assertNull(scores.get(0).gold());
      assertArrayEquals(
          scores.get(0).probabilities(), scores.get(1).probabilities(), "the same answer twice");
      assertEquals(scores.get(0).modelVersion(), scores.get(1).modelVersion());
      assertEquals(scores.get(0).examplesSeen(), scores.get(1).examplesSeen());
      withScores.process(labelled("PER", c.get(1)), labelled("PER", c.get(2)));
      withScores.endInput();

      without.process(
          labelled("PER", c.get(0)), labelled("PER", c.get(1)), labelled("PER", c.get(2)));
      without.endInput();

      List<PredictionRecord> a = withScores.predictions();
      List<PredictionRecord> b = without.predictions().subList(1, 3);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(
            b.get(i).probabilities(), a.get(i).probabilities(), "prediction of " + b.get(i).id());
        assertEquals(b.get(i).examplesSeen(), a.get(i).examplesSeen());
      }
      Version va = single(withScores.versions()), vb = single(without.versions());
      assertSameModel(vb, va);
      assertFalse(va.columns().containsKey("zoe"), "scoring never creates a column");
      assertFalse(va.columns().containsKey("visited"));
    }
  }

  // ---- one record never stops the job, and a refused one leaves the model as it was

  @Test
  void aSentenceWhoseUpdateWouldOverflowIsADeadLetterAndTheModelStaysAsItWas() throws Exception {
    // The largest learning rate a definition allows: within some hundred steps the parameters
    // grow past the largest double.
    String[] wild = {"model.learning-rate", "1e15", "model.min-count", "2"};
    List<ParsedRecord> stream = new ArrayList<>();
    for (int round = 0; round < 100; round++) {
      for (ParsedRecord s : corpus()) {
        ParsedRecord copy = train(s.id + "-" + round);
        copy.tokens = s.tokens;
        copy.tags = s.tags;
        copy.sourceOffset = stream.size();
        stream.add(copy);
      }
    }
    ParsedRecord query = score("q", "Anna", "flew", "to", "Porto");
    try (ModelHarness h = new ModelHarness(definition(wild)).open();
        ModelHarness before = new ModelHarness(definition(wild)).open()) {
      int refused = -1;
      for (int i = 0; i < stream.size() && refused < 0; i++) {
        h.process(labelled("PER", stream.get(i)));
        if (!h.deadLetters().isEmpty()) refused = i;
        else before.process(labelled("PER", stream.get(i)));
      }
      assertTrue(refused > 0, "training overflowed, after some sentences that did not");
      h.predictions();
      h.process(unlabelled("PER", query), labelled("PER", stream.get(refused)));
      before.process(unlabelled("PER", query));
      assertArrayEquals(
          before.predictions().get(refused).probabilities(),
          h.predictions().get(0).probabilities(),
          "the model scores as if it had never seen the refused sentence");
      Map<String, DeadLetterRecord> letters = h.deadLetters();
      assertEquals(1, letters.size(), "refused again, one entry per record and model");
      ParsedRecord sentence = stream.get(refused);
      DeadLetterRecord letter = letters.get("streamner.train/0/" + sentence.sourceOffset + "/PER");
      assertTrue(letter.reason().startsWith("model PER: non-finite update"), letter.reason());
      assertArrayEquals(sentence.raw, letter.originalBytes(), "the record's bytes, to replay");
      assertEquals("streamner.train", letter.source().topic());

      h.endInput();
      before.endInput();
      assertSameModel(single(before.versions()), single(h.versions()));
    }
  }

  @Test
  void aPredictionTooLargeForKafkaIsADeadLetterAndTheSentenceIsNotTrained() throws Exception {
    List<ParsedRecord> c = corpus();
    String[] tokens = new String[1_200];
    String[] tags = new String[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (i % 2 == 0 ? "a" : "b").repeat(1_000) + "/O";
      tags[i] = "O";
    }
    ParsedRecord huge = train("huge", tokens);
    try (ModelHarness h = new ModelHarness(definition()).open();
        ModelHarness without = new ModelHarness(definition()).open()) {
      h.process(labelled("PER", c.get(0)), labelled("PER", huge), labelled("PER", c.get(1)));
      assertEquals(List.of("t1", "t2"), ids(h.predictions()));
      Map<String, DeadLetterRecord> letters = h.deadLetters();
      assertEquals(1, letters.size());
      DeadLetterRecord letter = letters.values().iterator().next();
      assertTrue(letter.reason().contains("bytes, more than the 1,000,000"), letter.reason());
      h.endInput();

      without.process(labelled("PER", c.get(0)), labelled("PER", c.get(1)));
      without.endInput();
      assertSameModel(single(without.versions()), single(h.versions()));
    }
  }

  @Test
  void aRestoreUnderADefinitionThatChangesAModelsShapeStopsTheJobAtOnce() throws Exception {
    Checkpoint checkpoint;
    try (ModelHarness h = new ModelHarness(definition()).open()) {
      h.process(labelled("PER", corpus().get(0)));
      checkpoint = h.checkpoint(1);
    }
    try (ModelHarness wider = new ModelHarness(definition("model.dim", "6"))) {
      String message = wider.refusedRestore(checkpoint);
      assertTrue(message.contains("model.dim = 4,") && message.contains("--fresh"), message);
    }
    try (ModelHarness same = new ModelHarness(definition("model.learning-rate", "0.2"))) {
      same.restore(checkpoint); // a learning rate may change
    }
  }

  /**
   * A float model's state has names of its own: a checkpoint of a double model restored under
   * {@code model.precision = float} (or the other way round) stops the job with a message that says
   * what to do, and is never read as the other precision.
   */
  @ParameterizedTest(name = "{0} state, {1} definition")
  @CsvSource({"double, float", "float, double"})
  void aRestoreUnderTheOtherPrecisionStopsTheJobAtOnce(String stored, String defined)
      throws Exception {
    Checkpoint checkpoint;
    try (ModelHarness h = new ModelHarness(definition("model.precision", stored)).open()) {
      h.process(labelled("PER", corpus().get(0)));
      checkpoint = h.checkpoint(1);
    }
    try (ModelHarness other = new ModelHarness(definition("model.precision", defined))) {
      String message = other.refusedRestore(checkpoint);
      assertTrue(
          message.contains(
                  "model PER is a "
                      + stored
                      + " model but the job definition says model.precision = "
                      + defined)
              && message.contains("--fresh"),
          message);
    }
  }

  /** A float model's snapshots and final file are float32, and what the file holds it scores. */
  @Test
  void aFloatModelWritesFloat32SnapshotsAndAFloatModelFile(@TempDir Path dir) throws Exception {
    JobDefinition d =
        definition("model.precision", "float", "final-model.dir", dir.toString(), "models", "PER");
    try (ModelHarness h = new ModelHarness(d).open()) {
      for (ParsedRecord s : corpus()) h.process(labelled("PER", s));
      h.endInput();
      Version v = single(h.versions());
      for (double x : v.dense()) assertEquals(x, (float) x, 0.0, "float32 on the wire");
      NerModel file = ModelFile.read(dir.resolve("PER.model"));
      assertEquals(Precision.FLOAT, file.precision());
      assertArrayEquals(
          v.dense(), WordVectors.toDouble(((FloatParameters) file.weights()).flatten()));
      h.predictions();
      h.process(unlabelled("PER", score("q", "Anna", "flew", "to", "Porto")));
      assertArrayEquals(
          file.probabilities(List.of("Anna", "flew", "to", "Porto")),
          h.predictions().get(0).probabilities());
    }
  }

  /**
   * Restores {@code checkpoint} into {@code h}, which must refuse it for good (no restart would
   * help); returns the reason.
   */
  private static List<String> ids(List<PredictionRecord> predictions) {
    return predictions.stream().map(PredictionRecord::id).toList();
  }

  // ---- new words

  @Test
  void aNewWordGetsItsColumnAtItsSecondLabelledOccurrenceAndScoringNeverCounts() throws Exception {
    try (ModelHarness h =
        new ModelHarness(definition("model.min-count", "2", "snapshot.every-examples", "1"))
            .open()) {
      h.process(labelled("PER", train("a", "Zed/B-PER", "ran/O")));
      Version v1 = single(h.versions());
      assertTrue(v1.manifest().full());
      assertEquals(
          Set.of(Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END),
          v1.columns().keySet(),
          "words seen once read UUUNKKK");
      assertEquals(3, v1.manifest().vocabularySize());

      h.process(
          unlabelled("PER", score("q1", "qux", "qux", "Zed")),
          unlabelled("PER", score("q2", "qux")));
      assertTrue(h.versions().isEmpty(), "scoring writes no snapshot");

      h.process(labelled("PER", train("b", "zed/B-PER", "qux/O")));
      Version v2 = single(h.versions());
      assertEquals(2, v2.version());
      assertTrue(v2.columns().containsKey("zed"), "second labelled occurrence of zed (any case)");
      assertFalse(
          v2.columns().containsKey("qux"), "qux was scored three times but trained on once");
      assertFalse(v2.columns().containsKey("ran"));
      assertEquals(4, v2.manifest().vocabularySize());

      h.process(labelled("PER", train("c", "qux/O", "ran/O")));
      Version v3 = single(h.versions());
      assertTrue(v3.columns().containsKey("qux"));
      assertTrue(v3.columns().containsKey("ran"));
      assertEquals(6, v3.manifest().vocabularySize());
    }
  }

  // ---- bounded state: counts below the minimum expire, the vocabulary has a maximum

  /** The words with a column in the version the last sentence wrote (a version per window). */
  private static Set<String> columnsNow(ModelHarness h) {
    List<Version> versions = h.versions();
    return versions.get(versions.size() - 1).columns().keySet();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void aCountBelowTheMinimumIsForgottenATtlAfterItsLastOccurrence(String backendName)
      throws Exception {
    JobDefinition d =
        definition(
            "model.min-count", "3",
            "model.count-ttl-seconds", "60",
            "snapshot.every-examples", "1");
    try (ModelHarness h = new ModelHarness(d, backend(backendName)).open()) {
      h.setTtlTime(START);
      h.process(labelled("PER", train("a", "Zed/B-PER", "qux/O")));
      h.setTtlTime(START + 50_000);
      h.process(labelled("PER", train("b", "Zed/B-PER")));
      h.versions();
      // zed was counted 50 s ago, qux 100 s ago.
      h.setTtlTime(START + 100_000);
      h.process(labelled("PER", train("c", "Zed/B-PER", "qux/O")));
      Set<String> columns = columnsNow(h);
      assertTrue(columns.contains("zed"), "each occurrence renews a count: zed reached 3");
      assertFalse(columns.contains("qux"), "qux's first count expired: it starts over at 1");
      h.process(labelled("PER", train("d", "qux/O")));
      assertFalse(columnsNow(h).contains("qux"), "2 of 3");
      h.process(labelled("PER", train("e", "qux/O")));
      assertTrue(columnsNow(h).contains("qux"));
    }
    // The same stream with counts that never expire: qux's first count still counts.
    try (ModelHarness h =
        new ModelHarness(
                definition(
                    "model.min-count", "3",
                    "model.count-ttl-seconds", "0",
                    "snapshot.every-examples", "1"),
                backend(backendName))
            .open()) {
      h.setTtlTime(START);
      h.process(labelled("PER", train("a", "Zed/B-PER", "qux/O")));
      h.setTtlTime(START + 100_000_000);
      h.process(labelled("PER", train("c", "qux/O")), labelled("PER", train("d", "qux/O")));
      assertTrue(columnsNow(h).contains("qux"));
    }
  }

  /**
   * On the heap, an expired count leaves the state (and so memory) as the counts are used: each
   * access checks a few more entries, so a stream of one-off words keeps only those of the last
   * TTL.
   */
  @Test
  void onTheHeapExpiredCountsLeaveTheStateAsNewWordsArrive() throws Exception {
    JobDefinition d =
        definition("models", "PER", "model.min-count", "2", "model.count-ttl-seconds", "60");
    try (ModelHarness h = new ModelHarness(d, new HashMapStateBackend()).open()) {
      h.setTtlTime(START);
      List<String> old = new ArrayList<>();
      for (int s = 0; s < 200; s++) {
        String[] tokens = new String[5];
        for (int j = 0; j < 5; j++) {
          tokens[j] = "old" + s + "x" + j + "/O";
          old.add("old" + s + "x" + j);
        }
        h.process(labelled("PER", train("old-" + s, tokens)));
      }
      int before = h.harness.numKeyedStateEntries();
      assertEquals(1, h.harness.numKeyedStateEntries(old.get(0)), "one entry per counted word");
      assertTrue(before >= 1000, "1,000 counts: " + before);

      h.setTtlTime(START + 61_000);
      for (int s = 0; s < 100; s++) {
        h.process(labelled("PER", train("new-" + s, "new" + s + "a/O", "new" + s + "b/O")));
      }
      for (String word : old) {
        assertEquals(0, h.harness.numKeyedStateEntries(word), word + " is still in the state");
      }
      assertEquals(
          before - 1000 + 200, h.harness.numKeyedStateEntries(), "only the 200 new counts remain");
    }
  }

  static Stream<Arguments> ttlChanges() {
    return Stream.of(
        Arguments.of("hashmap", "0", "60"),
        Arguments.of("hashmap", "60", "0"),
        Arguments.of("rocksdb", "0", "60"),
        Arguments.of("rocksdb", "60", "0"));
  }

  /** Turning the TTL on or off between runs keeps the counts (Flink migrates the state). */
  @ParameterizedTest(name = "{0}: count TTL {1} s, then {2} s")
  @MethodSource("ttlChanges")
  void aCountSurvivesARestoreThatTurnsItsTtlOnOrOff(String backendName, String before, String after)
      throws Exception {
    Checkpoint checkpoint;
    try (ModelHarness first =
        new ModelHarness(
                definition("model.min-count", "2", "model.count-ttl-seconds", before),
                backend(backendName))
            .open()) {
      first.setTtlTime(START);
      first.process(labelled("PER", train("a", "Zed/B-PER", "ran/O")));
      checkpoint = first.checkpoint(1);
    }
    try (ModelHarness second =
        new ModelHarness(
            definition(
                "model.min-count", "2",
                "model.count-ttl-seconds", after,
                "snapshot.every-examples", "1"),
            backend(backendName))) {
      // Flink stamps a count that gains a TTL with the time of the restore.
      second.setTtlTime(START + 1000);
      second.restore(checkpoint);
      second.process(labelled("PER", train("b", "zed/B-PER")));
      Set<String> columns = columnsNow(second);
      assertTrue(columns.contains("zed"), "the count from before the restore counted");
      assertFalse(columns.contains("ran"));
    }
  }

  @Test
  void aFullModelRefusesNewWordsWhichReadUnk() throws Exception {
    // Room for the three special words and two more.
    JobDefinition d =
        definition("model.max-vocabulary", "5", "snapshot.every-examples", "1", "models", "PER");
    try (ModelHarness h = new ModelHarness(d).open()) {
      h.process(labelled("PER", train("a", "Anna/B-PER", "met/O", "Bob/B-PER")));
      Version v = single(h.versions());
      assertEquals(Set.of("anna", "met"), without(v.columns().keySet()), "first come, first in");
      assertEquals(5, v.manifest().vocabularySize());
      h.process(labelled("PER", train("b", "Bob/B-PER", "ran/O")));
      assertEquals(5, single(h.versions()).manifest().vocabularySize(), "still full");
      assertEquals(2, h.predictions().size(), "the sentences trained all the same");
      assertTrue(h.deadLetters().isEmpty());
    }
  }

  private static Set<String> without(Set<String> columns) {
    Set<String> words = new TreeSet<>(columns);
    words.removeAll(Set.of(Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END));
    return words;
  }

  // ---- snapshots by count and by time

  @Test
  void snapshotsByCountAreFullFirstThenOnlyChangedColumns() throws Exception {
    List<ParsedRecord> c = corpus();
    try (ModelHarness h = new ModelHarness(definition("snapshot.every-examples", "7")).open()) {
      h.process(labelled("PER", c.get(0))); // 4 windows
      assertTrue(h.versions().isEmpty(), "4 of 7 windows");
      h.process(labelled("PER", c.get(1))); // 8 >= 7
      Version v1 = single(h.versions());
      assertEquals(1, v1.version());
      assertTrue(v1.manifest().full());
      assertEquals(8, v1.manifest().examplesSeen());
      Set<String> vocabulary1 =
          set(words(c.get(0), c.get(1)), Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END);
      assertEquals(vocabulary1, v1.columns().keySet(), "the first version writes every column");
      assertEquals(v1.manifest().vocabularySize(), v1.manifest().columnsWritten());

      h.process(labelled("PER", c.get(2)), labelled("PER", c.get(3))); // 11, 15
      Version v2 = single(h.versions());
      assertEquals(2, v2.version());
      assertFalse(v2.manifest().full());
      assertEquals(15, v2.manifest().examplesSeen());
      assertEquals(
          set(words(c.get(2), c.get(3)), Vocabulary.START, Vocabulary.END),
          v2.columns().keySet(),
          "only the columns the last 7 windows touched");
      Set<String> vocabulary2 =
          set(
              words(c.get(0), c.get(1), c.get(2), c.get(3)),
              Vocabulary.UNKNOWN,
              Vocabulary.START,
              Vocabulary.END);
      assertEquals(vocabulary2.size(), v2.manifest().vocabularySize());
      assertFalse(Arrays.equals(v1.dense(), v2.dense()));

      List<PredictionRecord> predictions = h.predictions();
      assertEquals(
          List.of(0L, 0L, 1L, 1L),
          predictions.stream().map(PredictionRecord::modelVersion).toList());

      h.process(labelled("PER", c.get(4)), labelled("PER", c.get(5))); // 20, 23
      Version v3 = single(h.versions());
      assertEquals(3, v3.version(), "versions have no gaps");
      assertEquals(23, v3.manifest().examplesSeen());
      assertEquals(2, h.predictions().get(1).modelVersion());
    }
  }

  @Test
  void snapshotsByTimeOnlyWhenTheModelChanged() throws Exception {
    try (ModelHarness h = new ModelHarness(definition("snapshot.every-seconds", "5")).open()) {
      h.process(labelled("PER", corpus().get(0)));
      h.setTime(START + 4_999);
      assertTrue(h.versions().isEmpty(), "not yet 5 s");
      h.setTime(START + 5_000);
      Version v1 = single(h.versions());
      assertEquals("PER", v1.model(), "LOC saw nothing and writes nothing");
      assertTrue(v1.manifest().full());
      assertEquals(4, v1.manifest().examplesSeen());
      assertEquals(START + 5_000, v1.manifest().createdAt());

      h.setTime(START + 10_000);
      assertTrue(h.versions().isEmpty(), "nothing changed since version 1");
      h.process(unlabelled("PER", score("q", "Anna", "is", "here")));
      h.setTime(START + 15_000);
      assertTrue(h.versions().isEmpty(), "scoring is no change");

      h.process(labelled("PER", corpus().get(2)));
      h.setTime(START + 19_999);
      assertTrue(h.versions().isEmpty());
      h.setTime(START + 20_000);
      Version v2 = single(h.versions());
      assertEquals(2, v2.version());
      assertFalse(v2.manifest().full());
      assertEquals(7, v2.manifest().examplesSeen());
      assertEquals(
          set(words(corpus().get(2)), Vocabulary.START, Vocabulary.END), v2.columns().keySet());
    }
  }

  // ---- checkpoint and restore

  /**
   * Each backend with the default column cache, and with one so small it evicts on every sentence.
   */
  static Stream<Arguments> backends() {
    return Stream.of(
        Arguments.of("hashmap", 50_000, "double"),
        Arguments.of("rocksdb", 50_000, "double"),
        Arguments.of("hashmap", 1, "double"),
        Arguments.of("rocksdb", 3, "double"),
        Arguments.of("hashmap", 50_000, "float"),
        Arguments.of("rocksdb", 3, "float"));
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  /** Both models learn every sentence; a scoring request in the middle. */
  private static void feed(ModelHarness h, List<ParsedRecord> sentences) throws Exception {
    for (ParsedRecord s : sentences) {
      h.process(labelled("PER", s), labelled("LOC", s));
      h.process(unlabelled("LOC", score("q-" + s.id, s.tokens)));
    }
  }

  @ParameterizedTest(name = "{0}, column cache {1}, {2}")
  @MethodSource("backends")
  void aRestoredOperatorContinuesExactlyAsAnUninterruptedOne(
      String backendName, int columnCache, String precision) throws Exception {
    List<ParsedRecord> c = corpus();
    // Min count 2: the counts of words without a column must survive the restore as well.
    // Every 9 windows: version 1 at 11 windows, then t4's 4 windows are pending at the checkpoint
    // (15), so the next version must include the columns changed before the restore.
    JobDefinition d =
        definition(
            "model.min-count",
            "2",
            "snapshot.every-examples",
            "9",
            "state.column-cache",
            String.valueOf(columnCache),
            "model.precision",
            precision);

    List<PredictionRecord> interruptedPredictions = new ArrayList<>();
    List<Version> interruptedVersions = new ArrayList<>();
    Checkpoint checkpoint;
    try (ModelHarness first = new ModelHarness(d, backend(backendName)).open()) {
      feed(first, c.subList(0, 4));
      checkpoint = first.checkpoint(1);
      interruptedPredictions.addAll(first.predictions());
      interruptedVersions.addAll(first.versions());
    }
    long versionAtCheckpoint =
        interruptedVersions.stream()
            .filter(v -> v.model().equals("PER"))
            .mapToLong(Version::version)
            .max()
            .orElseThrow();
    assertEquals(1, versionAtCheckpoint, "a version was written before the checkpoint");

    try (ModelHarness second = new ModelHarness(d, backend(backendName)).restore(checkpoint)) {
      feed(second, c.subList(4, 8));
      second.endInput();
      List<PredictionRecord> after = second.predictions();
      assertEquals(
          versionAtCheckpoint, after.get(0).modelVersion(), "the version is restored, not reset");
      interruptedPredictions.addAll(after);
      List<Version> afterVersions = second.versions();
      assertEquals(
          versionAtCheckpoint + 1,
          afterVersions.stream()
              .filter(v -> v.model().equals("PER"))
              .findFirst()
              .orElseThrow()
              .version(),
          "the first version after a restore follows the last one before it");
      interruptedVersions.addAll(afterVersions);
    }

    // The reference: no interruption, the heap backend, the default cache.
    JobDefinition plain =
        definition(
            "model.min-count", "2", "snapshot.every-examples", "9", "model.precision", precision);
    try (ModelHarness whole = new ModelHarness(plain, backend("hashmap")).open()) {
      feed(whole, c);
      whole.endInput();
      List<PredictionRecord> expected = whole.predictions();
      assertEquals(expected.size(), interruptedPredictions.size());
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(
            withoutTime(expected.get(i)),
            withoutTime(interruptedPredictions.get(i)),
            "prediction "
                + i
                + " ("
                + expected.get(i).id()
                + " by "
                + expected.get(i).model()
                + ")");
      }
      List<Version> expectedVersions = whole.versions();
      assertEquals(expectedVersions.size(), interruptedVersions.size());
      for (int i = 0; i < expectedVersions.size(); i++) {
        assertSameModel(expectedVersions.get(i), interruptedVersions.get(i));
      }
      assertTrue(expectedVersions.get(expectedVersions.size() - 1).version() > versionAtCheckpoint);
    }
  }

  /**
   * The heap backend writes a checkpoint in the background while the task goes on (its asynchronous
   * phase): the checkpoint must still be the model as of its barrier.
   */
  @Test
  void aCheckpointIsTheModelAtItsBarrierWhileTheHeapBackendWritesItAsynchronously()
      throws Exception {
    List<ParsedRecord> c = corpus();
    JobDefinition d = definition("model.min-count", "2", "snapshot.every-examples", "7");
    Checkpoint checkpoint;
    try (ModelHarness first = new ModelHarness(d, new HashMapStateBackend()).open()) {
      feed(first, c.subList(0, 4));
      OperatorSnapshotFutures pending =
          first
              .harness
              .getOperator()
              .snapshotState(
                  1,
                  START,
                  CheckpointOptions.forCheckpointWithDefaultLocation(),
                  new MemCheckpointStreamFactory(Integer.MAX_VALUE));
      OperatorSubtaskState scorer = first.scorerCheckpoint(1);
      feed(first, c.subList(4, 8)); // after the barrier, before the asynchronous part has run
      checkpoint =
          new Checkpoint(
              OperatorSnapshotFinalizer.create(pending).getJobManagerOwnedState(), scorer);
    }
    List<PredictionRecord> replayed;
    List<Version> replayedVersions;
    try (ModelHarness second = new ModelHarness(d, new HashMapStateBackend()).restore(checkpoint)) {
      feed(second, c.subList(4, 8));
      second.endInput();
      replayed = second.predictions();
      replayedVersions = second.versions();
    }
    try (ModelHarness whole = new ModelHarness(d, new HashMapStateBackend()).open()) {
      feed(whole, c.subList(0, 4));
      whole.predictions();
      List<Version> before = whole.versions();
      feed(whole, c.subList(4, 8));
      whole.endInput();
      List<PredictionRecord> expected = whole.predictions();
      assertEquals(expected.size(), replayed.size());
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(withoutTime(expected.get(i)), withoutTime(replayed.get(i)), "prediction " + i);
      }
      List<Version> expectedVersions = whole.versions();
      assertEquals(
          expectedVersions.size(),
          replayedVersions.size(),
          "versions after the checkpoint (before it: " + before.size() + ")");
      for (int i = 0; i < expectedVersions.size(); i++)
        assertSameModel(expectedVersions.get(i), replayedVersions.get(i));
    }
  }

  // ---- end of a bounded input

  @Test
  void endInputWritesTheFinalSnapshotAndModelFiles(@TempDir Path dir) throws Exception {
    List<ParsedRecord> c = corpus();
    Path out = dir.resolve("final");
    JobDefinition d = definition("snapshot.every-examples", "7", "final-model.dir", out.toString());
    Map<String, List<Version>> versions = new HashMap<>();
    try (ModelHarness h = new ModelHarness(d).open()) {
      for (ParsedRecord s : c.subList(0, 5)) h.process(labelled("PER", s), labelled("LOC", s));
      for (Version v : h.versions())
        versions.computeIfAbsent(v.model(), k -> new ArrayList<>()).add(v);
      assertEquals(List.of(1L, 2L), versions.get("PER").stream().map(Version::version).toList());
      assertFalse(Files.exists(out.resolve("PER.model")), "only at the end");

      h.endInput();
      List<Version> last = h.versions();
      assertEquals(
          Set.of("PER", "LOC"),
          last.stream().map(Version::model).collect(java.util.stream.Collectors.toSet()),
          "every model with changes since its last version writes a final one");
      for (Version v : last) {
        versions.get(v.model()).add(v);
        assertEquals(3, v.version());
        assertEquals(20, v.manifest().examplesSeen(), "every window of the 5 sentences");
      }
      assertEquals(10, h.predictions().size());
    }

    for (String model : List.of("PER", "LOC")) {
      NerModel file = ModelFile.read(out.resolve(model + ".model"));
      assertEquals(model, file.entity());
      assertEquals(d.hyperparameters(), file.hyperparameters());
      List<Version> vs = versions.get(model);
      Version fin = vs.get(vs.size() - 1);
      assertEquals(fin.manifest().examplesSeen(), file.examplesTrained());
      assertArrayEquals(
          fin.dense(),
          file.dense().flatten(),
          model + ": the file holds the final snapshot's dense parameters");
      // What a reader of the compacted topic holds: every version's columns, later ones winning.
      Map<String, double[]> columns = new TreeMap<>();
      for (Version v : vs) columns.putAll(v.columns());
      assertEquals(fin.manifest().vocabularySize(), columns.size());
      assertEquals(columns.keySet(), new TreeSet<>(file.vocabulary().words()));
      for (String word : columns.keySet()) {
        assertArrayEquals(
            columns.get(word), file.vectors()[file.vocabulary().id(word)], model + " " + word);
      }
    }
  }

  @Test
  void withTwoSubtasksEachWritesTheFinalModelsOfItsOwnKeys(@TempDir Path dir) throws Exception {
    List<String> models = List.of("PER", "LOC", "ORG");
    JobDefinition d = definition("models", "PER,LOC,ORG", "final-model.dir", dir.toString());
    Map<Integer, Set<String>> written = new HashMap<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      try (ModelHarness h = new ModelHarness(d, 128, 2, subtask).open()) {
        for (String model : models) {
          if (KeyGroupRangeAssignment.assignKeyToParallelOperator(model, 128, 2) == subtask) {
            h.process(labelled(model, corpus().get(0)));
          }
        }
        h.endInput();
        written.put(
            subtask,
            h.versions().stream().map(Version::model).collect(java.util.stream.Collectors.toSet()));
      }
    }
    assertFalse(
        written.get(0).isEmpty() || written.get(1).isEmpty(),
        "the models spread over both subtasks: " + written);
    assertTrue(
        written.get(0).stream().noneMatch(written.get(1)::contains),
        "no model is written twice: " + written);
    Set<String> all = new TreeSet<>(written.get(0));
    all.addAll(written.get(1));
    assertEquals(new TreeSet<>(models), all);
    for (String model : models) assertTrue(Files.exists(dir.resolve(model + ".model")), model);
  }

  @Test
  void endInputWritesNothingWhenNothingChangedSinceTheLastVersion() throws Exception {
    try (ModelHarness h = new ModelHarness(definition("snapshot.every-examples", "4")).open()) {
      h.process(labelled("PER", corpus().get(0)));
      assertEquals(1, h.versions().size());
      h.process(unlabelled("PER", score("q", "Anna")));
      h.endInput();
      assertTrue(h.versions().isEmpty(), "version 1 is already the final model");
    }
  }

  // ---- keys

  @Test
  void eachModelIsItsOwnKeyAndTrainingOneLeavesTheOtherUntouched() throws Exception {
    List<ParsedRecord> c = corpus();
    ParsedRecord query = score("q", "Anna", "flew", "to", "Porto");
    try (ModelHarness both = new ModelHarness(definition()).open();
        ModelHarness locOnly = new ModelHarness(definition()).open()) {
      both.process(labelled("LOC", c.get(0)), unlabelled("LOC", query));
      PredictionRecord before = both.predictions().get(1);
      for (ParsedRecord s : c.subList(1, 8)) both.process(labelled("PER", s));
      both.process(unlabelled("LOC", query));
      List<PredictionRecord> out = both.predictions();
      PredictionRecord after = out.get(out.size() - 1);
      assertEquals("LOC", after.model());
      assertArrayEquals(
          before.probabilities(), after.probabilities(), "PER's training did not move LOC");
      assertEquals(4, after.examplesSeen(), "LOC counts only its own windows");
      both.endInput();

      locOnly.process(labelled("LOC", c.get(0)));
      locOnly.endInput();

      Map<String, Version> finals = new HashMap<>();
      for (Version v : both.versions()) finals.put(v.model(), v);
      assertSameModel(single(locOnly.versions()), finals.get("LOC"));
      assertFalse(
          finals.get("LOC").columns().containsKey("carla"), "PER's words are not LOC's columns");
      assertTrue(finals.get("PER").columns().containsKey("carla"));
      assertFalse(Arrays.equals(finals.get("PER").dense(), finals.get("LOC").dense()));
    }
  }

  // ---- helpers

  private static Version single(List<Version> versions) {
    assertEquals(
        1,
        versions.size(),
        "versions: " + versions.stream().map(v -> v.model() + " " + v.version()).toList());
    return versions.get(0);
  }

  /** Same model, version, manifest, dense parameters and columns, bit for bit. */
  private static void assertSameModel(Version expected, Version actual) {
    String what = expected.model() + " version " + expected.version();
    assertEquals(expected.model(), actual.model());
    assertEquals(expected.version(), actual.version(), what);
    assertEquals(expected.manifest(), actual.manifest(), what);
    assertArrayEquals(expected.dense(), actual.dense(), what + " dense");
    assertEquals(
        new TreeSet<>(expected.columns().keySet()),
        new TreeSet<>(actual.columns().keySet()),
        what + " columns");
    for (Map.Entry<String, double[]> e : expected.columns().entrySet()) {
      assertArrayEquals(
          e.getValue(), actual.columns().get(e.getKey()), what + " column " + e.getKey());
    }
  }

  private static PredictionRecord withoutTime(PredictionRecord p) {
    return new PredictionRecord(
        p.id(),
        p.kind(),
        p.model(),
        p.modelVersion(),
        p.examplesSeen(),
        p.tokens(),
        p.labels(),
        p.probabilities(),
        p.gold(),
        p.eventTime(),
        0,
        p.version(),
        p.entities());
  }
}
