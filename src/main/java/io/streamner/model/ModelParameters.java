package io.streamner.model;

/**
 * The numbers of a {@link NerModel} in its {@link Precision}: L (one vector per vocabulary word,
 * {@code vectors()[id]}), E (one vector per capitalisation class, or null without capitalisation
 * features) and the dense parameters. The model's own arrays, not copies: training updates them in
 * place.
 */
public sealed interface ModelParameters permits ModelParameters.Doubles, ModelParameters.Floats {

  Precision precision();

  /** L: {@code double[][]} or {@code float[][]}, one vector per word. */
  Object[] vectors();

  /** E: of the type of L, or null. */
  Object[] capitals();

  Dense dense();

  /** A double model: {@link DoubleKernel} runs it. */
  record Doubles(double[][] vectors, double[][] capitals, DenseParameters dense)
      implements ModelParameters {
    @Override
    public Precision precision() {
      return Precision.DOUBLE;
    }
  }

  /** A float model: {@link FloatKernel} runs it. */
  record Floats(float[][] vectors, float[][] capitals, FloatParameters dense)
      implements ModelParameters {
    @Override
    public Precision precision() {
      return Precision.FLOAT;
    }
  }
}
