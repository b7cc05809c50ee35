package io.streamner.model;

import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.Windows;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained binary tagger for one entity type: the settings it was built with, its vocabulary, L
 * (one vector per vocabulary word), the dense parameters and how much it has been trained. It is
 * what the model file holds and what {@code eval}, {@code tag} and the streaming job use.
 */
public final class NerModel {
  private final String entity;
  private final Hyperparameters hyperparameters;
  private final TokenNormalizer normalizer;
  private final Vocabulary vocabulary;
  private final double[][] vectors;
  private final DenseParameters dense;
  private long examplesTrained;
  private int epochsTrained;

  public NerModel(
      String entity,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Vocabulary vocabulary,
      double[][] vectors,
      DenseParameters dense,
      long examplesTrained,
      int epochsTrained) {
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
    if (dense.hidden != hyperparameters.hidden()
        || dense.inputSize != hyperparameters.inputSize()) {
      throw new IllegalArgumentException(
          "dense parameters are "
              + dense.hidden
              + "x"
              + dense.inputSize
              + ", the hyper-parameters say "
              + hyperparameters.hidden()
              + "x"
              + hyperparameters.inputSize());
    }
    this.entity = entity;
    this.hyperparameters = hyperparameters;
    this.normalizer = normalizer;
    this.vocabulary = vocabulary;
    this.vectors = vectors;
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
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), hp.inputSize(), hp.seed());
    return new NerModel(entity, hp, normalizer, vocabulary, vectors, dense, 0, 0);
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
    return new NerModel(entity, hp, normalizer, vocabulary, vectors, dense, examplesTrained, 0);
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
    return probabilities(tokens, new WindowNetwork.Workspace(hyperparameters));
  }

  public double[] probabilities(List<String> tokens, WindowNetwork.Workspace ws) {
    int[][] windows = windows(tokens);
    double[] p = new double[windows.length];
    double[][] columns = new double[hyperparameters.windowSize()][];
    for (int t = 0; t < windows.length; t++)
      p[t] = WindowNetwork.forward(dense, gather(windows[t], columns), ws);
    return p;
  }

  /**
   * The columns of L for a window of word ids, into {@code columns} (reused to spare allocation).
   */
  public double[][] gather(int[] window, double[][] columns) {
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

  public TokenNormalizer normalizer() {
    return normalizer;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * L: {@code vectors()[id]} is the vector of word {@code id}. Mutable: training updates it in
   * place.
   */
  public double[][] vectors() {
    return vectors;
  }

  public DenseParameters dense() {
    return dense;
  }

  public long examplesTrained() {
    return examplesTrained;
  }

  public int epochsTrained() {
    return epochsTrained;
  }
}
