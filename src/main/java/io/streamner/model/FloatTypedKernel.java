package io.streamner.model;

/**
 * {@link TypedKernel} in single precision: {@link FloatTypedNetwork#fastest()}, the SIMD kernel
 * when the JVM has the Vector API and its scalar path (same bits) otherwise. The probabilities are
 * the float a2 widened to double (exactly).
 */
public final class FloatTypedKernel implements TypedKernel<float[], FloatParameters> {
  private final FloatTypedNetwork network = FloatTypedNetwork.fastest();
  private final FloatTypedNetwork.Workspace ws;
  private final double[] widened;

  /**
   * @param inputSize I: C (n + k)
   */
  public FloatTypedKernel(int inputSize, int hidden, int tags) {
    this.ws = new FloatTypedNetwork.Workspace(inputSize, hidden, tags);
    this.widened = new double[tags];
  }

  @Override
  public VectorOps<float[]> vectors() {
    return VectorOps.FLOAT;
  }

  @Override
  public double[] forward(FloatParameters p, float[][] pieces) {
    network.forward(p, pieces, ws);
    return probabilities();
  }

  @Override
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] pieces,
      int tag,
      double learningRate,
      double decay) {
    return network.sgdStep(from, to, pieces, tag, learningRate, decay, ws);
  }

  @Override
  public double[] probabilities() {
    float[] a2 = ws.probabilities();
    for (int t = 0; t < a2.length; t++) widened[t] = a2[t];
    return widened;
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
