package io.streamner.model;

import io.streamner.text.Capitalization;
import io.streamner.text.TokenFeatures;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.Windows;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The input side of a window model, shared by the binary {@link NerModel} and the {@link
 * TypedModel}: how a sentence becomes windows, and the lookup tables whose columns make up x. L
 * holds one n-vector per vocabulary word; with capitalisation features, E holds one k-vector per
 * {@link Capitalization} class, and each window position contributes [L_word ; E_class] to x (eq.
 * 32 of src/site/markdown/typed-model.md), so x has C (n + k) values. With {@link TokenFeatures}
 * (word shape, affixes), E has a row per hashed bucket after the classes and each position
 * contributes [L_word ; E_r1 ; ... ; E_rF], its F lookups (eq. 55): x has C (n + F k) values.
 *
 * <p>The tables are of the model's {@link Hyperparameters#precision()}: {@code double[][]} ({@link
 * #vectors()}, {@link #capitals()}), or {@code float[][]} for a float model ({@link
 * #floatVectors()}, {@link #floatCapitals()}). They are mutable: training updates their rows in
 * place.
 */
public final class WindowInput {
  /** Capitalisation vectors start uniform in +-this, like the words without a pretrained vector. */
  public static final double CAPITALIZATION_RANGE = WordVectors.RANDOM_RANGE;

  /** The default k of typed models (and of binary ones with {@code --caps}). */
  public static final int DEFAULT_CAPITALIZATION_DIM = 5;

  private final Hyperparameters hyperparameters;
  private final TokenNormalizer normalizer;
  private final Vocabulary vocabulary;

  /** L: {@code double[][]} or {@code float[][]}, as the precision says. */
  private final Object[] vectors;

  /** E, of the same type as L, or null. */
  private final Object[] capitals;

  /**
   * A double model's input.
   *
   * @param vectors L: {@code vectors[id]} is the n-vector of word {@code id}
   * @param capitals E: one k-vector per {@link Capitalization} class in ordinal order, then one per
   *     bucket of the hyper-parameters' {@link Hyperparameters#features()}; or null for a model
   *     without capitalisation features
   * @throws IllegalArgumentException when a table does not have the shape the rest says, or the
   *     hyper-parameters are not of double precision
   */
  public WindowInput(
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors,
      double[][] capitals) {
    this(Precision.DOUBLE, hyperparameters, normalizer, vocabulary, vectors, capitals);
  }

  /** A float model's input: the same with float tables. */
  public WindowInput(
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      float[][] vectors,
      float[][] capitals) {
    this(Precision.FLOAT, hyperparameters, normalizer, vocabulary, vectors, capitals);
  }

  private WindowInput(
      Precision precision,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      Object[] vectors,
      Object[] capitals) {
    if (hyperparameters.precision() != precision) {
      throw new IllegalArgumentException(
          precision
              + " word vectors for a model whose hyper-parameters say "
              + hyperparameters.precision());
    }
    if (vectors.length != vocabulary.size()) {
      throw new IllegalArgumentException(
          vectors.length + " word vectors for " + vocabulary.size() + " words");
    }
    for (Object v : vectors) {
      if (length(v) != hyperparameters.dim()) {
        throw new IllegalArgumentException(
            "a word vector has " + length(v) + " values, the model has n=" + hyperparameters.dim());
      }
    }
    TokenFeatures features = hyperparameters.features();
    if (capitals == null && !features.kinds().isEmpty()) {
      throw new IllegalArgumentException(
          "token features " + features.kinds() + " need capitalisation vectors (k > 0)");
    }
    if (capitals != null) {
      if (capitals.length != features.rows()) {
        throw new IllegalArgumentException(
            capitals.length
                + " capitalisation and token feature vectors for "
                + features.rows()
                + " rows ("
                + Capitalization.values().length
                + " classes and "
                + features.buckets()
                + " buckets)");
      }
      if (length(capitals[0]) < 1) {
        throw new IllegalArgumentException("capitalisation vectors need at least one value");
      }
      for (Object v : capitals) {
        if (length(v) != length(capitals[0])) {
          throw new IllegalArgumentException("capitalisation vectors of different lengths");
        }
      }
    }
    this.hyperparameters = hyperparameters;
    this.normalizer = normalizer;
    this.vocabulary = vocabulary;
    this.vectors = vectors;
    this.capitals = capitals;
  }

  private static int length(Object vector) {
    return java.lang.reflect.Array.getLength(vector);
  }

  /**
   * E for capitalisation vectors of {@code dim} values, uniform in +-{@link #CAPITALIZATION_RANGE},
   * each drawn from the class's name and the seed (as {@link WordVectors#randomVector} draws a
   * word's); null for {@code dim} 0: no capitalisation features.
   */
  public static double[][] initialCapitals(int dim, long seed) {
    return initialCapitals(TokenFeatures.none(), dim, seed);
  }

  /**
   * E for {@code features}: the capitalisation vectors of {@link #initialCapitals(int, long)}, then
   * one vector per bucket drawn the same way from the bucket's number.
   */
  public static double[][] initialCapitals(TokenFeatures features, int dim, long seed) {
    if (dim < 0) throw new IllegalArgumentException("capitalisation dimension " + dim + " < 0");
    if (dim == 0) return null;
    Capitalization[] classes = Capitalization.values();
    double[][] e = new double[features.rows()][];
    // The same draw as a word's starting vector (CAPITALIZATION_RANGE is RANDOM_RANGE), keyed by
    // the class's name.
    for (Capitalization c : classes) {
      e[c.ordinal()] = WordVectors.randomVector("capitalization:" + c.key(), seed, dim);
    }
    for (int row = classes.length; row < e.length; row++) {
      e[row] = WordVectors.randomVector("token-feature:" + (row - classes.length), seed, dim);
    }
    return e;
  }

  /**
   * The input of a model whose word vectors are keyed by word, as the streaming job holds them: the
   * vocabulary is UUUNKKK, then the words in sorted order, then the padding words, so that the same
   * vectors always give the same file. The vectors are copied; they and E are of {@code hp}'s
   * precision ({@code double[]} or {@code float[]}).
   */
  public static <V> WindowInput fromColumns(
      Hyperparameters hp, TokenNormalizer normalizer, Map<String, V> columns, V[] capitals) {
    @SuppressWarnings("unchecked") // the precision's vectors: a cast fails at the first copy if not
    VectorOps<V> ops = (VectorOps<V>) VectorOps.of(hp.precision());
    Vocabulary vocabulary = vocabularyOf(columns);
    V[] vectors = ops.array(vocabulary.size());
    for (int id = 0; id < vectors.length; id++) {
      vectors[id] = ops.copy(columns.get(vocabulary.word(id)));
    }
    return new WindowInput(hp.precision(), hp, normalizer, vocabulary, vectors, capitals);
  }

  private static Vocabulary vocabularyOf(Map<String, ?> columns) {
    TreeMap<String, ?> sorted = new TreeMap<>(columns);
    Vocabulary vocabulary = Vocabulary.of(sorted.keySet());
    if (vocabulary.size() != sorted.size()) {
      throw new IllegalArgumentException(
          "the columns lack "
              + Vocabulary.UNKNOWN
              + ", "
              + Vocabulary.START
              + " or "
              + Vocabulary.END
              + ": "
              + (vocabulary.size() - sorted.size())
              + " of them missing");
    }
    return vocabulary;
  }

  /** k: values per capitalisation vector, 0 without capitalisation features. */
  public int capitalizationDim() {
    return capitals == null ? 0 : length(capitals[0]);
  }

  /** I: the length of x, C (n + F k). */
  public int inputSize() {
    return DenseWithCapitals.inputSize(hyperparameters, capitalizationDim());
  }

  /** The vocabulary index of each token after normalisation (unknown words map to UUUNKKK). */
  public int[] wordIds(List<String> tokens) {
    int[] ids = new int[tokens.size()];
    for (int t = 0; t < ids.length; t++)
      ids[t] = vocabulary.id(normalizer.normalize(tokens.get(t)));
    return ids;
  }

  /** Window word ids of a sentence, one window per token. */
  public int[][] windows(List<String> tokens) {
    return Windows.of(
        wordIds(tokens), hyperparameters.windowSize(), vocabulary.startId(), vocabulary.endId());
  }

  /**
   * The rows of E each window of a sentence looks up, one window per token: {@code [t][c * F + i]}
   * is lookup i of position c of window t ({@link TokenFeatures#rows(List)}; padding rows outside
   * the sentence). With capitalisation only (F = 1) it is the positions' capitalisation classes.
   * Null without capitalisation features.
   */
  public int[][] capitalWindows(List<String> tokens) {
    return capitals == null ? null : capitalWindows(tokens, hyperparameters);
  }

  /** {@link #capitalWindows(List)} of a model with capitalisation features. */
  static int[][] capitalWindows(List<String> tokens, Hyperparameters hp) {
    TokenFeatures features = hp.features();
    int f = features.lookups();
    int[] rows = features.rows(tokens);
    int[] padding = features.paddingRows();
    // The windows of the token positions, -1 outside the sentence; each position is its F rows.
    int[][] positions =
        Windows.of(IntStream.range(0, tokens.size()).toArray(), hp.windowSize(), -1, -1);
    int[][] windows = new int[positions.length][hp.windowSize() * f];
    for (int t = 0; t < windows.length; t++) {
      for (int c = 0; c < hp.windowSize(); c++) {
        int token = positions[t][c];
        if (token < 0) System.arraycopy(padding, 0, windows[t], c * f, f);
        else System.arraycopy(rows, token * f, windows[t], c * f, f);
      }
    }
    return windows;
  }

  /** How many arrays one window passes to the network: C, or C (1 + F) with E. */
  public int piecesPerWindow() {
    return capitals == null
        ? hyperparameters.windowSize()
        : hyperparameters.windowSize() * (1 + hyperparameters.features().lookups());
  }

  /**
   * The rows of L (and E) that make up x for one window, into {@code pieces} (reused to spare
   * allocation): L_word for each position, or L_word and its E rows for each position.
   *
   * @param rows the window's rows of E ({@link #capitalWindows}); ignored without capitalisation
   *     features
   * @throws IllegalStateException for a float model (its kernel gathers its own, {@link
   *     NerModel#steps()})
   */
  public double[][] gather(int[] window, int[] rows, double[][] pieces) {
    return gather(vectors(), capitals(), window, rows, pieces);
  }

  /**
   * {@link #gather} on tables of either precision: L_word for each position, or L_word, E_r1, ...,
   * E_rF for each position when {@code e} is not null (F = rows per position).
   */
  static <V> V[] gather(V[] l, V[] e, int[] window, int[] rows, V[] pieces) {
    if (e == null) {
      for (int c = 0; c < window.length; c++) pieces[c] = l[window[c]];
      return pieces;
    }
    int f = rows.length / window.length;
    int p = 0;
    for (int c = 0; c < window.length; c++) {
      pieces[p++] = l[window[c]];
      for (int i = 0; i < f; i++) pieces[p++] = e[rows[c * f + i]];
    }
    return pieces;
  }

  public Hyperparameters hyperparameters() {
    return hyperparameters;
  }

  public TokenNormalizer normalizer() {
    return normalizer;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public Precision precision() {
    return hyperparameters.precision();
  }

  /**
   * L of a double model: {@code vectors()[id]} is the vector of word {@code id}. Mutable.
   *
   * @throws IllegalStateException for a float model ({@link #floatVectors()})
   */
  public double[][] vectors() {
    requirePrecision(Precision.DOUBLE);
    return (double[][]) vectors;
  }

  /**
   * E of a double model: {@code capitals()[class.ordinal()]}, or null without capitalisation
   * features. Mutable.
   *
   * @throws IllegalStateException for a float model ({@link #floatCapitals()})
   */
  public double[][] capitals() {
    requirePrecision(Precision.DOUBLE);
    return (double[][]) capitals;
  }

  /**
   * L of a float model. Mutable.
   *
   * @throws IllegalStateException for a double model ({@link #vectors()})
   */
  public float[][] floatVectors() {
    requirePrecision(Precision.FLOAT);
    return (float[][]) vectors;
  }

  /**
   * E of a float model, or null without capitalisation features. Mutable.
   *
   * @throws IllegalStateException for a double model ({@link #capitals()})
   */
  public float[][] floatCapitals() {
    requirePrecision(Precision.FLOAT);
    return (float[][]) capitals;
  }

  /** Whether the input has capitalisation features (E), in either precision. */
  public boolean hasCapitals() {
    return capitals != null;
  }

  /**
   * The same tables (not copies) under other hyper-parameters of the same shape and precision: a
   * model continued with another learning rate, regularisation or seed.
   *
   * @throws IllegalArgumentException when {@code hp} has another C, n, H, precision or token
   *     features
   */
  public WindowInput with(Hyperparameters hp) {
    if (hp.windowSize() != hyperparameters.windowSize()
        || hp.dim() != hyperparameters.dim()
        || hp.hidden() != hyperparameters.hidden()
        || hp.precision() != hyperparameters.precision()
        || !hp.features().equals(hyperparameters.features())) {
      throw new IllegalArgumentException(
          "hyper-parameters " + hp + " change the shape or precision of " + hyperparameters);
    }
    return new WindowInput(
        hyperparameters.precision(), hp, normalizer, vocabulary, vectors, capitals);
  }

  /**
   * This input in {@code precision}: itself when it is its own, else a copy whose tables are
   * rounded to float once (or widened to double, exactly), with the same vocabulary.
   */
  public WindowInput in(Precision precision) {
    if (precision == precision()) return this;
    Hyperparameters hp = hyperparameters.withPrecision(precision);
    if (precision == Precision.FLOAT) {
      double[][] e = capitals();
      return new WindowInput(
          hp, normalizer, vocabulary, toFloat(vectors()), e == null ? null : toFloat(e));
    }
    float[][] e = floatCapitals();
    return new WindowInput(
        hp, normalizer, vocabulary, toDouble(floatVectors()), e == null ? null : toDouble(e));
  }

  private static float[][] toFloat(double[][] table) {
    float[][] f = new float[table.length][];
    for (int i = 0; i < f.length; i++) f[i] = WordVectors.toFloat(table[i]);
    return f;
  }

  private static double[][] toDouble(float[][] table) {
    double[][] d = new double[table.length][];
    for (int i = 0; i < d.length; i++) d[i] = WordVectors.toDouble(table[i]);
    return d;
  }

  private void requirePrecision(Precision wanted) {
    if (precision() != wanted) {
      throw new IllegalStateException(
          "the model is "
              + precision()
              + " precision: its tables are "
              + (wanted == Precision.DOUBLE ? "floatVectors()" : "vectors()"));
    }
  }
}
