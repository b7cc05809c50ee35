package io.streamner.model;

/**
 * {@link TaggingModel.Steps} of a kernel on a model's L, E (or none) and dense parameters: it
 * gathers a window's pieces (L_word, or L_word and E_class per position, eq. 32 of
 * src/site/markdown/typed-model.md) and hands them to the kernel of the parameters' precision and
 * output layer.
 */
final class KernelSteps<V, P> implements TaggingModel.Steps {
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
  static TaggingModel.Steps of(WindowInput input, Dense dense) {
    int pieces = input.piecesPerWindow();
    if (dense instanceof FloatParameters p) {
      return new KernelSteps<>(
          new FloatKernel(p.inputSize, p.hidden, p.outputs),
          input.floatVectors(),
          input.floatCapitals(),
          p,
          pieces);
    }
    DenseParameters p = (DenseParameters) dense;
    return new KernelSteps<>(
        new DoubleKernel(p.inputSize, p.hidden, p.outputs),
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
  public double sgdStep(int[] window, int[] classes, int label, double learningRate, double decay) {
    return kernel.sgdStep(
        dense,
        dense,
        WindowInput.gather(l, e, window, classes, pieces),
        label,
        learningRate,
        decay);
  }
}
