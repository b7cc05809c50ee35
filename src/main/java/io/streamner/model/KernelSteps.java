package io.streamner.model;

/**
 * {@link NerModel.Steps} of a kernel on an L, an E (or none) and dense parameters of its precision:
 * it gathers a window's pieces (L_word, or L_word and E_class per position, eq. 32 of
 * src/site/markdown/typed-model.md) and hands them to the kernel.
 */
final class KernelSteps<V, P> implements NerModel.Steps {
  private final WindowKernel<V, P> kernel;
  private final V[] l;
  private final V[] e;
  private final P dense;
  private final V[] pieces;

  /**
   * @param e E, or null without capitalisation features
   */
  KernelSteps(WindowKernel<V, P> kernel, int windowSize, V[] l, V[] e, P dense) {
    this.kernel = kernel;
    this.l = l;
    this.e = e;
    this.dense = dense;
    this.pieces = kernel.vectors().array(e == null ? windowSize : 2 * windowSize);
  }

  @Override
  public double probability(int[] window, int[] classes) {
    return kernel.forward(dense, gather(window, classes))[0];
  }

  @Override
  public double sgdStep(int[] window, int[] classes, int label, double learningRate, double decay) {
    return kernel.sgdStep(dense, dense, gather(window, classes), label, learningRate, decay);
  }

  private V[] gather(int[] window, int[] classes) {
    return WindowInput.gather(l, e, window, classes, pieces);
  }
}
