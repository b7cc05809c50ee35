package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.OnlineLearner;
import io.streamner.model.Precision;
import io.streamner.model.VectorOps;
import io.streamner.model.WindowInput;
import io.streamner.model.WindowKernel;
import io.streamner.model.WordVectors;
import io.streamner.text.TokenNormalizer;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What the model operator does differently in each {@link Precision} ({@code model.precision}): the
 * kernel, the keyed state of the word vectors and of the dense parameters, and the numbers that go
 * into model files and snapshots. {@code V} is one word vector and {@code P} the dense parameters,
 * as in {@link WindowKernel}; everything else in the operator is written once for both.
 *
 * <p>A float model's state has names of its own ({@code columns-float32}, {@code dense-float32}: a
 * binary model's {@code FloatParameters.flatten()}, a typed model's {@code
 * DenseWithCapitals.flatten()} in float32), so that a checkpoint of a double model is never read as
 * float or the other way round: {@link ModelStore} refuses to resume a model in the other
 * precision.
 */
abstract class JobPrecision<V, P extends Dense> implements Serializable {
  private static final long serialVersionUID = 1L;

  static final JobPrecision<double[], DenseParameters> DOUBLE = new Doubles();
  static final JobPrecision<float[], FloatParameters> FLOAT = new Floats();

  abstract Precision precision();

  /** The job precision of models of {@code precision}. */
  static JobPrecision<?, ?> of(Precision precision) {
    return precision == Precision.FLOAT ? FLOAT : DOUBLE;
  }

  /** The word vectors: one MapState entry per word. */
  abstract MapStateDescriptor<String, V> columnsState();

  /** Where the current key's dense parameters go at a checkpoint. */
  abstract DenseState<P> denseState(RuntimeContext context, Hyperparameters hp);

  /** The word (and capitalisation) vectors of this precision. */
  abstract VectorOps<V> vectors();

  /**
   * The learner of a model of this precision, with its own kernel: {@code outputs} 1 for a binary
   * model, one per tag for a typed one; capitalisation vectors of k values (0: none).
   */
  abstract OnlineLearner<V, P> learner(
      OnlineLearner.Settings settings, int outputs, int capitalizationDim);

  /** Word vector {@code id} of a model (binary or typed) of this precision. */
  abstract V vector(WindowInput input, int id);

  /** E of a typed model of this precision (not a copy), or null without capitalisation features. */
  abstract V[] capitals(WindowInput input);

  /** The model a model file holds, from the state's columns and the live dense parameters. */
  abstract NerModel model(
      String name,
      Hyperparameters hp,
      TokenNormalizer normalizer,
      Map<String, V> columns,
      P dense,
      long examples);

  /**
   * A vector of this precision read from its double values, without a copy where it can: the
   * scoring replicas read vectors they never change.
   */
  abstract V view(double[] values);

  /** A vector's values as a snapshot record holds them. */
  double[] values(V vector) {
    return vectors().values(vector);
  }

  /** The current key's dense parameters in keyed state. */
  interface DenseState<P> {
    /** Whether {@code stored} is the checkpoint of a model of this precision. */
    boolean holds(ModelCheckpoint stored);

    P restore(ModelCheckpoint stored) throws Exception;

    /** Writes {@code dense} for the checkpoint {@code stored}, which is about to be updated. */
    void store(ModelCheckpoint stored, P dense) throws Exception;

    /**
     * A typed model's flat values ({@code DenseWithCapitals.flatten()}: W, b1, U, b2 and E), in
     * double (exact for a float model).
     */
    double[] typedValues(ModelCheckpoint stored) throws Exception;

    /** Writes a typed model's flat values, which are of this precision, for {@code stored}. */
    void storeTyped(ModelCheckpoint stored, double[] values) throws Exception;
  }

  /** Double: the dense parameters in the {@link ModelCheckpoint}, as before floats existed. */
  private static final class Doubles extends JobPrecision<double[], DenseParameters> {
    private static final long serialVersionUID = 1L;

    static final MapStateDescriptor<String, double[]> COLUMNS =
        new MapStateDescriptor<>(
            "columns", Types.STRING, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);

    @Override
    Precision precision() {
      return Precision.DOUBLE;
    }

    @Override
    MapStateDescriptor<String, double[]> columnsState() {
      return COLUMNS;
    }

    @Override
    DenseState<DenseParameters> denseState(RuntimeContext context, Hyperparameters hp) {
      return new DenseState<>() {
        @Override
        public boolean holds(ModelCheckpoint stored) {
          return stored.dense != null;
        }

        @Override
        public DenseParameters restore(ModelCheckpoint stored) {
          return DenseParameters.unflatten(hp.hidden(), hp.inputSize(), 1, stored.dense);
        }

        @Override
        public void store(ModelCheckpoint stored, DenseParameters dense) {
          stored.dense = dense.flatten();
        }

        @Override
        public double[] typedValues(ModelCheckpoint stored) {
          return stored.dense;
        }

        @Override
        public void storeTyped(ModelCheckpoint stored, double[] values) {
          stored.dense = values;
        }
      };
    }

    @Override
    VectorOps<double[]> vectors() {
      return VectorOps.DOUBLE;
    }

    @Override
    OnlineLearner<double[], DenseParameters> learner(
        OnlineLearner.Settings settings, int outputs, int capitalizationDim) {
      return OnlineLearner.doubles(settings, outputs, capitalizationDim);
    }

    @Override
    double[] vector(WindowInput input, int id) {
      return input.vectors()[id];
    }

    @Override
    double[][] capitals(WindowInput input) {
      return input.capitals();
    }

    @Override
    NerModel model(
        String name,
        Hyperparameters hp,
        TokenNormalizer normalizer,
        Map<String, double[]> columns,
        DenseParameters dense,
        long examples) {
      return NerModel.fromColumns(name, hp, normalizer, columns, dense, examples);
    }

    @Override
    double[] view(double[] values) {
      return values;
    }

    private Object readResolve() {
      return DOUBLE;
    }
  }

  /** Float: float[] columns and a ValueState of the flat float32 dense parameters. */
  private static final class Floats extends JobPrecision<float[], FloatParameters> {
    private static final long serialVersionUID = 1L;

    static final MapStateDescriptor<String, float[]> COLUMNS =
        new MapStateDescriptor<>(
            "columns-float32",
            Types.STRING,
            PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);

    /** {@code FloatParameters.flatten()}: W without its padding, b1, U, b2. */
    static final ValueStateDescriptor<float[]> DENSE =
        new ValueStateDescriptor<>(
            "dense-float32", PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);

    @Override
    Precision precision() {
      return Precision.FLOAT;
    }

    @Override
    MapStateDescriptor<String, float[]> columnsState() {
      return COLUMNS;
    }

    @Override
    DenseState<FloatParameters> denseState(RuntimeContext context, Hyperparameters hp) {
      ValueState<float[]> state = context.getState(DENSE);
      return new DenseState<>() {
        @Override
        public boolean holds(ModelCheckpoint stored) {
          return stored.dense == null;
        }

        @Override
        public FloatParameters restore(ModelCheckpoint stored) throws Exception {
          return FloatParameters.unflatten(hp.hidden(), hp.inputSize(), 1, state.value());
        }

        @Override
        public void store(ModelCheckpoint stored, FloatParameters dense) throws Exception {
          state.update(dense.flatten());
        }

        @Override
        public double[] typedValues(ModelCheckpoint stored) throws Exception {
          return WordVectors.toDouble(state.value());
        }

        @Override
        public void storeTyped(ModelCheckpoint stored, double[] values) throws Exception {
          state.update(WordVectors.toFloat(values));
        }
      };
    }

    @Override
    VectorOps<float[]> vectors() {
      return VectorOps.FLOAT;
    }

    @Override
    OnlineLearner<float[], FloatParameters> learner(
        OnlineLearner.Settings settings, int outputs, int capitalizationDim) {
      return OnlineLearner.floats(settings, outputs, capitalizationDim);
    }

    @Override
    float[] vector(WindowInput input, int id) {
      return input.floatVectors()[id];
    }

    @Override
    float[][] capitals(WindowInput input) {
      return input.floatCapitals();
    }

    @Override
    NerModel model(
        String name,
        Hyperparameters hp,
        TokenNormalizer normalizer,
        Map<String, float[]> columns,
        FloatParameters dense,
        long examples) {
      return NerModel.fromColumns(name, hp, normalizer, columns, dense, examples);
    }

    @Override
    float[] view(double[] values) {
      return WordVectors.toFloat(values);
    }

    private Object readResolve() {
      return FLOAT;
    }
  }
}
