package io.streamner.model;

import io.streamner.text.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sentence's word vectors in the streaming learner ({@link OnlineLearner}), in either precision
 * ({@code V}: {@code double[]} or {@code float[]}): the vectors its windows read, each looked up
 * once; new columns for words that reach the minimum count ({@link #grow}); after training, the
 * vectors to write back ({@link #used}, {@link #commit}). The vocabulary rules, apart from the
 * learner's loop over the windows.
 *
 * <p>Copies are taken when the sentence is to be trained, the stored arrays when it is only read. A
 * word without a vector (yet) reads UUUNKKK's. Window t holds the words t - (C-1)/2 .. t + (C-1)/2,
 * padded with {@link Vocabulary#START} before the sentence and {@link Vocabulary#END} after it.
 */
final class SentenceColumns<V> {
  private final OnlineLearner.Settings settings;
  private final VectorOps<V> ops;
  private final List<String> words;

  /**
   * Every distinct word in order of first occurrence, with its vector or null when it has none,
   * then UUUNKKK and the padding words (unless a word of the sentence is one of them).
   */
  private final Map<String, V> vectors;

  private final V[] at;
  private final V unknown;
  private final V start;
  private final V end;

  /** Words that get their own vector with this sentence ({@link #grow}). */
  final List<String> created = new ArrayList<>();

  /** Words that reached the minimum count but got no vector: the model holds its maximum. */
  final List<String> refused = new ArrayList<>();

  /** New occurrence counts of words still below the minimum count, or refused. */
  final Map<String, Long> counts = new LinkedHashMap<>();

  /**
   * @param copy whether the vectors are to be trained (copies) or only read (the stored arrays)
   */
  SentenceColumns(
      OnlineLearner.Settings settings,
      VectorOps<V> ops,
      List<String> tokens,
      OnlineLearner.Columns<V> columns,
      boolean copy)
      throws Exception {
    this.settings = settings;
    this.ops = ops;
    this.words = new ArrayList<>(tokens.size());
    for (String token : tokens) words.add(settings.normalizer().normalize(token));
    this.vectors = new LinkedHashMap<>(2 * words.size() + 8);
    this.at = ops.array(words.size());
    for (int t = 0; t < at.length; t++) {
      String word = words.get(t);
      V v = vectors.get(word);
      if (v == null && !vectors.containsKey(word)) {
        v = columns.get(word);
        if (v != null && copy) v = ops.copy(v);
        vectors.put(word, v);
      }
      at[t] = v;
    }
    for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
      if (vectors.get(special) == null) {
        V v = columns.get(special);
        if (v == null)
          throw new IllegalStateException(
              "the model has no vector for " + special + ": not initialised");
        vectors.put(special, copy ? ops.copy(v) : v);
      }
    }
    this.unknown = vectors.get(Vocabulary.UNKNOWN);
    this.start = vectors.get(Vocabulary.START);
    this.end = vectors.get(Vocabulary.END);
    for (int t = 0; t < at.length; t++) if (at[t] == null) at[t] = unknown;
  }

  /**
   * Counts the words without a vector and gives those that reach the minimum count a new column
   * (from {@link WordVectors#randomVector}, in this precision) while the model has room under
   * {@link OnlineLearner.Settings#maxVocabulary}; fills {@link #created}, {@link #refused} and
   * {@link #counts}. Words reach the minimum count in the order they first occur in the sentence,
   * and take the places left in that order: the same stream always gives the same vocabulary.
   *
   * @param vocabularySize the columns the model holds now
   */
  void grow(OnlineLearner.WordCounts wordCounts, long vocabularySize) throws Exception {
    Hyperparameters hp = settings.hyperparameters();
    long room = Math.max(0, settings.maxVocabulary() - vocabularySize);
    for (Map.Entry<String, Long> occurrence : occurrencesWithoutColumn().entrySet()) {
      String word = occurrence.getKey();
      // With a minimum count of 1 every new word gets its column at once: no count is read.
      long count = settings.minCount() == 1 ? 1 : wordCounts.count(word) + occurrence.getValue();
      if (count < settings.minCount()) {
        counts.put(word, count);
      } else if (created.size() < room) {
        vectors.put(word, ops.randomVector(word, hp.seed(), hp.dim()));
        created.add(word);
      } else {
        refused.add(word);
        counts.put(word, count);
      }
    }
    if (!created.isEmpty()) resolve();
  }

  /** Each token's vector again, after words got new columns: its own, or UUUNKKK's. */
  private void resolve() {
    for (int t = 0; t < at.length; t++) {
      V v = vectors.get(words.get(t));
      at[t] = v != null ? v : unknown;
    }
  }

  /** How often each word without a vector occurs, in order of first occurrence. */
  private Map<String, Long> occurrencesWithoutColumn() {
    Map<String, Long> occurrences = new LinkedHashMap<>();
    for (int t = 0; t < at.length; t++) {
      if (at[t] == unknown && vectors.get(words.get(t)) == null) {
        occurrences.merge(words.get(t), 1L, Long::sum);
      }
    }
    return occurrences;
  }

  int length() {
    return at.length;
  }

  /** The vectors of window t, into {@code window} (C long), which is returned. */
  V[] window(int t, V[] window) {
    int half = settings.hyperparameters().windowSize() / 2;
    for (int c = 0; c < window.length; c++) {
      int i = t - half + c;
      window[c] = i < 0 ? start : i >= at.length ? end : at[i];
    }
    return window;
  }

  /**
   * The vectors the windows use, by word: the words that have one, UUUNKKK when a word has none,
   * the padding words when windows are wider than one word.
   */
  Map<String, V> used() {
    boolean unknownUsed = false;
    for (V v : at) unknownUsed |= v == unknown;
    boolean padded = settings.hyperparameters().windowSize() > 1;
    Map<String, V> used = new LinkedHashMap<>(2 * vectors.size());
    for (Map.Entry<String, V> e : vectors.entrySet()) {
      V v = e.getValue();
      if (v == null
          || v == unknown && !unknownUsed
          || (v == start || v == end) && !padded && !words.contains(e.getKey())) continue;
      used.put(e.getKey(), v);
    }
    return used;
  }

  /** Whether every value of every vector is finite. */
  static <V> boolean allFinite(VectorOps<V> ops, Iterable<V> vectors) {
    for (V v : vectors) if (!ops.isFinite(v)) return false;
    return true;
  }

  /**
   * Applies a sentence's trained word vectors and counts: the trained vectors are written back (and
   * added to {@code changed}), new columns leave the counts, the other counts are stored (with a
   * minimum count of 1 there are none: a refused word is not counted, it would be refused again).
   */
  static <V> void commit(
      OnlineLearner.Settings settings,
      Map<String, V> trained,
      List<String> newColumns,
      Map<String, Long> newCounts,
      OnlineLearner.Columns<V> columns,
      OnlineLearner.WordCounts counts,
      Set<String> changed)
      throws Exception {
    for (Map.Entry<String, V> column : trained.entrySet()) {
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
}
