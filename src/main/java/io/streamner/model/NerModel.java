package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.Windows;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A trained binary tagger for one entity type: the settings it was built with, its vocabulary, L
 * (one vector per vocabulary word), the dense parameters and how much it has been trained. It is
 * what the model file holds and what {@code eval}, {@code tag} and the streaming job use.
 *
 * <p>L and the dense parameters are of the model's {@link Hyperparameters#precision()}: {@link
 * ModelParameters.Doubles} (the specification's model, the default) or {@link
 * ModelParameters.Floats}. {@link #steps()} runs the kernel of that precision on them, for scoring
 * and for training.
 */
public final class NerModel {
  private final String entity;
  private final Hyperparameters hyperparameters;
  private final TokenNormalizer normalizer;
  private final Vocabulary vocabulary;
  private final ModelParameters parameters;
  private long examplesTrained;
  private int epochsTrained;

  /** A double model. */
  public NerModel(
      String entity,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors,
      DenseParameters dense,
      long examplesTrained,
      int epochsTrained) {
    this(
        entity,
        hyperparameters,
        normalizer,
        vocabulary,
        new ModelParameters.Doubles(vectors, dense),
        examplesTrained,
        epochsTrained);
  }

  /** A model of the precision of {@code parameters}, which must be the hyper-parameters'. */
  public NerModel(
      String entity,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      ModelParameters parameters,
      long examplesTrained,
      int epochsTrained) {
    if (parameters.precision() != hyperparameters.precision()) {
      throw new IllegalArgumentException(
          parameters.precision()
              + " parameters for a model whose hyper-parameters say "
              + hyperparameters.precision());
    }
    int words = parameters.vectors().length;
    if (words != vocabulary.size()) {
      throw new IllegalArgumentException(
          words + " word vectors for " + vocabulary.size() + " words");
    }
    for (int id = 0; id < words; id++) {
      if (parameters.dim(id) != hyperparameters.dim()) {
        throw new IllegalArgumentException(
            "a word vector has "
                + parameters.dim(id)
                + " values, the model has n="
                + hyperparameters.dim());
      }
    }
    Dense dense = parameters.dense();
    if (dense.hidden() != hyperparameters.hidden()
        || dense.inputSize() != hyperparameters.inputSize()) {
      throw new IllegalArgumentException(
          "dense parameters are "
              + dense.hidden()
              + "x"
              + dense.inputSize()
              + ", the hyper-parameters say "
              + hyperparameters.hidden()
              + "x"
              + hyperparameters.inputSize());
    }
    this.entity = entity;
    this.hyperparameters = hyperparameters;
    this.normalizer = normalizer;
    this.vocabulary = vocabulary;
    this.parameters = parameters;
    this.examplesTrained = examplesTrained;
    this.epochsTrained = epochsTrained;
  }

  /**
   * A fresh model: L from {@link WordVectors#initialise}, W and U random, biases zero, all seeded.
   * A float model starts from the same numbers rounded to float.
   */
  public static NerModel initialise(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors) {
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), hp.inputSize(), hp.seed());
    ModelParameters start = new ModelParameters.Doubles(vectors, dense);
    return new NerModel(entity, hp, normalizer, vocabulary, start.in(hp.precision()), 0, 0);
  }

  /**
   * A model from word vectors keyed by word, as the streaming job holds them: the vocabulary is
   * UUUNKKK, then the words in sorted order, then the padding words, so that the same vectors
   * always give the same file.
   */
  public static NerModel fromColumns(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, double[]> columns,
      DenseParameters dense,
      long examplesTrained) {
    Vocabulary vocabulary = vocabularyOf(columns);
    double[][] vectors =
        inOrder(vocabulary, columns, new double[vocabulary.size()][], double[]::clone);
    return new NerModel(entity, hp, normalizer, vocabulary, vectors, dense, examplesTrained, 0);
  }

  /**
   * {@link #fromColumns(String, Hyperparameters, TokenNormalizer, Map, DenseParameters, long)} of a
   * float model.
   */
  public static NerModel fromColumns(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, float[]> columns,
      FloatParameters dense,
      long examplesTrained) {
    Vocabulary vocabulary = vocabularyOf(columns);
    float[][] vectors =
        inOrder(vocabulary, columns, new float[vocabulary.size()][], float[]::clone);
    return new NerModel(
        entity,
        hp,
        normalizer,
        vocabulary,
        new ModelParameters.Floats(vectors, dense),
        examplesTrained,
        0);
  }

  /** Copies of the columns in vocabulary order, into {@code vectors}. */
  private static <V> V[] inOrder(
      Vocabulary vocabulary, Map<String, V> columns, V[] vectors, UnaryOperator<V> copy) {
    for (int id = 0; id < vectors.length; id++)
      vectors[id] = copy.apply(columns.get(vocabulary.word(id)));
    return vectors;
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

  /**
   * This model in {@code precision}: itself when it is its own, else a copy whose numbers are
   * rounded to float once (or widened to double, exactly), with the same vocabulary and counters.
   */
  public NerModel in(Precision precision) {
    if (precision == hyperparameters.precision()) return this;
    return new NerModel(
        entity,
        hyperparameters.withPrecision(precision),
        normalizer,
        vocabulary,
        parameters.in(precision),
        examplesTrained,
        epochsTrained);
  }

  /**
   * The kernel of the model's precision on its own L and dense parameters, one window of word ids
   * at a time. It holds one window's activations: one per thread.
   */
  public interface Steps {
    /** P(centre word is the entity) for the window; changes nothing. */
    double probability(int[] window);

    /** One SGD step on the window, updating the model; the loss before the step. */
    double sgdStep(int[] window, int label, double learningRate, double decay);

    /** P(entity) for every window of a sentence. */
    default double[] probabilities(int[][] windows) {
      double[] p = new double[windows.length];
      for (int t = 0; t < windows.length; t++) p[t] = probability(windows[t]);
      return p;
    }
  }

  /** The kernel on this model, for one thread (see {@link Steps}). */
  public Steps steps() {
    return parameters.steps(hyperparameters);
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

  /** P(token is the entity) for every token of a sentence. */
  public double[] probabilities(List<String> tokens) {
    return probabilities(tokens, steps());
  }

  /** The same with the kernel {@code steps} of this model ({@link #steps()}), reused. */
  public double[] probabilities(List<String> tokens, Steps steps) {
    return steps.probabilities(windows(tokens));
  }

  /**
   * The columns of L for a window of word ids, into {@code columns} (reused to spare allocation).
   * Double models only.
   */
  public double[][] gather(int[] window, double[][] columns) {
    double[][] vectors = vectors();
    for (int c = 0; c < window.length; c++) columns[c] = vectors[window[c]];
    return columns;
  }

  public void recordTraining(long examples, int epochs) {
    this.examplesTrained += examples;
    this.epochsTrained += epochs;
  }

  public String entity() {
    return entity;
  }

  public Hyperparameters hyperparameters() {
    return hyperparameters;
  }

  public Precision precision() {
    return hyperparameters.precision();
  }

  public TokenNormalizer normalizer() {
    return normalizer;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** L and the dense parameters, in the model's precision. Mutable: training updates them. */
  public ModelParameters parameters() {
    return parameters;
  }

  /**
   * L of a double model: {@code vectors()[id]} is the vector of word {@code id}. Mutable: training
   * updates it in place.
   *
   * @throws IllegalStateException for a float model (see {@link #parameters()})
   */
  public double[][] vectors() {
    return doubles().vectors();
  }

  /**
   * The dense parameters of a double model.
   *
   * @throws IllegalStateException for a float model (see {@link #parameters()})
   */
  public DenseParameters dense() {
    return doubles().dense();
  }

  private ModelParameters.Doubles doubles() {
    if (parameters instanceof ModelParameters.Doubles d) return d;
    throw new IllegalStateException(
        "model " + entity + " is " + precision() + " precision: its numbers are parameters()");
  }

  public long examplesTrained() {
    return examplesTrained;
  }

  public int epochsTrained() {
    return epochsTrained;
  }
}
