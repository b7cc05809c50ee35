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
 */
public final class NerModel implements TaggingModel {
  private final String entity;
  private final WindowInput input;
  private final DenseParameters dense;
  private long examplesTrained;
  private int epochsTrained;

  /** A model without capitalisation features. */
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
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape
   */
  public NerModel(
      String entity,
      WindowInput input,
      DenseParameters dense,
      long examplesTrained,
      int epochsTrained) {
    Hyperparameters hyperparameters = input.hyperparameters();
    if (dense.hidden != hyperparameters.hidden() || dense.inputSize != input.inputSize()) {
      throw new IllegalArgumentException(
          "dense parameters are "
              + dense.hidden
              + "x"
              + dense.inputSize
              + ", the hyper-parameters say "
              + hyperparameters.hidden()
              + "x"
              + input.inputSize());
    }
    this.entity = entity;
    this.input = input;
    this.dense = dense;
    this.examplesTrained = examplesTrained;
    this.epochsTrained = epochsTrained;
  }

  /**
   * A fresh model: L from {@link WordVectors#initialise}, W and U random, biases zero, all seeded.
   */
  public static NerModel initialise(
      String entity,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors) {
    return initialise(entity, new WindowInput(hp, normalizer, vocabulary, vectors, null));
  }

  /** A fresh model on this input (with or without capitalisation features). */
  public static NerModel initialise(String entity, WindowInput input) {
    Hyperparameters hp = input.hyperparameters();
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), input.inputSize(), hp.seed());
    return new NerModel(entity, input, dense, 0, 0);
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

  /** The vocabulary index of each token after normalisation (unknown words map to UUUNKKK). */
  public int[] wordIds(List<String> tokens) {
    return input.wordIds(tokens);
  }

  /** Window word ids of a sentence, one window per token. */
  public int[][] windows(List<String> tokens) {
    return input.windows(tokens);
  }

  /** A workspace for this model's windows (with capitalisation features, C (n + k) inputs). */
  public WindowNetwork.Workspace workspace() {
    Hyperparameters hp = input.hyperparameters();
    return new WindowNetwork.Workspace(
        hp.windowSize(), hp.dim() + input.capitalizationDim(), hp.hidden());
  }

  /** P(token is the entity) for every token of a sentence. */
  public double[] probabilities(List<String> tokens) {
    return probabilities(tokens, workspace());
  }

  public double[] probabilities(List<String> tokens, WindowNetwork.Workspace ws) {
    int[][] windows = windows(tokens);
    int[][] classes = input.capitalWindows(tokens);
    double[] p = new double[windows.length];
    double[][] pieces = new double[input.piecesPerWindow()][];
    for (int t = 0; t < windows.length; t++) {
      p[t] =
          WindowNetwork.forward(
              dense, input.gather(windows[t], classes == null ? null : classes[t], pieces), ws);
    }
    return p;
  }

  /**
   * The columns of L for a window of word ids, into {@code columns} (reused to spare allocation),
   * for a model without capitalisation features ({@link WindowInput#gather} serves both).
   */
  public double[][] gather(int[] window, double[][] columns) {
    if (input.capitals() != null) {
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

  public TokenNormalizer normalizer() {
    return input.normalizer();
  }

  public Vocabulary vocabulary() {
    return input.vocabulary();
  }

  /**
   * L: {@code vectors()[id]} is the vector of word {@code id}. Mutable: training updates it in
   * place.
   */
  public double[][] vectors() {
    return input.vectors();
  }

  public DenseParameters dense() {
    return dense;
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
