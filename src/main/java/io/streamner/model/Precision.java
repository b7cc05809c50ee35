package io.streamner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The number type of a model's parameters and word vectors, and so the kernel that trains and
 * scores it: {@link #DOUBLE} is the specification's model ({@link DoubleKernel}), {@link #FLOAT}
 * the single-precision SIMD kernel ({@link FloatKernel}), with half the memory and state.
 *
 * <p>Spelled {@code double} and {@code float} in settings ({@code train --precision}, {@code
 * model.precision}, a model file's and a snapshot manifest's {@code hyperparameters.precision});
 * the arrays of a model file or snapshot say {@link #dtype()}: {@code float64} or {@code float32}.
 */
public enum Precision {
  DOUBLE("float64"),
  FLOAT("float32");

  private final String dtype;

  Precision(String dtype) {
    this.dtype = dtype;
  }

  /** {@code double} or {@code float}: how settings and JSON spell it. */
  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code float64} or {@code float32}: the type of the stored numbers (numpy's name). */
  public String dtype() {
    return dtype;
  }

  /**
   * The precision spelled {@code double} or {@code float} (any case).
   *
   * @throws IllegalArgumentException naming the two values
   */
  @JsonCreator
  public static Precision of(String name) {
    for (Precision p : values()) if (p.toString().equalsIgnoreCase(name)) return p;
    throw new IllegalArgumentException(
        "precision must be \"double\" or \"float\", got \"" + name + "\"");
  }

  /**
   * The precision whose numbers are stored as {@code float64} or {@code float32}.
   *
   * @throws IllegalArgumentException naming the two values
   */
  public static Precision ofDtype(String dtype) {
    for (Precision p : values()) if (p.dtype.equals(dtype)) return p;
    throw new IllegalArgumentException(
        "dtype must be \"float64\" or \"float32\", got \"" + dtype + "\"");
  }

  /**
   * The value filter of a JSON field that holds a precision ({@code JsonInclude.Include.CUSTOM}):
   * double is left out, so that a double model's file header and snapshot records stay what they
   * were before there was a choice (a missing one reads as double).
   */
  @SuppressWarnings("EqualsHashCode") // Jackson calls equals only
  public static final class DoubleIsLeftOut {
    @Override
    public boolean equals(Object value) {
      return value == DOUBLE;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
