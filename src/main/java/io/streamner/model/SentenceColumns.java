package io.streamner.model;

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
 * One sentence's word vectors in the streaming learners ({@link OnlineLearner}, {@link
 * TypedLearner}): the vectors its windows read, looked up once, new columns for words that reach
 * the minimum count, and after training the vectors to write back. What both learners share, so
 * that a binary and a typed model grow their vocabulary by the same rules.
 */
final class SentenceColumns {
  /** The sentence's normalised words. */
  final List<String> words;

  /** One window of words per token, padded. */
  final String[][] windows;

  /** Vectors by word: the stored arrays (scoring) or copies (training). */
  final Map<String, double[]> vectors;

  /** Words that get their own vector with this sentence. */
  final List<String> created = new ArrayList<>();

  /** Words that reached the minimum count but got no vector: the model holds its maximum. */
  final List<String> refused = new ArrayList<>();

  /** New occurrence counts of words still below the minimum count, or refused. */
  final Map<String, Long> counts = new LinkedHashMap<>();

  private SentenceColumns(List<String> words, int windowSize, Map<String, double[]> vectors) {
    this.words = words;
    this.windows = Windows.of(words, windowSize);
    this.vectors = vectors;
  }

  /** The stored vectors of a sentence to score: nothing is copied, counted or created. */
  static SentenceColumns forScoring(
      OnlineLearner.Settings settings, List<String> tokens, OnlineLearner.Columns<double[]> columns)
      throws Exception {
    List<String> words = normalise(settings, tokens);
    return new SentenceColumns(
        words, settings.hyperparameters().windowSize(), read(words, columns, false));
  }

  /**
   * Copies of the vectors of a sentence to train on; new words are counted and get a column (from
   * {@link WordVectors#randomVector}) once seen {@code minCount} times, while the model has room
   * under {@link OnlineLearner.Settings#maxVocabulary}. Words take the places left in the order
   * they first occur, so the same stream always gives the same vocabulary.
   *
   * @param vocabularySize the columns the model holds now
   */
  static SentenceColumns forTraining(
      OnlineLearner.Settings settings,
      List<String> tokens,
      OnlineLearner.Columns<double[]> columns,
      OnlineLearner.WordCounts wordCounts,
      long vocabularySize)
      throws Exception {
    Hyperparameters hp = settings.hyperparameters();
    List<String> words = normalise(settings, tokens);
    SentenceColumns s = new SentenceColumns(words, hp.windowSize(), read(words, columns, true));
    long room = Math.max(0, settings.maxVocabulary() - vocabularySize);
    for (Map.Entry<String, Long> occurrence : s.occurrencesWithoutColumn().entrySet()) {
      String word = occurrence.getKey();
      // With a minimum count of 1 every new word gets its column at once: no count is read.
      long count = settings.minCount() == 1 ? 1 : wordCounts.count(word) + occurrence.getValue();
      if (count < settings.minCount()) {
        s.counts.put(word, count);
      } else if (s.created.size() < room) {
        s.vectors.put(word, WordVectors.randomVector(word, hp.seed(), hp.dim()));
        s.created.add(word);
      } else {
        s.refused.add(word);
        s.counts.put(word, count);
      }
    }
    return s;
  }

  /**
   * The word vectors of window {@code t} into {@code pieces} (UUUNKKK's for words without a
   * column); with capitalisation vectors, each followed by its class's vector.
   *
   * @param capitals E, or null without capitalisation features
   * @param classes the sentence's capitalisation windows, or null
   */
  double[][] gather(int t, double[][] capitals, int[][] classes, double[][] pieces) {
    String[] window = windows[t];
    int step = capitals == null ? 1 : 2;
    for (int c = 0; c < window.length; c++) {
      double[] v = vectors.get(window[c]);
      pieces[step * c] = v != null ? v : vectors.get(Vocabulary.UNKNOWN);
      if (capitals != null) pieces[2 * c + 1] = capitals[classes[t][c]];
    }
    return pieces;
  }

  /** The (trained) vectors the windows used, by word, in order of first use. */
  Map<String, double[]> touched() {
    Map<String, double[]> touched = new LinkedHashMap<>();
    for (String[] window : windows) {
      for (String word : window) {
        String key = vectors.containsKey(word) ? word : Vocabulary.UNKNOWN;
        touched.put(key, vectors.get(key));
      }
    }
    return touched;
  }

  /**
   * Writes trained vectors back (and adds their words to {@code changed}); new columns leave the
   * counts, the other counts are stored.
   */
  static void commit(
      OnlineLearner.Settings settings,
      Map<String, double[]> trained,
      List<String> newColumns,
      Map<String, Long> newCounts,
      OnlineLearner.Columns<double[]> columns,
      OnlineLearner.WordCounts counts,
      Set<String> changed)
      throws Exception {
    for (Map.Entry<String, double[]> column : trained.entrySet()) {
      columns.put(column.getKey(), column.getValue());
    }
    changed.addAll(trained.keySet());
    if (settings.minCount() > 1) {
      for (String word : newColumns) counts.remove(word);
      for (Map.Entry<String, Long> count : newCounts.entrySet()) {
        counts.put(count.getKey(), count.getValue());
      }
    }
  }

  /** Whether every value of every vector is finite. */
  static boolean allFinite(Map<String, double[]> vectors) {
    for (double[] v : vectors.values()) if (!DenseParameters.allFinite(v)) return false;
    return true;
  }

  private static List<String> normalise(OnlineLearner.Settings settings, List<String> tokens) {
    List<String> words = new ArrayList<>(tokens.size());
    for (String token : tokens) words.add(settings.normalizer().normalize(token));
    return words;
  }

  /**
   * The vectors of the sentence's words that have one, the padding words and UUUNKKK: copies when
   * they are to be trained, the stored arrays when they are only read.
   */
  private static Map<String, double[]> read(
      List<String> words, OnlineLearner.Columns<double[]> columns, boolean copy) throws Exception {
    Map<String, double[]> vectors = new HashMap<>();
    for (String word : new LinkedHashSet<>(words)) {
      double[] v = columns.get(word);
      if (v != null) vectors.put(word, copy ? v.clone() : v);
    }
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      if (!vectors.containsKey(special)) {
        double[] v = columns.get(special);
        if (v == null)
          throw new IllegalStateException(
              "the model has no vector for " + special + ": not initialised");
        vectors.put(special, copy ? v.clone() : v);
      }
    }
    return vectors;
  }

  private Map<String, Long> occurrencesWithoutColumn() {
    Map<String, Long> occurrences = new LinkedHashMap<>();
    for (String word : words)
      if (!vectors.containsKey(word)) occurrences.merge(word, 1L, Long::sum);
    return occurrences;
  }
}
