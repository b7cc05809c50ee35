package io.streamner.model;

import io.streamner.text.Capitalization;
import io.streamner.text.TagSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-then-train on one sentence at a time for a typed model whose vocabulary grows as words
 * arrive: the typed counterpart of {@link OnlineLearner}, used the same way. The word vectors live
 * wherever {@link OnlineLearner.Columns} puts them and grow by the same rules (a column after
 * {@code minCount} occurrences, starting at {@link WordVectors#randomVector}); the dense parameters
 * and the capitalisation vectors E are passed in, like the binary learner's dense parameters.
 *
 * <p>A labelled sentence is trained window by window in order with {@link TypedNetwork#sgdStep},
 * the kernel the offline {@link Trainer} runs for a typed model. With {@code minCount = 1} and the
 * same starting vectors, a stream of sentences gives bit for bit the model of one in-order offline
 * epoch over them.
 *
 * <p>As in {@link OnlineLearner}, {@link #learn} trains copies (the dense parameters into a spare,
 * the sentence's word vectors, E) and changes nothing the caller holds; the caller applies the
 * {@link Update} with {@link #commit} when it is {@link Update#isFinite() finite}, or drops it. E
 * is small (six classes of k values) and touched by every window, so it travels with the dense
 * parameters rather than with the word vectors: the update holds its trained copy.
 *
 * <p>Test-then-train is per window: the tag probabilities reported for token t are those of the
 * forward half of its own SGD step.
 */
public final class TypedLearner {

  /**
   * One sentence's training, not yet applied to the model.
   *
   * @param probabilities P(tag) of every tag for every token ({@code [token][tag id]}), from the
   *     model before that token's window trained it; {@link TagDecoder} turns them into tags
   * @param loss the sum of the windows' cross-entropy losses, each before its own step
   * @param dense the trained copy of the dense parameters
   * @param capitals the trained copy of E, or null without capitalisation features
   * @param columns the trained copies of the vectors the sentence's windows used, by word
   * @param newColumns words that get their own vector with this sentence
   * @param refused words that reached the minimum count but got no vector (the model is full, as in
   *     {@link OnlineLearner.Update#refused})
   * @param counts new occurrence counts of words without a column
   */
  public record Update(
      double[][] probabilities,
      int windows,
      double loss,
      TypedParameters dense,
      double[][] capitals,
      Map<String, double[]> columns,
      List<String> newColumns,
      List<String> refused,
      Map<String, Long> counts) {

    /** Whether every parameter the update writes and its loss are finite numbers. */
    public boolean isFinite() {
      if (!Double.isFinite(loss) || !dense.isFinite() || !SentenceColumns.allFinite(columns)) {
        return false;
      }
      if (capitals != null)
        for (double[] v : capitals) if (!DenseParameters.allFinite(v)) return false;
      return true;
    }
  }

  private final OnlineLearner.Settings settings;
  private final TagSet tagSet;
  private final int capitalizationDim;
  private final TypedNetwork.Workspace workspace;
  private final double[][] pieces;

  /**
   * @param capitalizationDim k, 0 for a model without capitalisation features
   */
  public TypedLearner(OnlineLearner.Settings settings, TagSet tagSet, int capitalizationDim) {
    if (capitalizationDim < 0) {
      throw new IllegalArgumentException("capitalisation dimension " + capitalizationDim + " < 0");
    }
    Hyperparameters hp = settings.hyperparameters();
    this.settings = settings;
    this.tagSet = tagSet;
    this.capitalizationDim = capitalizationDim;
    int inputSize = hp.windowSize() * (hp.dim() + capitalizationDim);
    this.workspace = new TypedNetwork.Workspace(inputSize, hp.hidden(), tagSet.size());
    this.pieces = new double[capitalizationDim > 0 ? 2 * hp.windowSize() : hp.windowSize()][];
  }

  public TagSet tagSet() {
    return tagSet;
  }

  /**
   * P(tag) of every tag for every token; words without a column read UUUNKKK. Changes nothing.
   *
   * @param capitals E, or null without capitalisation features
   */
  public double[][] score(
      List<String> tokens,
      TypedParameters dense,
      double[][] capitals,
      OnlineLearner.Columns<double[]> columns)
      throws Exception {
    checkCapitals(capitals);
    SentenceColumns sentence = SentenceColumns.forScoring(settings, tokens, columns);
    int[][] classes = classes(tokens, capitals);
    double[][] p = new double[tokens.size()][];
    for (int t = 0; t < p.length; t++) {
      p[t] =
          TypedNetwork.forward(dense, sentence.gather(t, capitals, classes, pieces), workspace)
              .clone();
    }
    return p;
  }

  /**
   * Trains copies on the sentence, as {@link OnlineLearner#learn} does: new words are counted and
   * get columns once frequent enough, every window is scored and then takes one SGD step, in order.
   * Nothing the caller holds changes.
   *
   * @param tags the tag id of every token in this learner's tag set ({@link TagSet#encode})
   * @param spare parameters of the same shape as {@code dense} to train on; the update holds them
   * @param capitals E, or null without capitalisation features; the update holds a trained copy
   * @param vocabularySize the columns the model holds now
   */
  public Update learn(
      List<String> tokens,
      int[] tags,
      TypedParameters dense,
      TypedParameters spare,
      double[][] capitals,
      OnlineLearner.Columns<double[]> columns,
      OnlineLearner.WordCounts counts,
      long vocabularySize)
      throws Exception {
    if (tags.length != tokens.size()) {
      throw new IllegalArgumentException(tokens.size() + " tokens but " + tags.length + " tags");
    }
    checkCapitals(capitals);
    SentenceColumns sentence =
        SentenceColumns.forTraining(settings, tokens, columns, counts, vocabularySize);
    double[][] trainedCapitals = null;
    if (capitals != null) {
      trainedCapitals = new double[capitals.length][];
      for (int c = 0; c < capitals.length; c++) trainedCapitals[c] = capitals[c].clone();
    }
    int[][] classes = classes(tokens, capitals);
    Hyperparameters hp = settings.hyperparameters();
    spare.copyFrom(dense);
    double[][] probabilities = new double[tags.length][];
    double loss = 0;
    for (int t = 0; t < tags.length; t++) {
      loss +=
          TypedNetwork.sgdStep(
              spare,
              sentence.gather(t, trainedCapitals, classes, pieces),
              tags[t],
              hp.learningRate(),
              settings.decay(),
              workspace);
      probabilities[t] = workspace.probabilities().clone();
    }
    return new Update(
        probabilities,
        tags.length,
        loss,
        spare,
        trainedCapitals,
        sentence.touched(),
        sentence.created,
        sentence.refused,
        sentence.counts);
  }

  /**
   * Applies an update's word vectors and counts, as {@link OnlineLearner#commit}. The dense
   * parameters and E are the caller's to take: {@link Update#dense()} and {@link Update#capitals()}
   * are the trained copies.
   */
  public void commit(
      Update update,
      OnlineLearner.Columns<double[]> columns,
      OnlineLearner.WordCounts counts,
      Set<String> changed)
      throws Exception {
    SentenceColumns.commit(
        settings, update.columns(), update.newColumns(), update.counts(), columns, counts, changed);
  }

  private int[][] classes(List<String> tokens, double[][] capitals) {
    return capitals == null
        ? null
        : WindowInput.capitalWindows(tokens, settings.hyperparameters().windowSize());
  }

  private void checkCapitals(double[][] capitals) {
    int k = capitals == null ? 0 : capitals[0].length;
    if (k != capitalizationDim
        || (capitals != null && capitals.length != Capitalization.values().length)) {
      throw new IllegalArgumentException(
          "capitalisation vectors of "
              + k
              + " values given to a learner of k="
              + capitalizationDim);
    }
  }
}
