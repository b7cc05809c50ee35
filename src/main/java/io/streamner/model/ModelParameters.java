package io.streamner.model;

/**
 * The numbers of a {@link NerModel} in its {@link Precision}: L (one vector per vocabulary word,
 * {@code vectors()[id]}) and the dense parameters. Mutable: training updates them in place.
 */
public sealed interface ModelParameters permits ModelParameters.Doubles, ModelParameters.Floats {

  Precision precision();

  /** L: {@code double[][]} or {@code float[][]}, one vector per word. */
  Object[] vectors();

  Dense dense();

  /** The kernel of this precision on these numbers, for one thread. */
  NerModel.Steps steps(Hyperparameters hp);

  /**
   * The same model in {@code precision}: these numbers when it is theirs, else a copy rounded to
   * float (once, to nearest) or widened to double (exactly).
   */
  ModelParameters in(Precision precision);

  /** The length of word vector {@code id}. */
  default int dim(int id) {
    return java.lang.reflect.Array.getLength(vectors()[id]);
  }

  /** A double model: {@link WindowNetwork} runs it. */
  record Doubles(double[][] vectors, DenseParameters dense) implements ModelParameters {
    @Override
    public Precision precision() {
      return Precision.DOUBLE;
    }

    @Override
    public NerModel.Steps steps(Hyperparameters hp) {
      return new KernelSteps<>(new DoubleKernel(hp), vectors, dense);
    }

    @Override
    public ModelParameters in(Precision precision) {
      if (precision == Precision.DOUBLE) return this;
      float[][] l = new float[vectors.length][];
      for (int id = 0; id < l.length; id++) l[id] = WordVectors.toFloat(vectors[id]);
      return new Floats(l, FloatParameters.of(dense));
    }
  }

  /** A float model: {@link FloatNetwork} runs it. */
  record Floats(float[][] vectors, FloatParameters dense) implements ModelParameters {
    @Override
    public Precision precision() {
      return Precision.FLOAT;
    }

    @Override
    public NerModel.Steps steps(Hyperparameters hp) {
      return new KernelSteps<>(new FloatKernel(hp), vectors, dense);
    }

    @Override
    public ModelParameters in(Precision precision) {
      if (precision == Precision.FLOAT) return this;
      double[][] l = new double[vectors.length][];
      for (int id = 0; id < l.length; id++) l[id] = WordVectors.toDouble(vectors[id]);
      return new Doubles(l, dense.toDense());
    }
  }
}
