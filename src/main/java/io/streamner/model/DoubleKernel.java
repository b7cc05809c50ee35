package io.streamner.model;

/**
 * {@link WindowKernel} in double precision: {@link WindowNetwork} (the specification's model) for
 * one output, {@link TypedNetwork} for one per tag.
 */
public final class DoubleKernel implements WindowKernel<double[], DenseParameters> {
  private final int inputSize;
  private final int hidden;
  private final int outputs;
  private final WindowNetwork.Workspace binary;
  private final TypedNetwork.Workspace typed;
  private final double[] probability = new double[1];

  /**
   * @param inputSize I: C n, or C (n + k) with capitalisation features
   * @param outputs 1 for a binary model, the number of tags for a typed one
   */
  public DoubleKernel(int inputSize, int hidden, int outputs) {
    Dense.checkShape(hidden, inputSize, outputs);
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.outputs = outputs;
    this.binary = outputs == 1 ? new WindowNetwork.Workspace(inputSize, hidden) : null;
    this.typed = outputs == 1 ? null : new TypedNetwork.Workspace(inputSize, hidden, outputs);
  }

  @Override
  public VectorOps<double[]> vectors() {
    return VectorOps.DOUBLE;
  }

  @Override
  public double[] forward(DenseParameters p, double[][] pieces) {
    if (typed != null) return TypedNetwork.forward(p, pieces, typed);
    probability[0] = WindowNetwork.forward(p, pieces, binary);
    return probability;
  }

  @Override
  public double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] pieces,
      int label,
      double learningRate,
      double decay) {
    if (typed != null) {
      return TypedNetwork.sgdStep(from, to, pieces, label, learningRate, decay, typed);
    }
    return WindowNetwork.sgdStep(from, to, pieces, label, learningRate, decay, binary);
  }

  @Override
  public double[] probabilities() {
    if (typed != null) return typed.probabilities();
    probability[0] = binary.probability();
    return probability;
  }

  @Override
  public DenseParameters newDense() {
    return new DenseParameters(hidden, inputSize, outputs);
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
