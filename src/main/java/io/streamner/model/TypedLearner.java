package io.streamner.model;

import io.streamner.text.Capitalization;
import io.streamner.text.TagSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-then-train on one sentence at a time for a typed model whose vocabulary grows as words
 * arrive: the typed counterpart of {@link OnlineLearner}, used the same way and in either precision
 * ({@code V} and {@code P} as in {@link WindowKernel}: {@link #doubles} is the double model, {@link
 * #floats} the float one). The word vectors live wherever {@link OnlineLearner.Columns} puts them
 * and grow by the binary learner's rules, with its code ({@link SentenceColumns}: a column after
 * {@code minCount} occurrences, starting at {@link WordVectors#randomVector}, at most {@code
 * maxVocabulary}); the dense parameters and the capitalisation vectors E are passed in, like the
 * binary learner's dense parameters.
 *
 * <p>A labelled sentence is trained window by window in order with the kernel's SGD step, the one
 * the offline {@link Trainer} runs for a typed model ({@link TypedModel#steps()}). With {@code
 * minCount = 1} and the same starting vectors, a stream of sentences gives bit for bit the model of
 * one in-order offline epoch over them, in either precision.
 *
 * <p>As in {@link OnlineLearner}, {@link #learn} trains copies (the dense parameters into a spare,
 * the sentence's word vectors, E) and changes nothing the caller holds; the caller applies the
 * {@link Update} with {@link #commit} when it is {@link Update#isFinite() finite}, or drops it. The
 * dense parameters are the same double buffer as there: the sentence's first window trains from the
 * live parameters into the spare ones, the others train the spare ones in place, so a sentence
 * costs no copy of W, b1, U and b2. E is small (six classes of k values) and touched by every
 * window, so it travels with the dense parameters rather than with the word vectors: the update
 * holds its trained copy.
 *
 * <p>Test-then-train is per window: the tag probabilities reported for token t are those of the
 * forward half of its own SGD step. An instance holds one window's activations: one per thread.
 */
public final class TypedLearner<V, P extends Dense> {

  /**
   * One sentence's training, not yet applied to the model.
   *
   * @param probabilities P(tag) of every tag for every token ({@code [token][tag id]}), from the
   *     model before that token's window trained it; {@link TagDecoder} turns them into tags
   * @param loss the sum of the windows' cross-entropy losses, each before its own step
   * @param dense the trained dense parameters: the spare ones the learner was given
   * @param capitals the trained copy of E, or null without capitalisation features
   * @param columns the trained copies of the vectors the sentence's windows used, by word
   * @param newColumns words that get their own vector with this sentence
   * @param refused words that reached the minimum count but got no vector (the model is full, as in
   *     {@link OnlineLearner.Update#refused})
   * @param counts new occurrence counts of words without a column
   * @param finite whether every parameter the update writes and its loss are finite numbers
   */
  public record Update<V, P>(
      double[][] probabilities,
      int windows,
      double loss,
      P dense,
      V[] capitals,
      Map<String, V> columns,
      List<String> newColumns,
      List<String> refused,
      Map<String, Long> counts,
      boolean finite) {

    /** Whether every parameter the update writes and its loss are finite numbers. */
    public boolean isFinite() {
      return finite;
    }
  }

  private final OnlineLearner.Settings settings;
  private final TagSet tagSet;
  private final int capitalizationDim;
  private final WindowKernel<V, P> kernel;
  private final VectorOps<V> vectors;
  private final V[] window;
  private final V[] pieces;

  /**
   * @param capitalizationDim k, 0 for a model without capitalisation features
   * @param kernel the typed network of the model's precision, of its shape
   */
  public TypedLearner(
      OnlineLearner.Settings settings,
      TagSet tagSet,
      int capitalizationDim,
      WindowKernel<V, P> kernel) {
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
    this.tagSet = tagSet;
    this.capitalizationDim = capitalizationDim;
    this.kernel = kernel;
    this.vectors = kernel.vectors();
    this.window = vectors.array(windowSize);
    this.pieces = capitalizationDim > 0 ? vectors.array(2 * windowSize) : window;
  }

  /** The learner of a double model: {@link TypedNetwork}. */
  public static TypedLearner<double[], DenseParameters> doubles(
      OnlineLearner.Settings settings, TagSet tagSet, int capitalizationDim) {
    Hyperparameters hp = settings.hyperparameters();
    return new TypedLearner<>(
        settings,
        tagSet,
        capitalizationDim,
        new DoubleKernel(inputSize(hp, capitalizationDim), hp.hidden(), tagSet.size()));
  }

  /** The learner of a float model: {@link FloatTypedNetwork#fastest()}. */
  public static TypedLearner<float[], FloatParameters> floats(
      OnlineLearner.Settings settings, TagSet tagSet, int capitalizationDim) {
    Hyperparameters hp = settings.hyperparameters();
    return new TypedLearner<>(
        settings,
        tagSet,
        capitalizationDim,
        new FloatKernel(inputSize(hp, capitalizationDim), hp.hidden(), tagSet.size()));
  }

  private static int inputSize(Hyperparameters hp, int capitalizationDim) {
    return DenseWithCapitals.inputSize(hp, capitalizationDim);
  }

  public TagSet tagSet() {
    return tagSet;
  }

  /** k: values per capitalisation vector, 0 without capitalisation features. */
  public int capitalizationDim() {
    return capitalizationDim;
  }

  /** The typed network this learner runs. */
  public WindowKernel<V, P> kernel() {
    return kernel;
  }

  /**
   * P(tag) of every tag for every token; words without a column read UUUNKKK. Changes nothing.
   *
   * @param capitals E, or null without capitalisation features
   */
  public double[][] score(
      List<String> tokens, P dense, V[] capitals, OnlineLearner.Columns<V> columns)
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
   * Trains copies on the sentence, as {@link OnlineLearner#learn} does: new words are counted and
   * get columns once frequent enough, every window is scored and then takes one SGD step, in order.
   * Nothing the caller holds changes: the first window trains from {@code dense} into {@code
   * spare}, the others train {@code spare}, and the vectors are copies.
   *
   * @param tags the tag id of every token in this learner's tag set ({@link TagSet#encode})
   * @param spare parameters of the same shape as {@code dense}, whose values do not matter; the
   *     update holds them, trained
   * @param capitals E, or null without capitalisation features; the update holds a trained copy
   * @param vocabularySize the columns the model holds now
   * @param examplesSeen the windows the model has trained on, for the step size schedule
   */
  public Update<V, P> learn(
      List<String> tokens,
      int[] tags,
      P dense,
      P spare,
      V[] capitals,
      OnlineLearner.Columns<V> columns,
      OnlineLearner.WordCounts counts,
      long vocabularySize,
      long examplesSeen)
      throws Exception {
    if (tags.length != tokens.size()) {
      throw new IllegalArgumentException(tokens.size() + " tokens but " + tags.length + " tags");
    }
    if (tokens.isEmpty()) throw new IllegalArgumentException("a sentence without tokens");
    if (dense == spare) throw new IllegalArgumentException("the spare parameters are the model's");
    checkCapitals(capitals);
    SentenceColumns<V> s = new SentenceColumns<>(settings, vectors, tokens, columns, true);
    s.grow(counts, vocabularySize);
    V[] trainedCapitals = vectors.copy(capitals);
    int[][] classes = classes(tokens, capitals);
    Hyperparameters hp = settings.hyperparameters();
    double[][] probabilities = new double[tags.length][];
    double loss = 0;
    for (int t = 0; t < tags.length; t++) {
      loss +=
          kernel.sgdStep(
              t == 0 ? dense : spare,
              spare,
              pieces(s, t, trainedCapitals, classes),
              tags[t],
              hp.learningRateAt(examplesSeen + t),
              settings.decay());
      probabilities[t] = kernel.probabilities().clone();
    }
    Map<String, V> touched = s.used();
    boolean finite =
        Double.isFinite(loss)
            && kernel.isFiniteDense(spare)
            && SentenceColumns.allFinite(vectors, touched.values())
            && (trainedCapitals == null
                || SentenceColumns.allFinite(vectors, List.of(trainedCapitals)));
    return new Update<>(
        probabilities,
        tags.length,
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
   * Applies an update's word vectors and counts, as {@link OnlineLearner#commit}. The dense
   * parameters and E are the caller's to take: {@link Update#dense()} and {@link Update#capitals()}
   * are the trained copies.
   */
  public void commit(
      Update<V, P> update,
      OnlineLearner.Columns<V> columns,
      OnlineLearner.WordCounts counts,
      Set<String> changed)
      throws Exception {
    SentenceColumns.commit(
        settings, update.columns(), update.newColumns(), update.counts(), columns, counts, changed);
  }

  /**
   * The pieces of window t (eq. 32): its word vectors, each followed by its capitalisation class's
   * vector when the model has capitalisation features.
   */
  private V[] pieces(SentenceColumns<V> s, int t, V[] capitals, int[][] classes) {
    s.window(t, window);
    if (capitals == null) return window;
    for (int c = 0; c < window.length; c++) {
      pieces[2 * c] = window[c];
      pieces[2 * c + 1] = capitals[classes[t][c]];
    }
    return pieces;
  }

  private int[][] classes(List<String> tokens, V[] capitals) {
    return capitals == null
        ? null
        : WindowInput.capitalWindows(tokens, settings.hyperparameters().windowSize());
  }

  private void checkCapitals(V[] capitals) {
    int k = capitals == null ? 0 : java.lang.reflect.Array.getLength(capitals[0]);
    if (k != capitalizationDim
        || (capitals != null && capitals.length != Capitalization.values().length)) {
      throw new IllegalArgumentException(
          "capitalisation vectors of "
              + k
              + " values given to a learner of k="
              + capitalizationDim);
    }
  }
}
