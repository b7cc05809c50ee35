package io.streamner.model;

/** {@link WindowKernel} in double precision: {@link WindowNetwork}, the specification's model. */
public final class DoubleKernel implements WindowKernel<double[], DenseParameters> {
  private final Hyperparameters hp;
  private final WindowNetwork.Workspace ws;

  public DoubleKernel(Hyperparameters hp) {
    this(hp, 0);
  }

  /**
   * For windows with capitalisation vectors of {@code capitalizationDim} values (k) beside each
   * word vector; 0 for none.
   */
  public DoubleKernel(Hyperparameters hp, int capitalizationDim) {
    this.hp = hp;
    this.ws =
        new WindowNetwork.Workspace(hp.windowSize(), hp.dim() + capitalizationDim, hp.hidden());
  }

  @Override
  public Precision precision() {
    return Precision.DOUBLE;
  }

  @Override
  public double forward(DenseParameters p, double[][] columns) {
    return WindowNetwork.forward(p, columns, ws);
  }

  @Override
  public double sgdStep(
      DenseParameters from,
      DenseParameters to,
      double[][] columns,
      int y,
      double learningRate,
      double decay) {
    return WindowNetwork.sgdStep(from, to, columns, y, learningRate, decay, ws);
  }

  @Override
  public double probability() {
    return ws.probability();
  }

  @Override
  public double[][] window() {
    return new double[hp.windowSize()][];
  }

  @Override
  public VectorOps<double[]> vectors() {
    return VectorOps.DOUBLE;
  }

  @Override
  public DenseParameters newDense(Hyperparameters shape) {
    return new DenseParameters(shape.hidden(), shape.inputSize(), 1);
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
