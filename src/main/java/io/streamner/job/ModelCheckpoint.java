package io.streamner.job;

/**
 * What a model keeps in its ValueState besides its word vectors. The model operator works on a
 * live copy in memory and writes it back here only when a checkpoint is taken, so the dense
 * parameters are never serialised per example (with RocksDB every ValueState update would be).
 */
public class ModelCheckpoint {
  /** W, b1, U, b2 as {@code DenseParameters.flatten()}. */
  public double[] dense;
  /** Training windows applied. */
  public long examplesSeen;
  public long sentencesSeen;
  public long scored;
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

  /**
   * A copy for the state backend. The heap backend keeps the object it is given and serialises it
   * later, asynchronously; the operator goes on changing its live copy meanwhile, so the state
   * must own a copy of its own.
   */
  public ModelCheckpoint copy() {
    ModelCheckpoint c = new ModelCheckpoint();
    c.dense = dense == null ? null : dense.clone();
    c.examplesSeen = examplesSeen;
    c.sentencesSeen = sentencesSeen;
    c.scored = scored;
    c.version = version;
    c.examplesAtSnapshot = examplesAtSnapshot;
    c.fullSnapshotWritten = fullSnapshotWritten;
    c.changedWords = changedWords == null ? null : changedWords.clone();
    c.columns = columns;
    c.recentLoss = recentLoss;
    c.recentTruePositives = recentTruePositives;
    c.recentFalsePositives = recentFalsePositives;
    c.recentFalseNegatives = recentFalseNegatives;
    c.truePositives = truePositives;
    c.falsePositives = falsePositives;
    c.falseNegatives = falseNegatives;
    c.lossSum = lossSum;
    c.tokensSeen = tokensSeen;
    return c;
  }
}
