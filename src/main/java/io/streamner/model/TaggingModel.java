package io.streamner.model;

import java.util.List;

/**
 * A trained tagger as a model file holds it: a binary {@link NerModel} (one entity type, the
 * specification's sigmoid output) or a {@link TypedModel} (several types, a softmax over their
 * tags). What they share is here: how a window is read ({@link #input()}: vocabulary, L, optionally
 * capitalisation vectors E), the dense parameters in the model's {@link Precision} (one output for
 * a binary model, one per tag for a typed one), the kernel that scores and trains them ({@link
 * #steps()}) and the training counters. The two differ only in what the outputs mean.
 */
public abstract sealed class TaggingModel permits NerModel, TypedModel {
  private final WindowInput input;
  private final Dense dense;
  private long examplesTrained;
  private int epochsTrained;

  /**
   * @param dense {@link DenseParameters} for a double input, {@link FloatParameters} for a float
   *     one, with {@code outputs} outputs
   * @throws IllegalArgumentException when the dense parameters do not fit the input's shape or
   *     precision, or have another number of outputs
   */
  TaggingModel(
      WindowInput input, Dense dense, int outputs, long examplesTrained, int epochsTrained) {
    Precision denseIs = dense instanceof FloatParameters ? Precision.FLOAT : Precision.DOUBLE;
    if (denseIs != input.precision()) {
      throw new IllegalArgumentException(
          denseIs + " parameters for a model whose hyper-parameters say " + input.precision());
    }
    int hidden = input.hyperparameters().hidden();
    if (dense.hidden() != hidden
        || dense.inputSize() != input.inputSize()
        || dense.outputs() != outputs) {
      throw new IllegalArgumentException(
          "dense parameters of shape "
              + dense.shape()
              + " do not fit H="
              + hidden
              + " I="
              + input.inputSize()
              + " K="
              + outputs);
    }
    this.input = input;
    this.dense = dense;
    this.examplesTrained = examplesTrained;
    this.epochsTrained = epochsTrained;
  }

  /**
   * Fresh dense parameters for {@code input} with {@code outputs} outputs: W and U random, biases
   * zero, seeded with the hyper-parameters' seed; in float the same numbers rounded.
   */
  static Dense initialDense(WindowInput input, int outputs) {
    Hyperparameters hp = input.hyperparameters();
    DenseParameters dense =
        DenseParameters.initialise(hp.hidden(), input.inputSize(), outputs, hp.seed());
    return input.precision() == Precision.FLOAT ? FloatParameters.of(dense) : dense;
  }

  /** This model's dense parameters in {@code precision}: rounded to float once, or widened. */
  Dense denseIn(Precision precision) {
    if (precision == precision()) return dense;
    return precision == Precision.FLOAT
        ? FloatParameters.of((DenseParameters) dense)
        : ((FloatParameters) dense).toDouble();
  }

  /**
   * The kernel of the model's precision and output layer on its own L, E and dense parameters, one
   * window at a time, for scoring and for training. It holds one window's activations: one per
   * thread.
   */
  public interface Steps {
    /**
     * The outputs for the window: P(centre word is the entity) alone for a binary model, P(tag) of
     * every tag in tag id order for a typed one. Changes nothing; the array is overwritten by the
     * next call.
     *
     * @param classes the window's capitalisation classes, null without capitalisation features
     */
    double[] outputs(int[] window, int[] classes);

    /**
     * One SGD step on the window with label {@code label} (1 = entity, or a tag id), updating the
     * model; the loss before the step.
     */
    double sgdStep(int[] window, int[] classes, int label, double learningRate, double decay);
  }

  /** The kernel on this model, for one thread (see {@link Steps}). */
  public Steps steps() {
    return KernelSteps.of(input, dense);
  }

  /**
   * The outputs for every token of a sentence ({@code [token][output]}, see {@link Steps#outputs}),
   * with the kernel {@code steps} of this model ({@link #steps()}), reused.
   */
  public double[][] outputs(List<String> tokens, Steps steps) {
    int[][] windows = input.windows(tokens);
    int[][] classes = input.capitalWindows(tokens);
    double[][] p = new double[windows.length][];
    for (int t = 0; t < windows.length; t++) {
      p[t] = steps.outputs(windows[t], classes == null ? null : classes[t]).clone();
    }
    return p;
  }

  /** The first output of every token: P(entity), from a binary model's {@link #outputs}. */
  public static double[] firstOutput(double[][] outputs) {
    double[] p = new double[outputs.length];
    for (int t = 0; t < p.length; t++) p[t] = outputs[t][0];
    return p;
  }

  /** The vocabulary, lookup tables and hyper-parameters: how a sentence becomes windows. */
  public WindowInput input() {
    return input;
  }

  public Hyperparameters hyperparameters() {
    return input.hyperparameters();
  }

  public Precision precision() {
    return input.precision();
  }

  /** The dense parameters in the model's precision. Mutable: training updates them. */
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
        "the model of "
            + String.join(",", types())
            + " is "
            + precision()
            + " precision: its numbers are weights()");
  }

  /** The canonical entity types it tags: one for a binary model. */
  public abstract List<String> types();

  /** Training windows the parameters have seen. */
  public long examplesTrained() {
    return examplesTrained;
  }

  /** Passes over a corpus so far. */
  public int epochsTrained() {
    return epochsTrained;
  }

  /** Counts training that was done on the model's parameters. */
  public void recordTraining(long examples, int epochs) {
    this.examplesTrained += examples;
    this.epochsTrained += epochs;
  }

  /**
   * {@link Steps} of a kernel on a model's L, E (or none) and dense parameters: it gathers a
   * window's pieces (L_word, or L_word and E_class per position, eq. 32 of
   * src/site/markdown/typed-model.md) and hands them to the kernel of the parameters' precision and
   * output layer.
   */
  private static final class KernelSteps<V, P> implements Steps {
    private final WindowKernel<V, P> kernel;
    private final V[] l;
    private final V[] e;
    private final P dense;
    private final V[] pieces;

    /**
     * @param e E, or null without capitalisation features
     */
    private KernelSteps(WindowKernel<V, P> kernel, V[] l, V[] e, P dense, int piecesPerWindow) {
      this.kernel = kernel;
      this.l = l;
      this.e = e;
      this.dense = dense;
      this.pieces = kernel.vectors().array(piecesPerWindow);
    }

    /** The steps of the kernel for {@code dense} on {@code input}'s vectors. */
    static Steps of(WindowInput input, Dense dense) {
      int pieces = input.piecesPerWindow();
      double f = input.hyperparameters().vectorStepFactor();
      if (dense instanceof FloatParameters p) {
        return new KernelSteps<>(
            new FloatKernel(p.inputSize, p.hidden, p.outputs, f),
            input.floatVectors(),
            input.floatCapitals(),
            p,
            pieces);
      }
      DenseParameters p = (DenseParameters) dense;
      return new KernelSteps<>(
          new DoubleKernel(p.inputSize, p.hidden, p.outputs, f),
          input.vectors(),
          input.capitals(),
          p,
          pieces);
    }

    @Override
    public double[] outputs(int[] window, int[] classes) {
      return kernel.forward(dense, WindowInput.gather(l, e, window, classes, pieces));
    }

    @Override
    public double sgdStep(
        int[] window, int[] classes, int label, double learningRate, double decay) {
      return kernel.sgdStep(
          dense,
          dense,
          WindowInput.gather(l, e, window, classes, pieces),
          label,
          learningRate,
          decay);
    }
  }
}
