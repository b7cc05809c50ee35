package io.streamner.model;

/**
 * {@link WindowKernel} in single precision: {@link FloatNetwork#fastest()}, the SIMD kernel when
 * the JVM has the Vector API and its scalar path (same bits) otherwise.
 */
public final class FloatKernel implements WindowKernel<float[], FloatParameters> {
  private final Hyperparameters hp;
  private final FloatNetwork network;
  private final FloatNetwork.Workspace ws;

  public FloatKernel(Hyperparameters hp) {
    this(hp, FloatNetwork.fastest());
  }

  public FloatKernel(Hyperparameters hp, FloatNetwork network) {
    this(hp, 0, network);
  }

  /**
   * For windows with capitalisation vectors of {@code capitalizationDim} values (k) beside each
   * word vector; 0 for none.
   */
  public FloatKernel(Hyperparameters hp, int capitalizationDim) {
    this(hp, capitalizationDim, FloatNetwork.fastest());
  }

  private FloatKernel(Hyperparameters hp, int capitalizationDim, FloatNetwork network) {
    this.hp = hp;
    this.network = network;
    this.ws =
        new FloatNetwork.Workspace(hp.windowSize(), hp.dim() + capitalizationDim, hp.hidden());
  }

  @Override
  public Precision precision() {
    return Precision.FLOAT;
  }

  @Override
  public double forward(FloatParameters p, float[][] columns) {
    return network.forward(p, columns, ws);
  }

  @Override
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] columns,
      int y,
      double learningRate,
      double decay) {
    return network.sgdStep(from, to, columns, y, learningRate, decay, ws);
  }

  @Override
  public double probability() {
    return ws.probability();
  }

  @Override
  public float[][] window() {
    return new float[hp.windowSize()][];
  }

  @Override
  public VectorOps<float[]> vectors() {
    return VectorOps.FLOAT;
  }

  @Override
  public FloatParameters newDense(Hyperparameters shape) {
    return new FloatParameters(shape.hidden(), shape.inputSize(), 1);
  }

  @Override
  public FloatParameters dense(DenseParameters dense) {
    return FloatParameters.of(dense);
  }

  @Override
  public boolean isFiniteDense(FloatParameters dense) {
    return network.isFinite(dense);
  }
}
