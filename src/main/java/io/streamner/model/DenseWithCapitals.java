package io.streamner.model;

import io.streamner.text.Capitalization;

/**
 * What a typed model holds besides its word vectors, as one flat array: the dense parameters (W,
 * b1, U, b2 in {@link DenseParameters#flatten()} order) followed by the capitalisation vectors E,
 * one row after the other ({@link Capitalization} order, then the token feature buckets, k values
 * each; nothing without capitalisation features). E is small (6 k values, and a few thousand rows
 * with token features) and trained by every window, like the dense parameters, so the streaming job
 * keeps it with them: in its keyed state and in the dense chunks of a snapshot.
 *
 * @param capitals E, or null without capitalisation features
 */
public record DenseWithCapitals(DenseParameters parameters, double[][] capitals) {

  /** k: values per capitalisation vector, 0 without capitalisation features. */
  public int capitalizationDim() {
    return capitals == null ? 0 : capitals[0].length;
  }

  /** The flat array: {@link DenseParameters#flatten()}, then E row by row. */
  public double[] flatten() {
    double[] dense = parameters.flatten();
    if (capitals == null) return dense;
    int k = capitals[0].length;
    double[] flat = new double[dense.length + capitals.length * k];
    System.arraycopy(dense, 0, flat, 0, dense.length);
    for (int c = 0; c < capitals.length; c++) {
      System.arraycopy(capitals[c], 0, flat, dense.length + c * k, k);
    }
    return flat;
  }

  /**
   * The inverse of {@link #flatten()}.
   *
   * @param capitalizationDim k, 0 without capitalisation features
   * @throws IllegalArgumentException when {@code flat} does not have {@link #size} values
   */
  public static DenseWithCapitals unflatten(
      Hyperparameters hp, int tags, int capitalizationDim, double[] flat) {
    long expected = size(hp, tags, capitalizationDim);
    if (flat.length != expected) {
      throw new IllegalArgumentException(
          "expected "
              + expected
              + " dense values for H="
              + hp.hidden()
              + " C="
              + hp.windowSize()
              + " n="
              + hp.dim()
              + " k="
              + capitalizationDim
              + " and "
              + tags
              + " tags, got "
              + flat.length);
    }
    int inputSize = inputSize(hp, capitalizationDim);
    int rows = hp.features().rows();
    int denseSize = flat.length - rows * capitalizationDim;
    double[] dense = new double[denseSize];
    System.arraycopy(flat, 0, dense, 0, denseSize);
    double[][] capitals = null;
    if (capitalizationDim > 0) {
      capitals = new double[rows][capitalizationDim];
      for (int c = 0; c < capitals.length; c++) {
        System.arraycopy(
            flat, denseSize + c * capitalizationDim, capitals[c], 0, capitalizationDim);
      }
    }
    return new DenseWithCapitals(
        DenseParameters.unflatten(hp.hidden(), inputSize, tags, dense), capitals);
  }

  /** I of a typed model: C (n + F k), F the lookups per position of its token features. */
  public static int inputSize(Hyperparameters hp, int capitalizationDim) {
    int lookups = capitalizationDim == 0 ? 0 : hp.features().lookups();
    return Math.multiplyExact(
        hp.windowSize(), Math.addExact(hp.dim(), Math.multiplyExact(lookups, capitalizationDim)));
  }

  /** Length of the flat array: H I + H + K H + K + R k, R the rows of E (6 classes and buckets). */
  public static long size(Hyperparameters hp, int tags, int capitalizationDim) {
    long h = hp.hidden();
    return h * inputSize(hp, capitalizationDim)
        + h
        + (long) tags * h
        + tags
        + (long) hp.features().rows() * capitalizationDim;
  }
}
