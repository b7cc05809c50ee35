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
public final class TypedModel extends TaggingModel {
  private final TagSet tagSet;

  /**
   * @param dense {@link DenseParameters} for a double input, {@link FloatParameters} for a float
   *     one
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape,
   *     precision or the tag set
   */
  public TypedModel(
      TagSet tagSet, WindowInput input, Dense dense, long examplesTrained, int epochsTrained) {
    super(input, dense, tagSet.size(), examplesTrained, epochsTrained);
    this.tagSet = tagSet;
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
    return new TypedModel(tagSet, input, initialDense(input, tagSet.size()), 0, 0);
  }

  /**
   * This model in {@code precision}: itself when it is its own, else a copy whose numbers are
   * rounded to float once (or widened to double, exactly), with the same tag set, vocabulary and
   * counters.
   */
  public TypedModel in(Precision precision) {
    if (precision == precision()) return this;
    return new TypedModel(
        tagSet, input().in(precision), denseIn(precision), examplesTrained(), epochsTrained());
  }

  /** P(tag) of every tag for every token: {@code result[t][tag id]}. */
  public double[][] probabilities(List<String> tokens) {
    return probabilities(tokens, steps());
  }

  /** The same with the kernel {@code steps} of this model ({@link #steps()}), reused. */
  public double[][] probabilities(List<String> tokens, Steps steps) {
    return outputs(tokens, steps);
  }

  /**
   * Adds {@code by} to the output bias b2 of tag {@code tag}: in the softmax (eq. 35) this weighs
   * the tag's probability by e^by before the normalisation, which is how {@code train --dev}
   * calibrates the weight of {@code O} (eq. 53 of src/site/markdown/typed-model.md).
   */
  public void shiftBias(int tag, double by) {
    if (weights() instanceof FloatParameters f) f.b2[tag] = (float) (f.b2[tag] + by);
    else dense().b2[tag] += by;
  }

  public TagSet tagSet() {
    return tagSet;
  }

  @Override
  public List<String> types() {
    return tagSet.types();
  }
}
