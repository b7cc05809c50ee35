package io.streamner.model;

/**
 * {@link WindowKernel} in single precision: {@link FloatNetwork} for one output, {@link
 * FloatTypedNetwork} for one per tag; the SIMD loops when the JVM has the Vector API and their
 * scalar path (same bits) otherwise. The output is the float one widened to double (exactly).
 */
public final class FloatKernel implements WindowKernel<float[], FloatParameters> {
  private final int inputSize;
  private final int hidden;
  private final int outputs;
  private final FloatNetwork binary;
  private final FloatNetwork.Workspace binaryWs;
  private final FloatTypedNetwork typed;
  private final FloatTypedNetwork.Workspace typedWs;
  private final double[] widened;

  /**
   * @param inputSize I: C n, or C (n + k) with capitalisation features
   * @param outputs 1 for a binary model, the number of tags for a typed one
   */
  public FloatKernel(int inputSize, int hidden, int outputs) {
    Dense.checkShape(hidden, inputSize, outputs);
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.outputs = outputs;
    this.widened = new double[outputs];
    if (outputs == 1) {
      this.binary = FloatNetwork.fastest();
      this.binaryWs = new FloatNetwork.Workspace(inputSize, hidden);
      this.typed = null;
      this.typedWs = null;
    } else {
      this.binary = null;
      this.binaryWs = null;
      this.typed = FloatTypedNetwork.fastest();
      this.typedWs = new FloatTypedNetwork.Workspace(inputSize, hidden, outputs);
    }
  }

  @Override
  public VectorOps<float[]> vectors() {
    return VectorOps.FLOAT;
  }

  @Override
  public double[] forward(FloatParameters p, float[][] pieces) {
    if (typed != null) typed.forward(p, pieces, typedWs);
    else binary.forward(p, pieces, binaryWs);
    return probabilities();
  }

  @Override
  public double sgdStep(
      FloatParameters from,
      FloatParameters to,
      float[][] pieces,
      int label,
      double learningRate,
      double decay) {
    if (typed != null) {
      return typed.sgdStep(from, to, pieces, label, learningRate, decay, typedWs);
    }
    return binary.sgdStep(from, to, pieces, label, learningRate, decay, binaryWs);
  }

  @Override
  public double[] probabilities() {
    if (typed == null) {
      widened[0] = binaryWs.probability();
      return widened;
    }
    float[] a2 = typedWs.probabilities();
    for (int t = 0; t < a2.length; t++) widened[t] = a2[t];
    return widened;
  }

  @Override
  public FloatParameters newDense() {
    return new FloatParameters(hidden, inputSize, outputs);
  }

  @Override
  public FloatParameters dense(DenseParameters dense) {
    return FloatParameters.of(dense);
  }

  @Override
  public boolean isFiniteDense(FloatParameters dense) {
    return typed != null ? typed.isFinite(dense) : binary.isFinite(dense);
  }
}
