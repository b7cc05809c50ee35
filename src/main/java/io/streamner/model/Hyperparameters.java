package io.streamner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.streamner.text.TokenFeatures;

/**
 * The shape and training settings of one window model.
 *
 * <p>The specification uses the letter C for two things: the window size and the regularisation
 * constant. Here they are {@code windowSize} and {@code regularization}.
 *
 * @param windowSize C in the spec: words per window, odd, the centre word is the one tagged
 * @param dim n: length of one word vector (one column of L)
 * @param hidden H: hidden units
 * @param learningRate SGD step size alpha
 * @param regularization C in eq. (1): the L2 weight on W and U, divided by m in every step
 * @param seed seed of every random choice (initialisation, shuffling)
 * @param precision of the parameters and word vectors, so of the kernel; null means {@link
 *     Precision#DOUBLE}, the specification's model (what files and snapshots written before there
 *     was a choice hold)
 * @param learningRateDecay d of the step size schedule alpha_t = alpha / (1 + d t), t the windows
 *     the model has trained on before the step; null (also for 0) is the specification's constant
 *     alpha, and what files and snapshots written before there was a schedule hold
 * @param vectorLearningRateFactor f: the lookup tables (the word vectors L and the capitalisation
 *     vectors E) step at f alpha_t, the rest of the network at alpha_t (eq. 54,
 *     src/site/markdown/typed-model.md); null (also for 1) is the specification's one step size,
 *     and what files and snapshots written before there was a factor hold
 * @param tokenFeatures the hashed token features beside the capitalisation class (word shape,
 *     prefixes, suffixes) whose vectors E holds after the capitalisation vectors (eq. 55 of
 *     src/site/markdown/typed-model.md); null (also for none) is capitalisation only, and what
 *     files and snapshots written before there were token features hold
 */
public record Hyperparameters(
    int windowSize,
    int dim,
    int hidden,
    double learningRate,
    double regularization,
    long seed,
    @JsonSetter(nulls = Nulls.SET)
        @JsonInclude(
            value = JsonInclude.Include.CUSTOM,
            valueFilter = Precision.DoubleIsLeftOut.class)
        Precision precision,
    Double learningRateDecay,
    Double vectorLearningRateFactor,
    @JsonSetter(nulls = Nulls.SET) TokenFeatures tokenFeatures)
    implements java.io.Serializable {

  public static final int DEFAULT_WINDOW = 5;
  public static final int DEFAULT_DIM = 50;
  public static final int DEFAULT_HIDDEN = 100;
  public static final double DEFAULT_LEARNING_RATE = 0.01;
  public static final double DEFAULT_REGULARIZATION = 0.0001;
  public static final long DEFAULT_SEED = 42;

  /**
   * d of a typed model's step size schedule alpha / (1 + d t) unless set; chosen on btc.dev and
   * WNUT-17 dev (src/site/markdown/accuracy.md). A binary model's step stays constant.
   */
  public static final double DEFAULT_TYPED_LEARNING_RATE_DECAY = 2e-5;

  /**
   * f of a typed model's lookup tables unless set (their step f alpha_t); chosen on btc.dev and
   * WNUT-17 dev (src/site/markdown/accuracy.md). A binary model's tables step at alpha_t.
   */
  public static final double DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR = 4;

  public Hyperparameters {
    if (precision == null) precision = Precision.DOUBLE;
    if (learningRateDecay != null
        && (!(learningRateDecay >= 0) || Double.isInfinite(learningRateDecay))) {
      throw new IllegalArgumentException(
          "learning rate decay must be zero or positive, got " + learningRateDecay);
    }
    if (learningRateDecay != null && learningRateDecay == 0) learningRateDecay = null;
    if (vectorLearningRateFactor != null
        && (!(vectorLearningRateFactor > 0) || Double.isInfinite(vectorLearningRateFactor))) {
      throw new IllegalArgumentException(
          "vector learning rate factor must be a positive number, got " + vectorLearningRateFactor);
    }
    if (vectorLearningRateFactor != null && vectorLearningRateFactor == 1) {
      vectorLearningRateFactor = null;
    }
    if (tokenFeatures != null && tokenFeatures.kinds().isEmpty()) tokenFeatures = null;
    if (windowSize < 1 || windowSize % 2 == 0) {
      throw new IllegalArgumentException(
          "window size must be a positive odd number, got " + windowSize);
    }
    if (dim < 1)
      throw new IllegalArgumentException("word vector dimension must be positive, got " + dim);
    if (hidden < 1)
      throw new IllegalArgumentException("hidden size must be positive, got " + hidden);
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be a positive number, got " + learningRate);
    }
    if (!(regularization >= 0) || Double.isInfinite(regularization)) {
      throw new IllegalArgumentException(
          "regularization must be zero or positive, got " + regularization);
    }
  }

  /** Double precision: the specification's model. */
  public Hyperparameters(
      int windowSize, int dim, int hidden, double learningRate, double regularization, long seed) {
    this(
        windowSize,
        dim,
        hidden,
        learningRate,
        regularization,
        seed,
        Precision.DOUBLE,
        null,
        null,
        null);
  }

  /** The reference setup of the specification: n=50, C=5, H=100. */
  public static Hyperparameters defaults() {
    return new Hyperparameters(
        DEFAULT_WINDOW,
        DEFAULT_DIM,
        DEFAULT_HIDDEN,
        DEFAULT_LEARNING_RATE,
        DEFAULT_REGULARIZATION,
        DEFAULT_SEED);
  }

  /**
   * alpha_t = alpha / (1 + d t): the step size of the SGD step after {@code examples} trained
   * windows. Without a decay it is alpha itself, bit for bit.
   */
  public double learningRateAt(long examples) {
    return learningRateDecay == null
        ? learningRate
        : learningRate / (1 + learningRateDecay * examples);
  }

  /** f: the lookup tables' step over the network's, 1 unless set. */
  public double vectorStepFactor() {
    return vectorLearningRateFactor == null ? 1 : vectorLearningRateFactor;
  }

  /** nC: the length of the input vector x of a model without capitalisation features. */
  public int inputSize() {
    return windowSize * dim;
  }

  /** The token features, {@link TokenFeatures#none()} unless set. */
  public TokenFeatures features() {
    return tokenFeatures == null ? TokenFeatures.none() : tokenFeatures;
  }

  /** The same with the step size schedule alpha / (1 + d t); 0 or null for a constant step. */
  public Hyperparameters withLearningRateDecay(Double decay) {
    return with(precision, decay, vectorLearningRateFactor, tokenFeatures);
  }

  /** The same with the lookup tables stepping at f alpha_t; 1 or null for alpha_t. */
  public Hyperparameters withVectorLearningRateFactor(Double factor) {
    return with(precision, learningRateDecay, factor, tokenFeatures);
  }

  /** The same with these token features; null or none for capitalisation only. */
  public Hyperparameters withTokenFeatures(TokenFeatures features) {
    return with(precision, learningRateDecay, vectorLearningRateFactor, features);
  }

  public Hyperparameters withPrecision(Precision newPrecision) {
    return with(newPrecision, learningRateDecay, vectorLearningRateFactor, tokenFeatures);
  }

  private Hyperparameters with(
      Precision newPrecision, Double decay, Double factor, TokenFeatures features) {
    return new Hyperparameters(
        windowSize,
        dim,
        hidden,
        learningRate,
        regularization,
        seed,
        newPrecision,
        decay,
        factor,
        features);
  }
}
