package io.streamner.model;

import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import java.util.List;
import java.util.Map;

/**
 * A trained typed tagger (src/site/markdown/typed-model.md): one window network whose softmax
 * output scores every tag of a {@link TagSet} ({@code O}, {@code B-PER}, {@code I-PER}, {@code
 * B-LOC}, ...), so that one forward and one backward pass per window serve every entity type, with
 * L, W and b1 shared across types. It is what {@code train --types} writes and what {@code eval}
 * and {@code tag} read.
 *
 * <p>L, E and the dense parameters are of the model's {@link Hyperparameters#precision()}: double
 * (the default; {@link DenseParameters}, trained by {@link DoubleKernel}) or float ({@link
 * FloatParameters}, trained by {@link FloatKernel}). {@link #steps()} runs the kernel of that
 * precision on them, for scoring and for training.
 */
public final class TypedModel implements TaggingModel {
  private final TagSet tagSet;
  private final WindowInput input;
  private final Dense dense;
  private long examplesTrained;
  private int epochsTrained;

  /**
   * @param dense {@link DenseParameters} for a double input, {@link FloatParameters} for a float
   *     one
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape,
   *     precision or the tag set
   */
  public TypedModel(
      TagSet tagSet, WindowInput input, Dense dense, long examplesTrained, int epochsTrained) {
    Precision denseIs = dense instanceof FloatParameters ? Precision.FLOAT : Precision.DOUBLE;
    if (denseIs != input.precision()) {
      throw new IllegalArgumentException(
          denseIs + " parameters for a model whose hyper-parameters say " + input.precision());
    }
    if (dense.hidden() != input.hyperparameters().hidden()
        || dense.inputSize() != input.inputSize()
        || dense.outputs() != tagSet.size()) {
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

  /**
   * The model whose word vectors are keyed by word, as the streaming job and its snapshots hold
   * them (see {@link WindowInput#fromColumns}): assembled in double, exactly for a float model,
   * then in the hyper-parameters' precision again.
   *
   * @param dense the dense parameters and E, in double; the model takes them
   */
  public static TypedModel fromColumns(
      TagSet tagSet,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, double[]> columns,
      DenseWithCapitals dense,
      long examplesTrained) {
    return new TypedModel(
            tagSet,
            WindowInput.fromColumns(
                hp.withPrecision(Precision.DOUBLE), normalizer, columns, dense.capitals()),
            dense.parameters(),
            examplesTrained,
            0)
        .in(hp.precision());
  }

  /**
   * A fresh model: W and U random, biases zero, seeded with the hyper-parameters' seed; in float
   * the same numbers rounded.
   */
  public static TypedModel initialise(TagSet tagSet, WindowInput input) {
    Hyperparameters hp = input.hyperparameters();
    DenseParameters dense =
        DenseParameters.initialise(hp.hidden(), input.inputSize(), tagSet.size(), hp.seed());
    return new TypedModel(
        tagSet,
        input,
        input.precision() == Precision.FLOAT ? FloatParameters.of(dense) : dense,
        0,
        0);
  }

  /**
   * This model in {@code precision}: itself when it is its own, else a copy whose numbers are
   * rounded to float once (or widened to double, exactly), with the same tag set, vocabulary and
   * counters.
   */
  public TypedModel in(Precision precision) {
    if (precision == precision()) return this;
    Dense converted =
        precision == Precision.FLOAT
            ? FloatParameters.of((DenseParameters) dense)
            : ((FloatParameters) dense).toDouble();
    return new TypedModel(tagSet, input.in(precision), converted, examplesTrained, epochsTrained);
  }

  /** P(tag) of every tag for every token: {@code result[t][tag id]}. */
  public double[][] probabilities(List<String> tokens) {
    return probabilities(tokens, steps());
  }

  /** The same with the kernel {@code steps} of this model ({@link #steps()}), reused. */
  public double[][] probabilities(List<String> tokens, Steps steps) {
    int[][] windows = input.windows(tokens);
    int[][] classes = input.capitalWindows(tokens);
    double[][] p = new double[windows.length][];
    for (int t = 0; t < windows.length; t++) {
      p[t] = steps.outputs(windows[t], classes == null ? null : classes[t]).clone();
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

  public Precision precision() {
    return input.precision();
  }

  @Override
  public Dense weights() {
    return dense;
  }

  /**
   * The dense parameters of a double model.
   *
   * @throws IllegalStateException for a float model (see {@link #weights()})
   */
  public DenseParameters dense() {
    if (dense instanceof DenseParameters d) return d;
    throw new IllegalStateException(
        "the typed model of "
            + String.join(",", types())
            + " is "
            + precision()
            + " precision: its numbers are weights()");
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
