package io.streamner.model;

/** {@link TypedKernel} in double precision: {@link TypedNetwork}. */
public final class DoubleTypedKernel implements TypedKernel<double[], DenseParameters> {
  private final TypedNetwork.Workspace ws;

  /**
   * @param inputSize I: C (n + k)
   */
  public DoubleTypedKernel(int inputSize, int hidden, int tags) {
    this.ws = new TypedNetwork.Workspace(inputSize, hidden, tags);
  }

  @Override
  public VectorOps<double[]> vectors() {
    return VectorOps.DOUBLE;
  }

  @Override
  public double[] forward(DenseParameters p, double[][] pieces) {
    return TypedNetwork.forward(p, pieces, ws);
  }

  @Override
  public double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] pieces,
      int tag,
      double learningRate,
      double decay) {
    return TypedNetwork.sgdStep(from, to, pieces, tag, learningRate, decay, ws);
  }

  @Override
  public double[] probabilities() {
    return ws.probabilities();
  }

  @Override
  public DenseParameters dense(DenseParameters dense) {
    return dense.copy();
  }

  @Override
  public boolean isFiniteDense(DenseParameters dense) {
    return dense.isFinite();
  }
}
