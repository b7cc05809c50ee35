package io.streamner.job;

/**
 * What a model keeps in its ValueState besides its word vectors. The model operator works on a live
 * copy in memory and writes it back here only when a checkpoint is taken, so the dense parameters
 * are never serialised per example (with RocksDB every ValueState update would be).
 */
public class ModelCheckpoint implements Cloneable {
  /**
   * W, b1, U, b2 as {@code DenseParameters.flatten()}; for a typed model {@code
   * DenseWithCapitals.flatten()}: its W, b1, U, b2 and capitalisation vectors E. Null for a float
   * model (binary or typed): its numbers are float32 in a state of their own ({@link
   * JobPrecision}).
   */
  public double[] dense;

  /**
   * A typed model's tag set ({@code O}, {@code B-LOC}, ...) and k when it was stored; null and 0
   * for a binary model. Part of the shape: a restore under a definition that changes the tag scheme
   * or {@code model.caps-dim} is refused (the types are the model's name).
   */
  public String[] tags;

  public int capitalizationDim;

  /**
   * A typed model's token features ({@code shape,suffix}) and buckets when it was stored; null and
   * 0 for none (and in state written before there were token features). Part of the shape.
   */
  public String tokenFeatures;

  public int featureBuckets;

  /**
   * The model's shape (C, n, H) when it was stored: a restore under a definition that changes it is
   * refused with a clear message instead of failing on the first record.
   */
  public int windowSize;

  public int dim;
  public int hidden;

  /** Training windows applied. */
  public long examplesSeen;

  public long sentencesSeen;

  /** The last snapshot version written; never goes back, it is restored with the rest. */
  public long version;

  public long examplesAtSnapshot;
  public boolean fullSnapshotWritten;

  /** Words whose column changed since the last snapshot. */
  public String[] changedWords;

  public long columns;

  /** Prequential quality: exponentially weighted over recent tokens, and over the whole stream. */
  public double recentLoss;

  public double recentTruePositives;
  public double recentFalsePositives;
  public double recentFalseNegatives;
  public long truePositives;
  public long falsePositives;
  public long falseNegatives;
  public double lossSum;
  public long tokensSeen;

  public ModelCheckpoint() {}

  /** A field-by-field copy; the arrays are shared (they are replaced, never changed in place). */
  public ModelCheckpoint copy() {
    try {
      return (ModelCheckpoint) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }
}
