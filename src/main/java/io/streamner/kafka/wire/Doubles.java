package io.streamner.kafka.wire;

import io.streamner.model.Precision;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Equality, hashing and finiteness of the {@code double[]} fields of the records. A record's own
 * equals compares arrays by identity; these compare the raw IEEE-754 bits, so "equal" means "the
 * same bytes on the wire", NaN payloads and the sign of zero included.
 */
final class Doubles {

  private Doubles() {}

  static boolean sameBits(double[] a, double[] b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  static int hash(double[] values) {
    int h = 1;
    for (double v : values) {
      long bits = Double.doubleToRawLongBits(v);
      h = 31 * h + (int) (bits ^ (bits >>> 32));
    }
    return h;
  }

  /**
   * Refuses a value that is not a finite number (NaN or an infinity means a diverged model, which
   * must be seen rather than published), and for {@link Precision#FLOAT} a value that is not a
   * float: a float32 record would otherwise round it on the wire without a word.
   *
   * @param what names value {@code i} in the message, e.g. {@code value 3 of the vector of "anna"}
   */
  static void requireFinite(double[] values, Precision dtype, IntFunction<String> what) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            what.apply(i) + " is " + values[i] + "; a snapshot holds only finite numbers");
      }
      if (dtype == Precision.FLOAT && (float) values[i] != values[i]) {
        throw new IllegalArgumentException(
            what.apply(i) + " is " + values[i] + ", not a float32 value");
      }
    }
  }

  /**
   * The copy a chunk or column keeps of its values, after the checks both make: present, not empty,
   * then {@link #requireFinite}.
   *
   * @param name the component, for the exception of a null array
   * @param empty the message for an empty array
   */
  static double[] finiteCopy(
      double[] values,
      String name,
      Precision dtype,
      Supplier<String> empty,
      IntFunction<String> what) {
    double[] copy = Objects.requireNonNull(values, name).clone();
    if (copy.length == 0) {
      throw new IllegalArgumentException(empty.get());
    }
    requireFinite(copy, dtype, what);
    return copy;
  }
}
