package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OnlineLearnerTest {
  private static final Hyperparameters HP = new Hyperparameters(3, 6, 8, 0.05, 0.01, 5);

  /** Columns and counts in plain maps, the way a heap state backend holds them. */
  static final class MapColumns implements OnlineLearner.Columns, OnlineLearner.WordCounts {
    final Map<String, double[]> vectors = new HashMap<>();
    final Map<String, Long> counts = new HashMap<>();
    int reads;

    @Override
    public double[] get(String word) {
      reads++;
      return vectors.get(word);
    }

    @Override
    public void put(String word, double[] vector) {
      vectors.put(word, vector);
    }

    @Override
    public long add(String word, long occurrences) {
      return counts.merge(word, occurrences, Long::sum);
    }

    @Override
    public void remove(String word) {
      counts.remove(word);
    }
  }

  static MapColumns freshColumns() {
    MapColumns columns = new MapColumns();
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      columns.put(special, WordVectors.randomVector(special, HP.seed(), HP.dim()));
    }
    return columns;
  }

  static OnlineLearner learner(int minCount, double decay) {
    return new OnlineLearner(
        new OnlineLearner.Settings(HP, TokenNormalizer.defaults(), minCount, decay));
  }

  /**
   * The promise the streaming job makes: same order, same seed, min count 1 -> the offline model.
   */
  @Test
  void aStreamOfSentencesIsOneOfflineEpochBitForBit() throws Exception {
    List<Sentence> sentences = TrainerTest.corpus(120, 8);
    NerModel offline = TrainerTest.fresh(sentences);
    TrainingSet data = TrainingSet.of(offline, sentences);
    Trainer.train(offline, data, 1, false, r -> {});

    double decay = HP.regularization() / data.size();
    OnlineLearner learner = learner(1, decay);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), HP.seed());
    MapColumns columns = freshColumns();
    Set<String> changed = new HashSet<>();
    for (Sentence s : sentences) {
      learner.learn(
          s.tokens(), EntityTags.binaryLabels(s.tags(), "PER"), dense, columns, columns, changed);
    }

    assertArrayEquals(offline.dense().flatten(), dense.flatten());
    Vocabulary vocabulary = offline.vocabulary();
    assertEquals(vocabulary.size(), columns.vectors.size());
    for (String word : vocabulary.words()) {
      assertArrayEquals(offline.vectors()[vocabulary.id(word)], columns.vectors.get(word), word);
    }
    Set<String> trained = new HashSet<>(columns.vectors.keySet());
    trained.remove(Vocabulary.UNKNOWN); // every word had its own column: UUUNKKK never stood in
    assertEquals(trained, changed);
  }

  @Test
  void scoringChangesNothingAndCreatesNoColumn() throws Exception {
    OnlineLearner learner = learner(1, 0);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), HP.seed());
    DenseParameters before = dense.copy();
    MapColumns columns = freshColumns();
    double[] p = learner.score(List.of("Anna", "smiled"), dense, columns);
    assertEquals(2, p.length);
    assertEquals(before, dense);
    assertEquals(3, columns.vectors.size());
    assertTrue(columns.counts.isEmpty());
  }

  @Test
  void eachReturnedProbabilityIsItsWindowBeforeItsOwnStep() throws Exception {
    OnlineLearner learner = learner(1, 0);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), HP.seed());
    MapColumns columns = freshColumns();
    List<String> tokens = List.of("the", "cat", "anna");
    int[] labels = {0, 0, 1};
    learner.learn(tokens, labels, dense, columns, columns, new HashSet<>());

    // The obvious version on copies: forward window t, then its SGD step, in order.
    DenseParameters slowDense = dense.copy();
    Map<String, double[]> slowColumns = new HashMap<>();
    columns.vectors.forEach((word, v) -> slowColumns.put(word, v.clone()));
    WindowNetwork.Workspace ws = new WindowNetwork.Workspace(HP);
    String[][] windows = io.streamner.text.Windows.of(tokens, HP.windowSize());
    double[] expected = new double[windows.length];
    for (int t = 0; t < windows.length; t++) {
      double[][] window = new double[windows[t].length][];
      for (int c = 0; c < window.length; c++) window[c] = slowColumns.get(windows[t][c]);
      expected[t] = WindowNetwork.forward(slowDense, window, ws);
      WindowNetwork.sgdStep(slowDense, window, labels[t], HP.learningRate(), 0, ws);
    }

    double[] before = learner.score(tokens, dense, columns);
    double[] returned =
        learner.learn(tokens, labels, dense, columns, columns, new HashSet<>()).probabilities();
    assertArrayEquals(expected, returned);
    assertEquals(
        before[0], returned[0], 0.0, "the first window sees the model before the sentence");
    assertFalse(before[2] == returned[2], "later windows see the sentence's earlier steps");
    assertEquals(slowDense, dense, "the same steps as the obvious version");
  }

  @Test
  void aWordGetsItsColumnAtTheMinimumCountAndUsesUnkBefore() throws Exception {
    OnlineLearner learner = learner(2, 0);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), HP.seed());
    MapColumns columns = freshColumns();
    double[] unkBefore = columns.vectors.get(Vocabulary.UNKNOWN).clone();
    Set<String> changed = new HashSet<>();

    OnlineLearner.Learned first =
        learner.learn(List.of("Zed", "ran"), new int[] {1, 0}, dense, columns, columns, changed);
    assertTrue(first.newColumns().isEmpty());
    assertNull(columns.vectors.get("zed"));
    assertEquals(1L, columns.counts.get("zed"));
    assertFalse(
        java.util.Arrays.equals(unkBefore, columns.vectors.get(Vocabulary.UNKNOWN)),
        "UUUNKKK stood in and learned");
    assertTrue(changed.contains(Vocabulary.UNKNOWN));

    OnlineLearner.Learned second =
        learner.learn(List.of("zed", "zed"), new int[] {1, 1}, dense, columns, columns, changed);
    assertEquals(List.of("zed"), second.newColumns());
    assertNotNull(columns.vectors.get("zed"));
    assertNull(columns.counts.get("zed"), "a word with a column is no longer counted");
    assertNull(columns.vectors.get("ran"));
  }

  @Test
  void aSentenceReadsEachColumnOnce() throws Exception {
    OnlineLearner learner = learner(1, 0);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), HP.seed());
    MapColumns columns = freshColumns();
    columns.reads = 0;
    learner.learn(
        List.of("a", "b", "a", "b", "a"), new int[5], dense, columns, columns, new HashSet<>());
    assertEquals(2 + 3, columns.reads); // two distinct words, then UUUNKKK, <s>, </s>
  }
}
