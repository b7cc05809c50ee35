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
  static final class MapColumns<V> implements OnlineLearner.Columns<V>, OnlineLearner.WordCounts {
    final Map<String, V> vectors = new HashMap<>();
    final Map<String, Long> counts = new HashMap<>();
    int reads;

    @Override
    public V get(String word) {
      reads++;
      return vectors.get(word);
    }

    @Override
    public void put(String word, V vector) {
      vectors.put(word, vector);
    }

    @Override
    public long count(String word) {
      return counts.getOrDefault(word, 0L);
    }

    @Override
    public void put(String word, long count) {
      counts.put(word, count);
    }

    @Override
    public void remove(String word) {
      counts.remove(word);
    }
  }

  /** Float columns holding only the special words, as a fresh float model starts. */
  static MapColumns<float[]> freshFloatColumns(long seed, int dim) {
    MapColumns<float[]> columns = new MapColumns<>();
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      columns.put(special, WordVectors.randomFloatVector(special, seed, dim));
    }
    return columns;
  }

  static MapColumns<double[]> freshColumns() {
    MapColumns<double[]> columns = new MapColumns<>();
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      columns.put(special, WordVectors.randomVector(special, HP.seed(), HP.dim()));
    }
    return columns;
  }

  /** A model being trained: its dense parameters (swapped for the trained copy) and its columns. */
  static final class Trained {
    final OnlineLearner<double[], DenseParameters> learner;
    final MapColumns<double[]> columns = freshColumns();
    final Set<String> changed = new HashSet<>();
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), 1, HP.seed());
    DenseParameters spare = dense.copy();

    /** Windows trained so far, as the job counts them. */
    long examples;

    Trained(OnlineLearner<double[], DenseParameters> learner) {
      this.learner = learner;
    }

    /** Learns by {@code by} from this model's state, uncommitted: the one spelling of the call. */
    OnlineLearner.Update<double[], DenseParameters> attempt(
        OnlineLearner<double[], DenseParameters> by, List<String> tokens, int[] labels)
        throws Exception {
      return by.learn(
          tokens, labels, dense, spare, null, columns, columns, columns.vectors.size(), examples);
    }

    /** Learns and commits, as the job does with a finite update. */
    OnlineLearner.Update<double[], DenseParameters> learn(List<String> tokens, int[] labels)
        throws Exception {
      OnlineLearner.Update<double[], DenseParameters> update = attempt(learner, tokens, labels);
      assertTrue(update.isFinite());
      learner.commit(update, columns, columns, changed);
      spare = dense;
      dense = update.dense();
      examples += update.windows();
      return update;
    }
  }

  static OnlineLearner<double[], DenseParameters> learner(int minCount, double decay) {
    return OnlineLearner.doubles(
        new OnlineLearner.Settings(HP, TokenNormalizer.defaults(), minCount, decay));
  }

  static OnlineLearner<double[], DenseParameters> capped(int minCount, long maxVocabulary) {
    return OnlineLearner.doubles(
        new OnlineLearner.Settings(HP, TokenNormalizer.defaults(), minCount, 0.001, maxVocabulary));
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
    Trained model = new Trained(learner(1, decay));
    for (Sentence s : sentences) model.learn(s.tokens(), EntityTags.binaryLabels(s.tags(), "PER"));
    MapColumns<double[]> columns = model.columns;

    assertArrayEquals(offline.dense().flatten(), model.dense.flatten());
    Vocabulary vocabulary = offline.vocabulary();
    assertEquals(vocabulary.size(), columns.vectors.size());
    for (String word : vocabulary.words()) {
      assertArrayEquals(offline.vectors()[vocabulary.id(word)], columns.vectors.get(word), word);
    }
    Set<String> trained = new HashSet<>(columns.vectors.keySet());
    trained.remove(Vocabulary.UNKNOWN); // every word had its own column: UUUNKKK never stood in
    assertEquals(trained, model.changed);
  }

  /**
   * The same promise in float: the stream starts from the double start rounded to float, as {@code
   * train --precision float} does, and trains with the same kernel, window by window.
   */
  @Test
  void aStreamOfSentencesIsOneOfflineFloatEpochBitForBit() throws Exception {
    List<Sentence> sentences = TrainerTest.corpus(120, 8);
    NerModel offline = TrainerTest.fresh(sentences).in(Precision.FLOAT);
    TrainingSet data = TrainingSet.of(offline, sentences);
    Trainer.train(offline, data, 1, false, r -> {});

    Hyperparameters hp = HP.withPrecision(Precision.FLOAT);
    OnlineLearner<float[], FloatParameters> learner =
        OnlineLearner.floats(
            new OnlineLearner.Settings(
                hp, TokenNormalizer.defaults(), 1, HP.regularization() / data.size()));
    MapColumns<float[]> columns = freshFloatColumns(hp.seed(), hp.dim());
    FloatParameters dense =
        FloatParameters.of(DenseParameters.initialise(hp.hidden(), hp.inputSize(), 1, hp.seed()));
    FloatParameters spare = new FloatParameters(hp.hidden(), hp.inputSize(), 1);
    long examples = 0;
    for (Sentence s : sentences) {
      OnlineLearner.Update<float[], FloatParameters> update =
          learner.learn(
              s.tokens(),
              EntityTags.binaryLabels(s.tags(), "PER"),
              dense,
              spare,
              null,
              columns,
              columns,
              columns.vectors.size(),
              examples);
      examples += update.windows();
      assertTrue(update.isFinite());
      learner.commit(update, columns, columns, new HashSet<>());
      spare = dense;
      dense = update.dense();
    }

    assertArrayEquals(((FloatParameters) offline.weights()).flatten(), dense.flatten());
    Vocabulary vocabulary = offline.vocabulary();
    assertEquals(vocabulary.size(), columns.vectors.size());
    for (String word : vocabulary.words()) {
      assertArrayEquals(
          offline.input().floatVectors()[vocabulary.id(word)], columns.vectors.get(word), word);
    }
  }

  @Test
  void aFloatUpdateThatOverflowsIsNotFinite() throws Exception {
    Hyperparameters wild =
        new Hyperparameters(3, 6, 8, 1e30, 0.01, 5, Precision.FLOAT, null, null, null);
    OnlineLearner<float[], FloatParameters> learner =
        OnlineLearner.floats(new OnlineLearner.Settings(wild, TokenNormalizer.defaults(), 1, 0));
    MapColumns<float[]> columns = freshFloatColumns(5, 6);
    FloatParameters dense = FloatParameters.of(DenseParameters.initialise(8, 18, 1, 5));
    FloatParameters before = dense.copy();
    OnlineLearner.Update<float[], FloatParameters> update =
        learner.learn(
            List.of("anna", "met", "bob"),
            new int[] {1, 0, 1},
            dense,
            new FloatParameters(8, 18, 1),
            null,
            columns,
            columns,
            columns.vectors.size(),
            0);
    assertFalse(update.isFinite());
    assertEquals(before, dense, "the model's own parameters are untouched");
  }

  @Test
  void scoringChangesNothingAndCreatesNoColumn() throws Exception {
    OnlineLearner<double[], DenseParameters> learner = learner(1, 0);
    DenseParameters dense = DenseParameters.initialise(HP.hidden(), HP.inputSize(), 1, HP.seed());
    DenseParameters before = dense.copy();
    MapColumns<double[]> columns = freshColumns();
    double[] p =
        TaggingModel.firstOutput(learner.score(List.of("Anna", "smiled"), dense, null, columns));
    assertEquals(2, p.length);
    assertEquals(before, dense);
    assertEquals(3, columns.vectors.size());
    assertTrue(columns.counts.isEmpty());
  }

  @Test
  void eachReturnedProbabilityIsItsWindowBeforeItsOwnStep() throws Exception {
    Trained model = new Trained(learner(1, 0));
    List<String> tokens = List.of("the", "cat", "anna");
    int[] labels = {0, 0, 1};
    model.learn(tokens, labels);
    DenseParameters dense = model.dense;
    MapColumns<double[]> columns = model.columns;

    // The obvious version on copies: forward window t, then its SGD step, in order.
    DenseParameters slowDense = dense.copy();
    Map<String, double[]> slowColumns = new HashMap<>();
    columns.vectors.forEach((word, v) -> slowColumns.put(word, v.clone()));
    DoubleKernel ws = new DoubleKernel(HP);
    String[][] windows = io.streamner.text.Windows.of(tokens, HP.windowSize());
    double[] expected = new double[windows.length];
    for (int t = 0; t < windows.length; t++) {
      double[][] window = new double[windows[t].length][];
      for (int c = 0; c < window.length; c++) window[c] = slowColumns.get(windows[t][c]);
      expected[t] = ws.forward(slowDense, window)[0];
      ws.sgdStep(slowDense, window, labels[t], HP.learningRate(), 0);
    }

    double[] before = TaggingModel.firstOutput(model.learner.score(tokens, dense, null, columns));
    double[] returned = model.learn(tokens, labels).probabilities();
    assertArrayEquals(expected, returned);
    assertEquals(
        before[0], returned[0], 0.0, "the first window sees the model before the sentence");
    assertFalse(before[2] == returned[2], "later windows see the sentence's earlier steps");
    assertEquals(slowDense, model.dense, "the same steps as the obvious version");
    for (String word : slowColumns.keySet()) {
      assertArrayEquals(slowColumns.get(word), columns.vectors.get(word), word);
    }
  }

  @Test
  void aWordGetsItsColumnAtTheMinimumCountAndUsesUnkBefore() throws Exception {
    Trained model = new Trained(learner(2, 0));
    MapColumns<double[]> columns = model.columns;
    double[] unkBefore = columns.vectors.get(Vocabulary.UNKNOWN).clone();

    OnlineLearner.Update<double[], DenseParameters> first =
        model.learn(List.of("Zed", "ran"), new int[] {1, 0});
    assertTrue(first.newColumns().isEmpty());
    assertNull(columns.vectors.get("zed"));
    assertEquals(1L, columns.counts.get("zed"));
    assertFalse(
        java.util.Arrays.equals(unkBefore, columns.vectors.get(Vocabulary.UNKNOWN)),
        "UUUNKKK stood in and learned");
    assertTrue(model.changed.contains(Vocabulary.UNKNOWN));

    OnlineLearner.Update<double[], DenseParameters> second =
        model.learn(List.of("zed", "zed"), new int[] {1, 1});
    assertEquals(List.of("zed"), second.newColumns());
    assertNotNull(columns.vectors.get("zed"));
    assertNull(columns.counts.get("zed"), "a word with a column is no longer counted");
    assertNull(columns.vectors.get("ran"));
  }

  @Test
  void aSentenceReadsEachColumnOnce() throws Exception {
    Trained model = new Trained(learner(1, 0));
    model.columns.reads = 0;
    model.learn(List.of("a", "b", "a", "b", "a"), new int[5]);
    assertEquals(2 + 3, model.columns.reads); // two distinct words, then UUUNKKK, <s>, </s>
  }

  @Test
  void learningChangesNothingUntilTheUpdateIsCommitted() throws Exception {
    OnlineLearner<double[], DenseParameters> learner = learner(2, 0.01);
    Trained model = new Trained(learner);
    model.learn(List.of("anna", "met", "bob"), new int[] {1, 0, 1});
    DenseParameters denseBefore = model.dense.copy();
    Map<String, double[]> vectorsBefore = new HashMap<>();
    model.columns.vectors.forEach((w, v) -> vectorsBefore.put(w, v.clone()));
    Map<String, Long> countsBefore = new HashMap<>(model.columns.counts);

    OnlineLearner.Update<double[], DenseParameters> dropped =
        model.attempt(learner, List.of("anna", "met", "carl", "carl"), new int[] {1, 0, 1, 1});
    assertEquals(
        List.of("anna", "met", "carl"), dropped.newColumns(), "these reach the minimum count");

    assertEquals(denseBefore, model.dense, "the dense parameters are untouched");
    assertEquals(vectorsBefore.keySet(), model.columns.vectors.keySet(), "no column was added");
    vectorsBefore.forEach(
        (w, v) -> assertArrayEquals(v, model.columns.vectors.get(w), "vector of " + w));
    assertEquals(countsBefore, model.columns.counts, "the counts are untouched");
  }

  @Test
  void anUpdateThatOverflowsIsNotFinite() throws Exception {
    // A learning rate of 1e300: the first step's gradient times it leaves the doubles.
    Hyperparameters wild = new Hyperparameters(3, 6, 8, 1e300, 0.01, 5);
    OnlineLearner<double[], DenseParameters> learner =
        OnlineLearner.doubles(new OnlineLearner.Settings(wild, TokenNormalizer.defaults(), 1, 0));
    Trained model = new Trained(learner);
    OnlineLearner.Update<double[], DenseParameters> update =
        model.attempt(
            learner, List.of("anna", "met", "bob", "in", "rome"), new int[] {1, 0, 1, 0, 0});
    assertFalse(update.isFinite());

    Trained sane = new Trained(learner(1, 0));
    assertTrue(
        sane.learn(List.of("anna", "met", "bob"), new int[] {1, 0, 1}).isFinite(),
        "the same check passes an ordinary update");
  }

  // ---- the maximum vocabulary

  /**
   * The obvious capped learner, min count 1: words take columns in the order they first occur until
   * the model holds {@code maxVocabulary}; every later new word reads UUUNKKK; each window's
   * forward-then-step runs in place on the vectors the window reads.
   */
  private static Map<String, double[]> obviousCapped(
      List<Sentence> sentences, long maxVocabulary, DenseParameters dense) {
    Map<String, double[]> vocabulary = new HashMap<>(freshColumns().vectors);
    DoubleKernel ws = new DoubleKernel(HP);
    for (Sentence s : sentences) {
      List<String> words = s.tokens().stream().map(String::toLowerCase).toList();
      for (String word : words) {
        if (!vocabulary.containsKey(word) && vocabulary.size() < maxVocabulary) {
          vocabulary.put(word, WordVectors.randomVector(word, HP.seed(), HP.dim()));
        }
      }
      int[] labels = EntityTags.binaryLabels(s.tags(), "PER");
      String[][] windows = io.streamner.text.Windows.of(words, HP.windowSize());
      for (int t = 0; t < windows.length; t++) {
        double[][] window = new double[windows[t].length][];
        for (int c = 0; c < window.length; c++) {
          window[c] = vocabulary.getOrDefault(windows[t][c], vocabulary.get(Vocabulary.UNKNOWN));
        }
        ws.sgdStep(dense, window, labels[t], HP.learningRate(), 0.001);
      }
    }
    return vocabulary;
  }

  @Test
  void pastTheMaximumVocabularyNewWordsReadUnkAsTheObviousCappedLearnerDoes() throws Exception {
    List<Sentence> sentences = TrainerTest.corpus(120, 8);
    long cap = 3 + 6; // the special words and 6 of the corpus's 12 words
    Trained model = new Trained(capped(1, cap));
    List<String> refused = new java.util.ArrayList<>();
    for (Sentence s : sentences) {
      OnlineLearner.Update update =
          model.learn(s.tokens(), EntityTags.binaryLabels(s.tags(), "PER"));
      refused.addAll(update.refused());
    }

    DenseParameters obviousDense =
        DenseParameters.initialise(HP.hidden(), HP.inputSize(), 1, HP.seed());
    Map<String, double[]> obvious = obviousCapped(sentences, cap, obviousDense);
    assertEquals(cap, obvious.size());
    assertEquals(obvious.keySet(), model.columns.vectors.keySet(), "the same words have columns");
    for (String word : obvious.keySet()) {
      assertArrayEquals(obvious.get(word), model.columns.vectors.get(word), word);
    }
    assertEquals(obviousDense, model.dense);

    Set<String> words = new HashSet<>();
    for (Sentence s : sentences) for (String t : s.tokens()) words.add(t.toLowerCase());
    Set<String> expectedRefused = new HashSet<>(words);
    expectedRefused.removeAll(obvious.keySet());
    assertEquals(6, expectedRefused.size());
    assertEquals(expectedRefused, new HashSet<>(refused), "every word left out was refused");
    assertTrue(refused.size() > expectedRefused.size(), "and again at each later sentence");
    assertTrue(model.columns.counts.isEmpty(), "with min count 1 nothing is counted");
  }

  @Test
  void aMaximumVocabularyThatIsNeverReachedChangesNothingBitForBit() throws Exception {
    List<Sentence> sentences = TrainerTest.corpus(120, 8);
    Trained free = new Trained(learner(2, 0.001));
    Trained capped = new Trained(capped(2, 3 + 12)); // exactly the corpus's words
    for (Sentence s : sentences) {
      int[] labels = EntityTags.binaryLabels(s.tags(), "PER");
      free.learn(s.tokens(), labels);
      assertTrue(capped.learn(s.tokens(), labels).refused().isEmpty());
    }
    assertEquals(free.dense, capped.dense);
    assertEquals(3 + 12, capped.columns.vectors.size());
    assertEquals(free.columns.vectors.keySet(), capped.columns.vectors.keySet());
    free.columns.vectors.forEach(
        (word, v) -> assertArrayEquals(v, capped.columns.vectors.get(word), word));
  }

  @Test
  void aRefusedWordKeepsItsCountAndGetsItsColumnWhenTheCapIsRaised() throws Exception {
    Trained model = new Trained(capped(2, 4)); // the special words and one more
    model.learn(List.of("anna", "bob"), new int[] {1, 1});
    OnlineLearner.Update second = model.learn(List.of("anna", "bob"), new int[] {1, 1});
    assertEquals(List.of("anna"), second.newColumns(), "the first to reach the count, first");
    assertEquals(List.of("bob"), second.refused());
    assertNull(model.columns.vectors.get("bob"), "bob reads UUUNKKK");
    assertEquals(2L, model.columns.counts.get("bob"), "its count is kept");
    assertNull(model.columns.counts.get("anna"));

    OnlineLearner.Update third = model.learn(List.of("bob"), new int[] {1});
    assertEquals(List.of("bob"), third.refused(), "refused again while the model is full");
    assertEquals(3L, model.columns.counts.get("bob"));

    OnlineLearner.Update later = model.attempt(capped(2, 5), List.of("bob"), new int[] {1});
    assertEquals(List.of("bob"), later.newColumns(), "a larger cap lets it in at once");
    assertTrue(later.refused().isEmpty());
  }
}
