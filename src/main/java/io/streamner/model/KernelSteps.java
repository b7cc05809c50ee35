package io.streamner.model;

/** {@link NerModel.Steps} of a kernel on an L and dense parameters of its precision. */
final class KernelSteps<V, P> implements NerModel.Steps {
  private final WindowKernel<V, P> kernel;
  private final V[] l;
  private final P dense;
  private final V[] columns;

  KernelSteps(WindowKernel<V, P> kernel, V[] l, P dense) {
    this.kernel = kernel;
    this.l = l;
    this.dense = dense;
    this.columns = kernel.window();
  }

  @Override
  public double probability(int[] window) {
    return kernel.forward(dense, gather(window));
  }

  @Override
  public double sgdStep(int[] window, int label, double learningRate, double decay) {
    return kernel.sgdStep(dense, dense, gather(window), label, learningRate, decay);
  }

  private V[] gather(int[] window) {
    for (int c = 0; c < window.length; c++) columns[c] = l[window[c]];
    return columns;
  }
}
