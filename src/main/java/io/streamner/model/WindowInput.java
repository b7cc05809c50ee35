package io.streamner.model;

import io.streamner.text.Capitalization;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.Windows;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The input side of a window model, shared by the binary {@link NerModel} and the {@link
 * TypedModel}: how a sentence becomes windows, and the lookup tables whose columns make up x. L
 * holds one n-vector per vocabulary word; with capitalisation features, E holds one k-vector per
 * {@link Capitalization} class, and each window position contributes [L_word ; E_class] to x (eq.
 * 32 of src/site/markdown/typed-model.md), so x has C (n + k) values.
 *
 * <p>The tables are mutable: training updates their rows in place.
 */
public final class WindowInput {
  /** Capitalisation vectors start uniform in +-this, like the words without a pretrained vector. */
  public static final double CAPITALIZATION_RANGE = WordVectors.RANDOM_RANGE;

  /** The default k of typed models (and of binary ones with {@code --caps}). */
  public static final int DEFAULT_CAPITALIZATION_DIM = 5;

  private final Hyperparameters hyperparameters;
  private final TokenNormalizer normalizer;
  private final Vocabulary vocabulary;
  private final double[][] vectors;
  private final double[][] capitals;

  /**
   * @param vectors L: {@code vectors[id]} is the n-vector of word {@code id}
   * @param capitals E: one k-vector per {@link Capitalization} class in ordinal order, or null for
   *     a model without capitalisation features
   * @throws IllegalArgumentException when a table does not have the shape the rest says
   */
  public WindowInput(
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors,
      double[][] capitals) {
    if (vectors.length != vocabulary.size()) {
      throw new IllegalArgumentException(
          vectors.length + " word vectors for " + vocabulary.size() + " words");
    }
    for (double[] v : vectors) {
      if (v.length != hyperparameters.dim()) {
        throw new IllegalArgumentException(
            "a word vector has " + v.length + " values, the model has n=" + hyperparameters.dim());
      }
    }
    if (capitals != null) {
      if (capitals.length != Capitalization.values().length) {
        throw new IllegalArgumentException(
            capitals.length
                + " capitalisation vectors for "
                + Capitalization.values().length
                + " classes");
      }
      if (capitals[0].length < 1) {
        throw new IllegalArgumentException("capitalisation vectors need at least one value");
      }
      for (double[] v : capitals) {
        if (v.length != capitals[0].length) {
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

  /**
   * E for capitalisation vectors of {@code dim} values, uniform in +-{@link #CAPITALIZATION_RANGE},
   * each drawn from the class's name and the seed (as {@link WordVectors#randomVector} draws a
   * word's); null for {@code dim} 0: no capitalisation features.
   */
  public static double[][] initialCapitals(int dim, long seed) {
    if (dim < 0) throw new IllegalArgumentException("capitalisation dimension " + dim + " < 0");
    if (dim == 0) return null;
    Capitalization[] classes = Capitalization.values();
    double[][] e = new double[classes.length][];
    for (Capitalization c : classes) {
      SplittableRandom random =
          new SplittableRandom(
              WordVectors.fnv1a64("capitalization:" + c.key()) ^ (seed * 0x9E3779B97F4A7C15L));
      e[c.ordinal()] = new double[dim];
      for (int d = 0; d < dim; d++) {
        e[c.ordinal()][d] = (2 * random.nextDouble() - 1) * CAPITALIZATION_RANGE;
      }
    }
    return e;
  }

  /**
   * The input of a model whose word vectors are keyed by word, as the streaming job holds them: the
   * vocabulary is UUUNKKK, then the words in sorted order, then the padding words, so that the same
   * vectors always give the same file. The vectors are copied.
   */
  public static WindowInput fromColumns(
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, double[]> columns,
      double[][] capitals) {
    TreeMap<String, double[]> sorted = new TreeMap<>(columns);
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
    double[][] vectors = new double[vocabulary.size()][];
    for (int id = 0; id < vectors.length; id++)
      vectors[id] = sorted.get(vocabulary.word(id)).clone();
    return new WindowInput(hp, normalizer, vocabulary, vectors, capitals);
  }

  /** k: values per capitalisation vector, 0 without capitalisation features. */
  public int capitalizationDim() {
    return capitals == null ? 0 : capitals[0].length;
  }

  /** I: the length of x, C (n + k). */
  public int inputSize() {
    return Math.multiplyExact(
        hyperparameters.windowSize(), hyperparameters.dim() + capitalizationDim());
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
   * Window capitalisation classes of a sentence, one window per token ({@link
   * Capitalization#PADDING} outside the sentence); null without capitalisation features.
   */
  public int[][] capitalWindows(List<String> tokens) {
    return capitals == null ? null : capitalWindows(tokens, hyperparameters.windowSize());
  }

  /** Window capitalisation classes of a sentence, {@link Capitalization#PADDING} outside it. */
  static int[][] capitalWindows(List<String> tokens, int windowSize) {
    int padding = Capitalization.PADDING.ordinal();
    return Windows.of(Capitalization.of(tokens), windowSize, padding, padding);
  }

  /** How many arrays one window passes to the network: C, or 2C with capitalisation features. */
  public int piecesPerWindow() {
    return capitals == null ? hyperparameters.windowSize() : 2 * hyperparameters.windowSize();
  }

  /**
   * The rows of L (and E) that make up x for one window, into {@code pieces} (reused to spare
   * allocation): L_word for each position, or L_word, E_class for each position.
   *
   * @param classes the window's capitalisation classes; ignored without capitalisation features
   */
  public double[][] gather(int[] window, int[] classes, double[][] pieces) {
    if (capitals == null) {
      for (int c = 0; c < window.length; c++) pieces[c] = vectors[window[c]];
    } else {
      for (int c = 0; c < window.length; c++) {
        pieces[2 * c] = vectors[window[c]];
        pieces[2 * c + 1] = capitals[classes[c]];
      }
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

  /** L: {@code vectors()[id]} is the vector of word {@code id}. Mutable. */
  public double[][] vectors() {
    return vectors;
  }

  /** E: {@code capitals()[class.ordinal()]}, or null without capitalisation features. Mutable. */
  public double[][] capitals() {
    return capitals;
  }
}
