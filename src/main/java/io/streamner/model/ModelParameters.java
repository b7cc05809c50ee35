package io.streamner.model;

/**
 * The numbers of a {@link NerModel} in its {@link Precision}: L (one vector per vocabulary word,
 * {@code vectors[id]}) and the dense parameters. Mutable: training updates them in place.
 */
public sealed interface ModelParameters permits ModelParameters.Doubles, ModelParameters.Floats {

  Precision precision();

  /** The number of word vectors (rows of L). */
  int words();

  /** The length of word vector {@code id}. */
  int dim(int id);

  /** The dense parameters' H and nC. */
  int hidden();

  int inputSize();

  /** The kernel of this precision on these numbers, for one thread. */
  NerModel.Steps steps(Hyperparameters hp);

  /** Sum of squares of W and U: the bracket of the regularisation term of eq. (1). */
  double squaredWeights();

  /**
   * The same model in {@code precision}: these numbers when it is theirs, else a copy rounded to
   * float (once, to nearest) or widened to double (exactly).
   */
  ModelParameters in(Precision precision);

  /** A double model: {@link WindowNetwork} runs it. */
  record Doubles(double[][] vectors, DenseParameters dense) implements ModelParameters {
    @Override
    public Precision precision() {
      return Precision.DOUBLE;
    }

    @Override
    public int words() {
      return vectors.length;
    }

    @Override
    public int dim(int id) {
      return vectors[id].length;
    }

    @Override
    public int hidden() {
      return dense.hidden;
    }

    @Override
    public int inputSize() {
      return dense.inputSize;
    }

    @Override
    public NerModel.Steps steps(Hyperparameters hp) {
      return new KernelSteps<>(new DoubleKernel(hp), vectors, dense);
    }

    @Override
    public double squaredWeights() {
      return dense.squaredWeights();
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
    public int words() {
      return vectors.length;
    }

    @Override
    public int dim(int id) {
      return vectors[id].length;
    }

    @Override
    public int hidden() {
      return dense.hidden;
    }

    @Override
    public int inputSize() {
      return dense.inputSize;
    }

    @Override
    public NerModel.Steps steps(Hyperparameters hp) {
      return new KernelSteps<>(new FloatKernel(hp), vectors, dense);
    }

    @Override
    public double squaredWeights() {
      return dense.squaredWeights();
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
