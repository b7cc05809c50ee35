package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.util.List;
import java.util.Map;

/**
 * A trained binary tagger for one entity type: the settings it was built with, its vocabulary, L
 * (one vector per vocabulary word), optionally E (capitalisation vectors, see {@link WindowInput}),
 * the dense parameters and how much it has been trained. It is what the model file holds and what
 * {@code eval}, {@code tag} and the streaming job use.
 *
 * <p>L, E and the dense parameters are of the model's {@link Hyperparameters#precision()}: double
 * (the specification's model, the default; {@link DenseParameters}) or float ({@link
 * FloatParameters}). {@link #steps()} runs the kernel of that precision on them, for scoring and
 * for training; {@link #parameters()} shows them together.
 */
public final class NerModel implements TaggingModel {
  private final String entity;
  private final WindowInput input;
  private final Dense dense;
  private long examplesTrained;
  private int epochsTrained;

  /** A double model without capitalisation features. */
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
        new WindowInput(hyperparameters, normalizer, vocabulary, vectors, null),
        dense,
        examplesTrained,
        epochsTrained);
  }

  /**
   * @param dense {@link DenseParameters} for a double input, {@link FloatParameters} for a float
   *     one
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape or
   *     precision
   */
  public NerModel(
      String entity, WindowInput input, Dense dense, long examplesTrained, int epochsTrained) {
    Hyperparameters hyperparameters = input.hyperparameters();
    Precision denseIs = dense instanceof FloatParameters ? Precision.FLOAT : Precision.DOUBLE;
    if (denseIs != input.precision()) {
      throw new IllegalArgumentException(
          denseIs + " parameters for a model whose hyper-parameters say " + input.precision());
    }
    if (dense.hidden() != hyperparameters.hidden()
        || dense.inputSize() != input.inputSize()
        || dense.outputs() != 1) {
      throw new IllegalArgumentException(
          "dense parameters of shape "
              + dense.shape()
              + " do not fit H="
              + hyperparameters.hidden()
              + " I="
              + input.inputSize()
              + " K=1");
    }
    this.entity = entity;
    this.input = input;
    this.dense = dense;
    this.examplesTrained = examplesTrained;
    this.epochsTrained = epochsTrained;
  }

  /**
   * A fresh model: L from {@link WordVectors#initialise}, W and U random, biases zero, all seeded.
   * A float model ({@code hp}'s precision) starts from the same numbers rounded to float.
   */
  public static NerModel initialise(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors) {
    WindowInput doubles =
        new WindowInput(hp.withPrecision(Precision.DOUBLE), normalizer, vocabulary, vectors, null);
    return initialise(entity, doubles.in(hp.precision()));
  }

  /**
   * A fresh model on this input (with or without capitalisation features, in its precision): W and
   * U random, biases zero, seeded; in float the same numbers rounded.
   */
  public static NerModel initialise(String entity, WindowInput input) {
    Hyperparameters hp = input.hyperparameters();
    DenseParameters dense =
        DenseParameters.initialise(hp.hidden(), input.inputSize(), 1, hp.seed());
    return new NerModel(
        entity,
        input,
        input.precision() == Precision.FLOAT ? FloatParameters.of(dense) : dense,
        0,
        0);
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
    return new NerModel(
        entity, WindowInput.fromColumns(hp, normalizer, columns, null), dense, examplesTrained, 0);
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
    return new NerModel(
        entity,
        WindowInput.fromColumns(hp, normalizer, columns, (float[][]) null),
        dense,
        examplesTrained,
        0);
  }

  /**
   * This model in {@code precision}: itself when it is its own, else a copy whose numbers are
   * rounded to float once (or widened to double, exactly), with the same vocabulary and counters.
   */
  public NerModel in(Precision precision) {
    if (precision == precision()) return this;
    Dense converted =
        precision == Precision.FLOAT
            ? FloatParameters.of((DenseParameters) dense)
            : ((FloatParameters) dense).toDouble();
    return new NerModel(entity, input.in(precision), converted, examplesTrained, epochsTrained);
  }

  /** The vocabulary index of each token after normalisation (unknown words map to UUUNKKK). */
  public int[] wordIds(List<String> tokens) {
    return input.wordIds(tokens);
  }

  /** Window word ids of a sentence, one window per token. */
  public int[][] windows(List<String> tokens) {
    return input.windows(tokens);
  }

  /** P(token is the entity) for every token of a sentence. */
  public double[] probabilities(List<String> tokens) {
    return probabilities(tokens, steps());
  }

  /** The same with the kernel {@code steps} of this model ({@link #steps()}), reused. */
  public double[] probabilities(List<String> tokens, Steps steps) {
    int[][] windows = windows(tokens);
    int[][] classes = input.capitalWindows(tokens);
    double[] p = new double[windows.length];
    for (int t = 0; t < windows.length; t++)
      p[t] = steps.outputs(windows[t], classes == null ? null : classes[t])[0];
    return p;
  }

  /**
   * The columns of L for a window of word ids, into {@code columns} (reused to spare allocation),
   * for a double model without capitalisation features ({@link WindowInput#gather} serves both).
   */
  public double[][] gather(int[] window, double[][] columns) {
    if (input.hasCapitals()) {
      throw new IllegalStateException("this model also needs the window's capitalisation classes");
    }
    return input.gather(window, null, columns);
  }

  @Override
  public void recordTraining(long examples, int epochs) {
    this.examplesTrained += examples;
    this.epochsTrained += epochs;
  }

  public String entity() {
    return entity;
  }

  /** The one type a binary model tags. */
  @Override
  public List<String> types() {
    return List.of(entity);
  }

  @Override
  public WindowInput input() {
    return input;
  }

  public Hyperparameters hyperparameters() {
    return input.hyperparameters();
  }

  public Precision precision() {
    return input.precision();
  }

  public TokenNormalizer normalizer() {
    return input.normalizer();
  }

  public Vocabulary vocabulary() {
    return input.vocabulary();
  }

  /** L, E and the dense parameters, in the model's precision. Mutable: training updates them. */
  public ModelParameters parameters() {
    return input.precision() == Precision.FLOAT
        ? new ModelParameters.Floats(
            input.floatVectors(), input.floatCapitals(), (FloatParameters) dense)
        : new ModelParameters.Doubles(input.vectors(), input.capitals(), (DenseParameters) dense);
  }

  /**
   * L of a double model: {@code vectors()[id]} is the vector of word {@code id}. Mutable: training
   * updates it in place.
   *
   * @throws IllegalStateException for a float model (see {@link #parameters()})
   */
  public double[][] vectors() {
    return input.vectors();
  }

  @Override
  public Dense weights() {
    return dense;
  }

  /**
   * The dense parameters of a double model.
   *
   * @throws IllegalStateException for a float model (see {@link #parameters()})
   */
  public DenseParameters dense() {
    if (dense instanceof DenseParameters d) return d;
    throw new IllegalStateException(
        "model " + entity + " is " + precision() + " precision: its numbers are parameters()");
  }

  @Override
  public long examplesTrained() {
    return examplesTrained;
  }

  @Override
  public int epochsTrained() {
    return epochsTrained;
  }
}
