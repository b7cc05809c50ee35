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
 * for training; {@link #weights()} and {@link #input()} hold them.
 */
public final class NerModel extends TaggingModel {
  private final String entity;

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
    super(input, dense, 1, examplesTrained, epochsTrained);
    this.entity = entity;
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
    return new NerModel(entity, input, initialDense(input, 1), 0, 0);
  }

  /**
   * A model from word vectors keyed by word, as the streaming job holds them (see {@link
   * WindowInput#fromColumns}); the vectors and {@code dense} are of {@code hp}'s precision.
   */
  public static <V> NerModel fromColumns(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, V> columns,
      Dense dense,
      long examplesTrained) {
    return new NerModel(
        entity, WindowInput.fromColumns(hp, normalizer, columns, null), dense, examplesTrained, 0);
  }

  /**
   * This model in {@code precision}: itself when it is its own, else a copy whose numbers are
   * rounded to float once (or widened to double, exactly), with the same vocabulary and counters.
   */
  public NerModel in(Precision precision) {
    if (precision == precision()) return this;
    return new NerModel(
        entity, input().in(precision), denseIn(precision), examplesTrained(), epochsTrained());
  }

  /** The vocabulary index of each token after normalisation (unknown words map to UUUNKKK). */
  public int[] wordIds(List<String> tokens) {
    return input().wordIds(tokens);
  }

  /** Window word ids of a sentence, one window per token. */
  public int[][] windows(List<String> tokens) {
    return input().windows(tokens);
  }

  /** P(token is the entity) for every token of a sentence. */
  public double[] probabilities(List<String> tokens) {
    return probabilities(tokens, steps());
  }

  /** The same with the kernel {@code steps} of this model ({@link #steps()}), reused. */
  public double[] probabilities(List<String> tokens, Steps steps) {
    return firstOutput(outputs(tokens, steps));
  }

  /**
   * The columns of L for a window of word ids, into {@code columns} (reused to spare allocation),
   * for a double model without capitalisation features ({@link WindowInput#gather} serves both).
   */
  public double[][] gather(int[] window, double[][] columns) {
    if (input().hasCapitals()) {
      throw new IllegalStateException("this model also needs the window's capitalisation classes");
    }
    return input().gather(window, null, columns);
  }

  public String entity() {
    return entity;
  }

  /** The one type a binary model tags. */
  @Override
  public List<String> types() {
    return List.of(entity);
  }

  public TokenNormalizer normalizer() {
    return input().normalizer();
  }

  public Vocabulary vocabulary() {
    return input().vocabulary();
  }

  /**
   * L of a double model: {@code vectors()[id]} is the vector of word {@code id}. Mutable: training
   * updates it in place.
   *
   * @throws IllegalStateException for a float model (see {@link WindowInput#floatVectors()})
   */
  public double[][] vectors() {
    return input().vectors();
  }
}
