package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.Precision;
import io.streamner.model.VectorOps;
import io.streamner.model.WindowInput;
import io.streamner.model.WindowKernel;
import io.streamner.model.WordVectors;
import java.io.Serializable;
import java.util.function.Function;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What the model operator does differently in each {@link Precision} ({@code model.precision}): the
 * keyed state of the word vectors and of the dense parameters, and the numbers that go into model
 * files and snapshots (the kernel and learner follow the hyper-parameters' precision: {@link
 * io.streamner.model.OnlineLearner#of}). {@code V} is one word vector and {@code P} the dense
 * parameters, as in {@link WindowKernel}; everything else in the operator is written once for both.
 *
 * <p>The two precisions are two rows of the same table ({@link #DOUBLE}, {@link #FLOAT}): each
 * names the model package's methods for its number type. Only the precision's name is serialised
 * with an operator ({@link #writeReplace}), so the method references need not be.
 *
 * <p>A float model's state has names of its own ({@code columns-float32}, {@code dense-float32}: a
 * binary model's {@code FloatParameters.flatten()}, a typed model's {@code
 * DenseWithCapitals.flatten()} in float32), so that a checkpoint of a double model is never read as
 * float or the other way round: {@link ModelStore} refuses to resume a model in the other
 * precision.
 *
 * @param vectors the word (and capitalisation) vectors of this precision
 * @param columnsState the word vectors' keyed state: one MapState entry per word
 * @param denseStates the keyed state of the current key's dense parameters
 * @param inputVectors L of a model's input ({@code vectors()} or {@code floatVectors()})
 * @param inputCapitals E of a typed model's input, or null without capitalisation features
 * @param views a vector of this precision read from its double values, without a copy where it can
 */
record JobPrecision<V, P extends Dense>(
    VectorOps<V> vectors,
    MapStateDescriptor<String, V> columnsState,
    DenseStates<P> denseStates,
    Function<WindowInput, V[]> inputVectors,
    Function<WindowInput, V[]> inputCapitals,
    Function<double[], V> views)
    implements Serializable {
  static final JobPrecision<double[], DenseParameters> DOUBLE =
      new JobPrecision<>(
          VectorOps.DOUBLE,
          new MapStateDescriptor<>(
              "columns", Types.STRING, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO),
          (context, hp) -> new DoubleDense(hp),
          WindowInput::vectors,
          WindowInput::capitals,
          values -> values);

  static final JobPrecision<float[], FloatParameters> FLOAT =
      new JobPrecision<>(
          VectorOps.FLOAT,
          new MapStateDescriptor<>(
              "columns-float32",
              Types.STRING,
              PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO),
          FloatDense::new,
          WindowInput::floatVectors,
          WindowInput::floatCapitals,
          WordVectors::toFloat);

  /** The job precision of models of {@code precision}. */
  static JobPrecision<?, ?> of(Precision precision) {
    return precision == Precision.FLOAT ? FLOAT : DOUBLE;
  }

  Precision precision() {
    return vectors.precision();
  }

  /** Where the current key's dense parameters go at a checkpoint. */
  DenseState<P> denseState(RuntimeContext context, Hyperparameters hp) {
    return denseStates.of(context, hp);
  }

  /** Word vector {@code id} of a model (binary or typed) of this precision. */
  V vector(WindowInput input, int id) {
    return inputVectors.apply(input)[id];
  }

  /** E of a typed model of this precision (not a copy), or null without capitalisation features. */
  V[] capitals(WindowInput input) {
    return inputCapitals.apply(input);
  }

  /**
   * A vector of this precision read from its double values, without a copy where it can: the
   * scoring replicas read vectors they never change.
   */
  V view(double[] values) {
    return views.apply(values);
  }

  /** A vector's values as a snapshot record holds them. */
  double[] values(V vector) {
    return vectors.values(vector);
  }

  /** Operators are serialised with their precision: only its name travels (see {@link Row}). */
  private Object writeReplace() {
    return new Row(precision());
  }

  /** The serialised form of a job precision, which reads back as the row of the table. */
  private record Row(Precision precision) implements Serializable {
    private Object readResolve() {
      return of(precision);
    }
  }

  /** {@code DoubleDense} or {@code FloatDense}, for the current operator. */
  interface DenseStates<P> {
    DenseState<P> of(RuntimeContext context, Hyperparameters hp);
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
  private static final class DoubleDense implements DenseState<DenseParameters> {
    private final Hyperparameters hp;

    DoubleDense(Hyperparameters hp) {
      this.hp = hp;
    }

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
  }

  /** Float: a ValueState of the flat float32 dense parameters beside the checkpoint. */
  private static final class FloatDense implements DenseState<FloatParameters> {
    /** {@code FloatParameters.flatten()}: W without its padding, b1, U, b2. */
    static final ValueStateDescriptor<float[]> DENSE =
        new ValueStateDescriptor<>(
            "dense-float32", PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ValueState<float[]> state;
    private final Hyperparameters hp;

    FloatDense(RuntimeContext context, Hyperparameters hp) {
      this.state = context.getState(DENSE);
      this.hp = hp;
    }

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
  }
}
