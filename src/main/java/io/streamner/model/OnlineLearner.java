package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-then-train on one sentence at a time, for a model whose vocabulary grows as words arrive. It
 * is the streaming job's learner, free of Flink: the word vectors live wherever {@link Columns}
 * puts them (keyed state in the job, a map in tests) and the dense parameters are passed in. {@code
 * V} and {@code P} are a word vector and the dense parameters in the model's precision (see {@link
 * WindowKernel}): {@link #doubles} is the specification's model, {@link #floats} the float one.
 *
 * <p>A labelled sentence is trained window by window in order with the kernel's SGD step, the same
 * kernel the offline {@link Trainer} runs. With {@code minCount = 1} and the same starting vectors,
 * a stream of sentences gives bit for bit the model one in-order offline epoch over the same
 * sentences gives.
 *
 * <p>Training is in two steps so that a sentence never half-trains a model: {@link #learn} trains
 * copies and changes nothing the caller holds; the caller then applies the {@link Update} with
 * {@link #commit}, or drops it: when it is not {@link Update#isFinite() finite}, or when anything
 * else about the sentence fails (its prediction cannot be written, say). The dense parameters are a
 * double buffer: the sentence's first window trains from the live parameters into the spare ones
 * (one pass that reads the one and writes the other, as a step in place would), the other windows
 * train the spare ones in place; the caller swaps the two when it applies the update. So a sentence
 * costs no copy of the dense parameters, only copies of its own word vectors.
 *
 * <p>Test-then-train is per window: the probability reported for token t is the h of the forward
 * half of its own SGD step, so it comes from the model before that window trained it (and after the
 * sentence's earlier windows did). Scoring the sentence separately first would run the forward pass
 * twice per window, which is about 40% of the training cost.
 *
 * <p>A word gets a column (its own vector) when it has been seen {@code minCount} times in labelled
 * data; until then it reads the vector of {@link Vocabulary#UNKNOWN}. The new column starts at
 * {@link WordVectors#randomVector} (rounded to float in a float model), a function of the word and
 * the seed only, so a replay of the stream builds the same model. Scoring never creates columns. A
 * model holds at most {@link Settings#maxVocabulary} columns: past it a word that reaches the
 * minimum count is {@link Update#refused refused} one and goes on reading UUUNKKK.
 *
 * <p>One sentence's columns are read once, updated over all its windows, and written back once: the
 * same arithmetic as reading and writing around every window, with C times fewer state accesses.
 *
 * <p>An instance holds one window's activations: one per thread.
 */
public final class OnlineLearner<V, P> {
  /** Where one model's word vectors live. */
  public interface Columns<V> {
    /** The vector of {@code word}, or null when it has none. Callers do not change it. */
    V get(String word) throws Exception;

    void put(String word, V vector) throws Exception;
  }

  /** Occurrence counts of words that have no column yet. */
  public interface WordCounts {
    /** The count of {@code word}, 0 when it has none. */
    long count(String word) throws Exception;

    void put(String word, long count) throws Exception;

    void remove(String word) throws Exception;
  }

  /**
   * @param decay C/m of eqs. (30) and (31): the regularisation constant over the number of examples
   *     it is spread across (a stream has no m of its own: it is configured)
   * @param maxVocabulary the most columns a model holds (the special words and its starting vectors
   *     included); a word that reaches the minimum count when the model is full is refused a column
   */
  public record Settings(
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      int minCount,
      double decay,
      long maxVocabulary) {
    public Settings {
      if (minCount < 1)
        throw new IllegalArgumentException("minimum count must be at least 1, got " + minCount);
      if (!(decay >= 0))
        throw new IllegalArgumentException("decay must be zero or positive, got " + decay);
      if (maxVocabulary < 1)
        throw new IllegalArgumentException(
            "maximum vocabulary must be at least 1, got " + maxVocabulary);
    }

    /** Without a cap on the vocabulary. */
    public Settings(
        Hyperparameters hyperparameters, TokenNormalizer normalizer, int minCount, double decay) {
      this(hyperparameters, normalizer, minCount, decay, Long.MAX_VALUE);
    }
  }

  /**
   * One sentence's training, not yet applied to the model.
   *
   * @param probabilities P(entity) of every token, from the model before that token's window
   *     trained it (test-then-train per window)
   * @param loss the sum of the windows' logistic losses, each before its own step
   * @param dense the trained dense parameters: the spare ones the learner was given
   * @param columns the trained copies of the vectors the sentence's windows used, by word, in the
   *     order the windows first use them
   * @param newColumns words that get their own vector with this sentence
   * @param refused words that reached the minimum count with this sentence but got no vector,
   *     because the model holds {@link Settings#maxVocabulary} columns; they read UUUNKKK
   * @param counts new occurrence counts of words without a column (below the minimum count, or
   *     refused)
   * @param finite whether every parameter the update writes and its loss are finite numbers
   */
  public record Update<V, P>(
      double[] probabilities,
      int windows,
      double loss,
      P dense,
      Map<String, V> columns,
      List<String> newColumns,
      List<String> refused,
      Map<String, Long> counts,
      boolean finite) {

    /**
     * Whether every parameter the update writes and its loss are finite numbers. An update that is
     * not must be dropped: an overflow (too large a learning rate, or a diverging model) would
     * otherwise put NaN into the model for good.
     */
    public boolean isFinite() {
      return finite;
    }
  }

  private final Settings settings;
  private final Hyperparameters hp;
  private final WindowKernel<V, P> kernel;
  private final V[] window;

  public OnlineLearner(Settings settings, WindowKernel<V, P> kernel) {
    if (kernel.vectors().precision() != settings.hyperparameters().precision()) {
      throw new IllegalArgumentException(
          "a "
              + kernel.vectors().precision()
              + " kernel for a "
              + settings.hyperparameters().precision()
              + " model");
    }
    this.settings = settings;
    this.hp = settings.hyperparameters();
    this.kernel = kernel;
    this.window = kernel.vectors().array(hp.windowSize());
  }

  /** The learner of a double model: {@link WindowNetwork}. */
  public static OnlineLearner<double[], DenseParameters> doubles(Settings settings) {
    return new OnlineLearner<>(
        settings,
        new DoubleKernel(
            settings.hyperparameters().inputSize(), settings.hyperparameters().hidden(), 1));
  }

  /** The learner of a float model: {@link FloatNetwork#fastest()}. */
  public static OnlineLearner<float[], FloatParameters> floats(Settings settings) {
    return new OnlineLearner<>(
        settings,
        new FloatKernel(
            settings.hyperparameters().inputSize(), settings.hyperparameters().hidden(), 1));
  }

  /** P(entity) for every token; words without a column read UUUNKKK. Changes nothing. */
  public double[] score(List<String> tokens, P dense, Columns<V> columns) throws Exception {
    SentenceColumns<V> s =
        new SentenceColumns<>(settings, kernel.vectors(), tokens, columns, false);
    double[] p = new double[s.length()];
    for (int t = 0; t < p.length; t++) p[t] = kernel.forward(dense, s.window(t, window))[0];
    return p;
  }

  /**
   * Trains copies on the sentence: new words are counted and get columns once frequent enough,
   * every window is scored and then takes one SGD step, in order. Nothing the caller holds changes:
   * the first window trains from {@code dense} into {@code spare}, the others train {@code spare},
   * and the vectors are copies.
   *
   * <p>Words reach the minimum count in the order they first occur in the sentence, and take the
   * places left under the maximum vocabulary in that order: the same stream always gives the same
   * vocabulary.
   *
   * @param labels 1 where the token is the entity, one per token
   * @param spare parameters of the same shape as {@code dense}, whose values do not matter; the
   *     update holds them, trained
   * @param vocabularySize the columns the model holds now
   * @param examplesSeen the windows the model has trained on, for the step size schedule
   */
  public Update<V, P> learn(
      List<String> tokens,
      int[] labels,
      P dense,
      P spare,
      Columns<V> columns,
      WordCounts counts,
      long vocabularySize,
      long examplesSeen)
      throws Exception {
    if (labels.length != tokens.size()) {
      throw new IllegalArgumentException(
          tokens.size() + " tokens but " + labels.length + " labels");
    }
    if (tokens.isEmpty()) throw new IllegalArgumentException("a sentence without tokens");
    if (dense == spare) throw new IllegalArgumentException("the spare parameters are the model's");
    SentenceColumns<V> s = new SentenceColumns<>(settings, kernel.vectors(), tokens, columns, true);
    s.grow(counts, vocabularySize);

    double[] probabilities = new double[s.length()];
    double loss = 0;
    for (int t = 0; t < probabilities.length; t++) {
      loss +=
          kernel.sgdStep(
              t == 0 ? dense : spare,
              spare,
              s.window(t, window),
              labels[t],
              hp.learningRateAt(examplesSeen + t),
              settings.decay());
      probabilities[t] = kernel.probabilities()[0];
    }

    Map<String, V> touched = s.used();
    boolean finite =
        Double.isFinite(loss)
            && kernel.isFiniteDense(spare)
            && SentenceColumns.allFinite(kernel.vectors(), touched.values());
    return new Update<>(
        probabilities, s.length(), loss, spare, touched, s.created, s.refused, s.counts, finite);
  }

  /**
   * Applies an update's word vectors and counts: the trained vectors are written back (and added to
   * {@code changed}), new columns leave the counts, the other counts are stored (with a minimum
   * count of 1 there are none: a refused word is not counted, it would be refused again). The dense
   * parameters are the caller's to take: {@link Update#dense()} is the trained spare.
   */
  public void commit(
      Update<V, P> update, Columns<V> columns, WordCounts counts, Set<String> changed)
      throws Exception {
    SentenceColumns.commit(
        settings, update.columns(), update.newColumns(), update.counts(), columns, counts, changed);
  }
}
