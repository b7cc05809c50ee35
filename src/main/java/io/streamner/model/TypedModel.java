package io.streamner.model;

import io.streamner.text.TagSet;
import java.util.List;

/**
 * A trained typed tagger (src/site/markdown/typed-model.md): one window network whose softmax
 * output scores every tag of a {@link TagSet} ({@code O}, {@code B-PER}, {@code I-PER}, {@code
 * B-LOC}, ...), so that one forward and one backward pass per window serve every entity type, with
 * L, W and b1 shared across types. It is what {@code train --types} writes and what {@code eval}
 * and {@code tag} read.
 */
public final class TypedModel implements TaggingModel {
  private final TagSet tagSet;
  private final WindowInput input;
  private final TypedParameters dense;
  private long examplesTrained;
  private int epochsTrained;

  /**
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape or the
   *     tag set
   */
  public TypedModel(
      TagSet tagSet,
      WindowInput input,
      TypedParameters dense,
      long examplesTrained,
      int epochsTrained) {
    if (input.precision() != Precision.DOUBLE) {
      throw new IllegalArgumentException(
          "typed models are double precision; this input is " + input.precision());
    }
    if (dense.hidden != input.hyperparameters().hidden()
        || dense.inputSize != input.inputSize()
        || dense.tags != tagSet.size()) {
      throw new IllegalArgumentException(
          "dense parameters of shape "
              + dense.shape()
              + " do not fit H="
              + input.hyperparameters().hidden()
              + " I="
              + input.inputSize()
              + " K="
              + tagSet.size());
    }
    this.tagSet = tagSet;
    this.input = input;
    this.dense = dense;
    this.examplesTrained = examplesTrained;
    this.epochsTrained = epochsTrained;
  }

  /** A fresh model: W and U random, biases zero, seeded with the hyper-parameters' seed. */
  public static TypedModel initialise(TagSet tagSet, WindowInput input) {
    Hyperparameters hp = input.hyperparameters();
    return new TypedModel(
        tagSet,
        input,
        TypedParameters.initialise(hp.hidden(), input.inputSize(), tagSet.size(), hp.seed()),
        0,
        0);
  }

  /** A workspace for this model's windows. */
  public TypedNetwork.Workspace workspace() {
    return new TypedNetwork.Workspace(
        input.inputSize(), input.hyperparameters().hidden(), tagSet.size());
  }

  /** P(tag) of every tag for every token: {@code result[t][tag id]}. */
  public double[][] probabilities(List<String> tokens) {
    return probabilities(tokens, workspace());
  }

  public double[][] probabilities(List<String> tokens, TypedNetwork.Workspace ws) {
    int[][] windows = input.windows(tokens);
    int[][] classes = input.capitalWindows(tokens);
    double[][] p = new double[windows.length][];
    double[][] pieces = new double[input.piecesPerWindow()][];
    for (int t = 0; t < windows.length; t++) {
      int[] c = classes == null ? null : classes[t];
      p[t] = TypedNetwork.forward(dense, input.gather(windows[t], c, pieces), ws).clone();
    }
    return p;
  }

  public TagSet tagSet() {
    return tagSet;
  }

  @Override
  public List<String> types() {
    return tagSet.types();
  }

  @Override
  public WindowInput input() {
    return input;
  }

  public TypedParameters dense() {
    return dense;
  }

  @Override
  public void recordTraining(long examples, int epochs) {
    this.examplesTrained += examples;
    this.epochsTrained += epochs;
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
