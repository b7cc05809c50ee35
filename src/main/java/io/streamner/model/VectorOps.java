package io.streamner.model;

/**
 * Word vectors (and capitalisation vectors) in one {@link Precision}: {@code double[]} ({@link
 * #DOUBLE}) or {@code float[]} ({@link #FLOAT}). What the streaming learner ({@link OnlineLearner})
 * and the job do with a vector besides the network's arithmetic, so that their code is written once
 * for both precisions. The kernels say which they use ({@link WindowKernel#vectors()}, {@link
 * WindowKernel#vectors()}).
 */
public interface VectorOps<V> {
  VectorOps<double[]> DOUBLE = new Doubles();
  VectorOps<float[]> FLOAT = new Floats();

  Precision precision();

  /** The vectors of {@code precision}. */
  static VectorOps<?> of(Precision precision) {
    return precision == Precision.FLOAT ? FLOAT : DOUBLE;
  }

  /** An array for {@code length} vectors. */
  V[] array(int length);

  /** {@code values} in this precision: a copy, each value rounded to float in float. */
  V vector(double[] values);

  /**
   * The values of {@code vector} in double (a copy in float, exact; the array itself in double).
   */
  double[] values(V vector);

  /** The starting vector of a word without a pretrained one ({@link WordVectors#randomVector}). */
  V randomVector(String word, long seed, int dim);

  V copy(V vector);

  /** Whether every value is a finite number. */
  boolean isFinite(V vector);

  /** Every row of {@code rows} in this precision (copies), or null for null. */
  default V[] vectors(double[][] rows) {
    if (rows == null) return null;
    V[] converted = array(rows.length);
    for (int i = 0; i < rows.length; i++) converted[i] = vector(rows[i]);
    return converted;
  }

  /** Copies of every row of {@code rows}, or null for null. */
  default V[] copy(V[] rows) {
    if (rows == null) return null;
    V[] copy = array(rows.length);
    for (int i = 0; i < rows.length; i++) copy[i] = copy(rows[i]);
    return copy;
  }

  /** {@code double[]}: the specification's model. */
  final class Doubles implements VectorOps<double[]> {
    private Doubles() {}

    @Override
    public Precision precision() {
      return Precision.DOUBLE;
    }

    @Override
    public double[][] array(int length) {
      return new double[length][];
    }

    @Override
    public double[] vector(double[] values) {
      return values.clone();
    }

    @Override
    public double[] values(double[] vector) {
      return vector;
    }

    @Override
    public double[] randomVector(String word, long seed, int dim) {
      return WordVectors.randomVector(word, seed, dim);
    }

    @Override
    public double[] copy(double[] vector) {
      return vector.clone();
    }

    @Override
    public boolean isFinite(double[] vector) {
      return DenseParameters.allFinite(vector);
    }
  }

  /** {@code float[]}: the float kernel's. */
  final class Floats implements VectorOps<float[]> {
    private Floats() {}

    @Override
    public Precision precision() {
      return Precision.FLOAT;
    }

    @Override
    public float[][] array(int length) {
      return new float[length][];
    }

    @Override
    public float[] vector(double[] values) {
      return WordVectors.toFloat(values);
    }

    @Override
    public double[] values(float[] vector) {
      return WordVectors.toDouble(vector);
    }

    @Override
    public float[] randomVector(String word, long seed, int dim) {
      return WordVectors.randomFloatVector(word, seed, dim);
    }

    @Override
    public float[] copy(float[] vector) {
      return vector.clone();
    }

    @Override
    public boolean isFinite(float[] vector) {
      return FloatParameters.allFinite(vector);
    }
  }
}
