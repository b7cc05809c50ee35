package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-then-train on one sentence at a time, for a model whose vocabulary grows as words arrive:
 * the streaming job's learner, free of Flink, for either output layer (the specification's one
 * output, P(entity), or one per tag of a typed model) and either precision ({@code V} and {@code P}
 * as in {@link WindowKernel}: {@link #doubles} is the double model, {@link #floats} the float one).
 * The word vectors live wherever {@link Columns} puts them (keyed state in the job, a map in
 * tests); the dense parameters and the capitalisation vectors E are passed in.
 *
 * <p>A labelled sentence is trained window by window in order with the kernel's SGD step, the same
 * kernel the offline {@link Trainer} runs ({@link TaggingModel#steps()}). With {@code minCount = 1}
 * and the same starting vectors, a stream of sentences gives bit for bit the model one in-order
 * offline epoch over the same sentences gives.
 *
 * <p>Training is in two steps so that a sentence never half-trains a model: {@link #learn} trains
 * copies and changes nothing the caller holds; the caller then applies the {@link Update} with
 * {@link #commit}, or drops it: when it is not {@link Update#isFinite() finite}, or when anything
 * else about the sentence fails (its prediction cannot be written, say). The dense parameters are a
 * double buffer: the sentence's first window trains from the live parameters into the spare ones
 * (one pass that reads the one and writes the other, as a step in place would), the other windows
 * train the spare ones in place; the caller swaps the two when it applies the update. So a sentence
 * costs no copy of W, b1, U and b2, only copies of its own word vectors. E travels with the dense
 * parameters: the update holds E with the rows the sentence trained copied, and the other rows
 * shared with the caller's E, which nothing writes.
 *
 * <p>Test-then-train is per window: the outputs reported for token t are those of the forward half
 * of its own SGD step, so they come from the model before that window trained it (and after the
 * sentence's earlier windows did). Scoring the sentence separately first would run the forward pass
 * twice per window, which is about 40% of the training cost.
 *
 * <p>A word gets a column (its own vector) when it has been seen {@code minCount} times in labelled
 * data; until then it reads the vector of {@link Vocabulary#UNKNOWN}. The new column starts at
 * {@link WordVectors#randomVector} (rounded to float in a float model), a function of the word and
 * the seed only, so a replay of the stream builds the same model. Scoring never creates columns. A
 * model holds at most {@link Settings#maxVocabulary} columns: past it a word that reaches the
 * minimum count is {@link Update#refused refused} one and goes on reading UUUNKKK. One sentence's
 * columns are read once, updated over all its windows, and written back once ({@link
 * SentenceColumns}): the same arithmetic as around every window, with C times fewer state accesses.
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
   * @param outputs the network's outputs for every token ({@code [token][output]}: P(entity) of a
   *     binary model, P(tag) in tag id order of a typed one, which {@link TagDecoder} turns into
   *     tags), from the model before that token's window trained it
   * @param loss the sum of the windows' losses (logistic or cross-entropy), each before its own
   *     step
   * @param dense the trained dense parameters: the spare ones the learner was given
   * @param capitals the trained copy of E, or null without capitalisation features
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
      double[][] outputs,
      int windows,
      double loss,
      P dense,
      V[] capitals,
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

    /** P(entity) of every token: the one output of a binary model. */
    public double[] probabilities() {
      return TaggingModel.firstOutput(outputs);
    }
  }

  private final Settings settings;
  private final int capitalizationDim;
  private final WindowKernel<V, P> kernel;
  private final VectorOps<V> vectors;
  private final V[] window;
  private final V[] pieces;

  /**
   * @param capitalizationDim k, 0 for a model without capitalisation features
   * @param kernel the network of the model's precision, of its shape
   */
  public OnlineLearner(Settings settings, int capitalizationDim, WindowKernel<V, P> kernel) {
    if (capitalizationDim < 0) {
      throw new IllegalArgumentException("capitalisation dimension " + capitalizationDim + " < 0");
    }
    if (kernel.vectors().precision() != settings.hyperparameters().precision()) {
      throw new IllegalArgumentException(
          "a "
              + kernel.vectors().precision()
              + " kernel for a "
              + settings.hyperparameters().precision()
              + " model");
    }
    int windowSize = settings.hyperparameters().windowSize();
    this.settings = settings;
    this.capitalizationDim = capitalizationDim;
    this.kernel = kernel;
    this.vectors = kernel.vectors();
    this.window = vectors.array(windowSize);
    int lookups = settings.hyperparameters().features().lookups();
    this.pieces = capitalizationDim > 0 ? vectors.array(windowSize * (1 + lookups)) : window;
  }

  /**
   * The learner of a model of the settings' precision (its kernel: the SIMD one in float where the
   * JVM has it) with {@code outputs} outputs (1: binary, else one per tag) and capitalisation
   * vectors of k values (0: none).
   */
  @SuppressWarnings("unchecked") // V and P are those of the hyper-parameters' precision
  public static <V, P> OnlineLearner<V, P> of(
      Settings settings, int outputs, int capitalizationDim) {
    Hyperparameters hp = settings.hyperparameters();
    WindowKernel<?, ?> kernel = WindowKernel.of(hp, inputSize(hp, capitalizationDim), outputs);
    return new OnlineLearner<>(settings, capitalizationDim, (WindowKernel<V, P>) kernel);
  }

  /** The learner of a binary double model without capitalisation features: the specification's. */
  public static OnlineLearner<double[], DenseParameters> doubles(Settings settings) {
    return new OnlineLearner<>(settings, 0, new DoubleKernel(settings.hyperparameters()));
  }

  /** The learner of a binary float model without capitalisation features. */
  public static OnlineLearner<float[], FloatParameters> floats(Settings settings) {
    return new OnlineLearner<>(settings, 0, new FloatKernel(settings.hyperparameters()));
  }

  private static int inputSize(Hyperparameters hp, int capitalizationDim) {
    return DenseWithCapitals.inputSize(hp, capitalizationDim);
  }

  /** k: values per capitalisation vector, 0 without capitalisation features. */
  public int capitalizationDim() {
    return capitalizationDim;
  }

  /** The network this learner runs. */
  public WindowKernel<V, P> kernel() {
    return kernel;
  }

  /**
   * The outputs for every token ({@code [token][output]}, as {@link Update#outputs}); words without
   * a column read UUUNKKK. Changes nothing.
   *
   * @param capitals E, or null without capitalisation features
   */
  public double[][] score(List<String> tokens, P dense, V[] capitals, Columns<V> columns)
      throws Exception {
    checkCapitals(capitals);
    SentenceColumns<V> s = new SentenceColumns<>(settings, vectors, tokens, columns, false);
    int[][] classes = classes(tokens, capitals);
    double[][] p = new double[s.length()][];
    for (int t = 0; t < p.length; t++) {
      p[t] = kernel.forward(dense, pieces(s, t, capitals, classes)).clone();
    }
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
   * @param labels one per token: 1 where the token is the entity (binary), or its tag id in the
   *     model's tag set ({@link io.streamner.text.TagSet#encode})
   * @param spare parameters of the same shape as {@code dense}, whose values do not matter; the
   *     update holds them, trained
   * @param capitals E, or null without capitalisation features; the update holds E as trained (its
   *     untrained rows are those of {@code capitals})
   * @param vocabularySize the columns the model holds now
   * @param examplesSeen the windows the model has trained on, for the step size schedule
   */
  public Update<V, P> learn(
      List<String> tokens,
      int[] labels,
      P dense,
      P spare,
      V[] capitals,
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
    checkCapitals(capitals);
    SentenceColumns<V> s = new SentenceColumns<>(settings, vectors, tokens, columns, true);
    s.grow(counts, vocabularySize);
    int[][] classes = classes(tokens, capitals);
    List<V> trainedRows = new ArrayList<>();
    V[] trainedCapitals = trainable(capitals, classes, trainedRows);
    Hyperparameters hp = settings.hyperparameters();
    double[][] outputs = new double[labels.length][];
    double loss = 0;
    for (int t = 0; t < labels.length; t++) {
      loss +=
          kernel.sgdStep(
              t == 0 ? dense : spare,
              spare,
              pieces(s, t, trainedCapitals, classes),
              labels[t],
              hp.learningRateAt(examplesSeen + t),
              settings.decay());
      outputs[t] = kernel.probabilities().clone();
    }
    Map<String, V> touched = s.used();
    boolean finite =
        Double.isFinite(loss)
            && kernel.isFiniteDense(spare)
            && SentenceColumns.allFinite(vectors, touched.values())
            && SentenceColumns.allFinite(vectors, trainedRows);
    return new Update<>(
        outputs,
        labels.length,
        loss,
        spare,
        trainedCapitals,
        touched,
        s.created,
        s.refused,
        s.counts,
        finite);
  }

  /**
   * Applies an update's word vectors and counts: the trained vectors are written back (and added to
   * {@code changed}), new columns leave the counts, the other counts are stored (with a minimum
   * count of 1 there are none: a refused word is not counted, it would be refused again). The dense
   * parameters and E are the caller's to take: {@link Update#dense()} and {@link Update#capitals()}
   * are the trained copies.
   */
  public void commit(
      Update<V, P> update, Columns<V> columns, WordCounts counts, Set<String> changed)
      throws Exception {
    SentenceColumns.commit(
        settings, update.columns(), update.newColumns(), update.counts(), columns, counts, changed);
  }

  /**
   * The pieces of window t (eqs. 32 and 55 of src/site/markdown/typed-model.md): its word vectors,
   * each followed by the vectors of its rows of E when the model has capitalisation features.
   */
  private V[] pieces(SentenceColumns<V> s, int t, V[] capitals, int[][] rows) {
    s.window(t, window);
    if (capitals == null) return window;
    int f = rows[t].length / window.length;
    int p = 0;
    for (int c = 0; c < window.length; c++) {
      pieces[p++] = window[c];
      for (int i = 0; i < f; i++) pieces[p++] = capitals[rows[t][c * f + i]];
    }
    return pieces;
  }

  /**
   * E as the sentence trains it: the rows its windows look up are copies (added to {@code
   * trained}), the others are E's own, which no window of this sentence writes. With token features
   * E has thousands of rows and a sentence looks up a few dozen: copying all of them for every
   * sentence took more time than the rows it trained.
   */
  private V[] trainable(V[] capitals, int[][] rows, List<V> trained) {
    if (capitals == null) return null;
    V[] e = capitals.clone();
    for (int[] window : rows) {
      for (int r : window) {
        if (e[r] != capitals[r]) continue; // copied already
        e[r] = vectors.copy(capitals[r]);
        trained.add(e[r]);
      }
    }
    return e;
  }

  private int[][] classes(List<String> tokens, V[] capitals) {
    return capitals == null ? null : WindowInput.capitalWindows(tokens, settings.hyperparameters());
  }

  private void checkCapitals(V[] capitals) {
    int k = capitals == null ? 0 : java.lang.reflect.Array.getLength(capitals[0]);
    int rows = settings.hyperparameters().features().rows();
    if (k != capitalizationDim || (capitals != null && capitals.length != rows)) {
      throw new IllegalArgumentException(
          (capitals == null ? 0 : capitals.length)
              + " capitalisation vectors of "
              + k
              + " values given to a learner of k="
              + capitalizationDim
              + " and "
              + rows
              + " rows");
    }
  }
}
