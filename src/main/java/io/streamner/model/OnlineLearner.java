package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.Windows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-then-train on one sentence at a time, for a model whose vocabulary grows as words arrive. It
 * is the streaming job's learner, free of Flink: the word vectors live wherever {@link Columns}
 * puts them (keyed state in the job, a map in tests) and the dense parameters are passed in.
 *
 * <p>A labelled sentence is trained window by window in order with {@link WindowNetwork#sgdStep},
 * the same kernel the offline {@link Trainer} runs. With {@code minCount = 1} and the same starting
 * vectors, a stream of sentences gives bit for bit the model one in-order offline epoch over the
 * same sentences gives.
 *
 * <p>Test-then-train is per window: the probability reported for token t is the h of the forward
 * half of its own SGD step, so it comes from the model before that window trained it (and after the
 * sentence's earlier windows did). Scoring the sentence separately first would run the forward pass
 * twice per window, which is about 40% of the training cost.
 *
 * <p>A word gets a column (its own vector) when it has been seen {@code minCount} times in labelled
 * data; until then it reads the vector of {@link Vocabulary#UNKNOWN}. The new column starts at
 * {@link WordVectors#randomVector}, a function of the word and the seed only, so a replay of the
 * stream builds the same model. Scoring never creates columns.
 *
 * <p>One sentence's columns are read once, updated in place over all its windows, and written back
 * once: the same arithmetic as reading and writing around every window, with C times fewer state
 * accesses.
 */
public final class OnlineLearner {
  /** Where one model's word vectors live. A vector read is updated in place, then put back. */
  public interface Columns {
    /** The vector of {@code word}, or null when it has none. */
    double[] get(String word) throws Exception;

    void put(String word, double[] vector) throws Exception;
  }

  /** Occurrence counts of words that have no column yet. */
  public interface WordCounts {
    /** Adds {@code occurrences} to the count of {@code word}; returns the new count. */
    long add(String word, long occurrences) throws Exception;

    void remove(String word) throws Exception;
  }

  /**
   * @param decay C/m of eqs. (30) and (31): the regularisation constant over the number of examples
   *     it is spread across (a stream has no m of its own: it is configured)
   */
  public record Settings(
      Hyperparameters hyperparameters, TokenNormalizer normalizer, int minCount, double decay) {
    public Settings {
      if (minCount < 1)
        throw new IllegalArgumentException("minimum count must be at least 1, got " + minCount);
      if (!(decay >= 0))
        throw new IllegalArgumentException("decay must be zero or positive, got " + decay);
    }
  }

  /**
   * @param probabilities P(entity) of every token, from the model before that token's window
   *     trained it (test-then-train per window)
   * @param newColumns words that got their own vector while training on this sentence
   */
  public record Learned(double[] probabilities, int windows, List<String> newColumns) {}

  private final Settings settings;
  private final Hyperparameters hp;
  private final WindowNetwork.Workspace workspace;
  private final double[][] windowColumns;

  public OnlineLearner(Settings settings) {
    this.settings = settings;
    this.hp = settings.hyperparameters();
    this.workspace = new WindowNetwork.Workspace(hp);
    this.windowColumns = new double[hp.windowSize()][];
  }

  /** P(entity) for every token; words without a column read UUUNKKK. Changes nothing. */
  public double[] score(List<String> tokens, DenseParameters dense, Columns columns)
      throws Exception {
    List<String> words = normalise(tokens);
    return predict(Windows.of(words, hp.windowSize()), dense, read(words, columns));
  }

  /**
   * Trains on the sentence: new words are counted and get columns once frequent enough, every
   * window is scored and then takes one SGD step, in order, and the columns it touched are written
   * back and added to {@code changed}.
   *
   * @param labels 1 where the token is the entity, one per token
   */
  public Learned learn(
      List<String> tokens,
      int[] labels,
      DenseParameters dense,
      Columns columns,
      WordCounts counts,
      Set<String> changed)
      throws Exception {
    if (labels.length != tokens.size()) {
      throw new IllegalArgumentException(
          tokens.size() + " tokens but " + labels.length + " labels");
    }
    List<String> words = normalise(tokens);
    String[][] windows = Windows.of(words, hp.windowSize());
    Map<String, double[]> vectors = read(words, columns);

    List<String> created = new ArrayList<>();
    // With a minimum count of 1 a count would be added and removed at once: skip the state access.
    boolean counting = settings.minCount() > 1;
    for (Map.Entry<String, Long> occurrence : occurrencesWithoutColumn(words, vectors).entrySet()) {
      String word = occurrence.getKey();
      if (!counting || counts.add(word, occurrence.getValue()) >= settings.minCount()) {
        vectors.put(word, WordVectors.randomVector(word, hp.seed(), hp.dim()));
        if (counting) counts.remove(word);
        created.add(word);
      }
    }

    double[] probabilities = new double[windows.length];
    for (int t = 0; t < windows.length; t++) {
      WindowNetwork.sgdStep(
          dense,
          gather(windows[t], vectors),
          labels[t],
          hp.learningRate(),
          settings.decay(),
          workspace);
      probabilities[t] = workspace.probability();
    }

    Set<String> touched = new LinkedHashSet<>();
    for (String[] window : windows) {
      for (String word : window) touched.add(vectors.containsKey(word) ? word : Vocabulary.UNKNOWN);
    }
    for (String word : touched) columns.put(word, vectors.get(word));
    changed.addAll(touched);
    return new Learned(probabilities, windows.length, created);
  }

  private List<String> normalise(List<String> tokens) {
    List<String> words = new ArrayList<>(tokens.size());
    for (String token : tokens) words.add(settings.normalizer().normalize(token));
    return words;
  }

  /** The vectors of the sentence's words that have one, the padding words and UUUNKKK. */
  private static Map<String, double[]> read(List<String> words, Columns columns) throws Exception {
    Map<String, double[]> vectors = new HashMap<>();
    for (String word : new LinkedHashSet<>(words)) {
      double[] v = columns.get(word);
      if (v != null) vectors.put(word, v);
    }
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      if (!vectors.containsKey(special)) {
        double[] v = columns.get(special);
        if (v == null)
          throw new IllegalStateException(
              "the model has no vector for " + special + ": not initialised");
        vectors.put(special, v);
      }
    }
    return vectors;
  }

  private static Map<String, Long> occurrencesWithoutColumn(
      List<String> words, Map<String, double[]> vectors) {
    Map<String, Long> occurrences = new LinkedHashMap<>();
    for (String word : words)
      if (!vectors.containsKey(word)) occurrences.merge(word, 1L, Long::sum);
    return occurrences;
  }

  private double[] predict(
      String[][] windows, DenseParameters dense, Map<String, double[]> vectors) {
    double[] p = new double[windows.length];
    for (int t = 0; t < windows.length; t++)
      p[t] = WindowNetwork.forward(dense, gather(windows[t], vectors), workspace);
    return p;
  }

  private double[][] gather(String[] window, Map<String, double[]> vectors) {
    for (int c = 0; c < window.length; c++) {
      double[] v = vectors.get(window[c]);
      windowColumns[c] = v != null ? v : vectors.get(Vocabulary.UNKNOWN);
    }
    return windowColumns;
  }
}
