package io.streamner.job;

import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.Dense;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Hyperparameters;
import io.streamner.model.OnlineLearner;
import io.streamner.model.TagDecoder;
import io.streamner.model.TypedLearner;
import io.streamner.model.VectorOps;
import java.util.Arrays;
import java.util.List;

/**
 * One model as a scoring subtask serves it: read-only, as of the last {@link ModelUpdate} applied,
 * in the precision its manifest states. Its word vectors stay where the scoring operator keeps them
 * ({@link OnlineLearner.Columns}); this holds the rest: the dense parameters, the learner whose
 * forward pass scores (the kernel of the trainer, so a replica scores exactly as the trainer
 * would), and the version and examples a prediction reports.
 *
 * <p>Not thread-safe (the kernel keeps its workspace): one per subtask, as the operator's thread
 * is.
 */
final class Replica<V, P> {
  final SnapshotRecord.Manifest manifest;

  /** The version and examples seen that predictions report. */
  private final ModelCheckpoint counters = new ModelCheckpoint();

  private final JobPrecision<V, P> precision;
  private final OnlineLearner<V, P> binary;
  private final P dense;
  private final Typed<V, ?> typed;

  /** A typed model's learner, dense parameters and E, of one precision. */
  private record Typed<V, T extends Dense>(TypedLearner<V, T> learner, T dense, V[] capitals) {
    double[][] score(List<String> tokens, OnlineLearner.Columns<V> columns) throws Exception {
      return learner.score(tokens, dense, capitals, columns);
    }
  }

  private Replica(
      SnapshotRecord.Manifest manifest,
      JobPrecision<V, P> precision,
      OnlineLearner<V, P> binary,
      P dense,
      Typed<V, ?> typed) {
    this.manifest = manifest;
    this.precision = precision;
    this.binary = binary;
    this.dense = dense;
    this.typed = typed;
    counters.version = manifest.version();
    counters.examplesSeen = manifest.examplesSeen();
  }

  /** The replica that an update's manifest and dense parameters make. */
  static Replica<?, ?> of(ModelUpdate update) {
    SnapshotRecord.Manifest manifest = update.decodeManifest();
    return of(JobPrecision.of(manifest.hyperparameters().precision()), manifest, update.dense);
  }

  private static <V, P> Replica<V, P> of(
      JobPrecision<V, P> precision, SnapshotRecord.Manifest manifest, double[] flat) {
    Hyperparameters hp = manifest.hyperparameters();
    // Only the shape and the normaliser matter for scoring: scoring grows no vocabulary.
    OnlineLearner.Settings settings = new OnlineLearner.Settings(hp, manifest.normalizer(), 1, 0);
    if (manifest.tagSet() == null) {
      return new Replica<>(
          manifest,
          precision,
          new OnlineLearner<>(settings, precision.kernel(hp)),
          precision.unflatten(hp, flat),
          null);
    }
    int k = manifest.capitalizationDim();
    DenseWithCapitals typed = DenseWithCapitals.unflatten(hp, manifest.tagSet().size(), k, flat);
    return new Replica<V, P>(
        manifest,
        precision,
        null,
        null,
        typed(precision.typedLearner(settings, manifest.tagSet(), k), typed, precision.vectors()));
  }

  private static <V, T extends Dense> Typed<V, T> typed(
      TypedLearner<V, T> learner, DenseWithCapitals dense, VectorOps<V> vectors) {
    V[] capitals = null;
    if (dense.capitals() != null) {
      capitals = vectors.array(dense.capitals().length);
      for (int c = 0; c < capitals.length; c++) capitals[c] = vectors.vector(dense.capitals()[c]);
    }
    return new Typed<>(learner, learner.kernel().dense(dense.parameters()), capitals);
  }

  /**
   * The vector of a word as the operator stores it (double values), in this replica's precision.
   */
  V vector(double[] stored) {
    return precision.view(stored);
  }

  /**
   * The prediction for one sentence, as the trainer would give it with the model of this version.
   *
   * @throws RecordRejected when a probability is not one (the weights overflow) or the prediction
   *     is too large for the predictions topic
   */
  EncodedRecord score(ModelInput input, OnlineLearner.Columns<V> columns) throws Exception {
    List<String> tokens = Arrays.asList(input.sentence.tokens);
    if (typed == null) {
      double[] p = binary.score(tokens, dense, columns);
      RecordRejected.checkProbabilities(input.model, p);
      return Outputs.prediction(input, p, counters);
    }
    double[][] p = typed.score(tokens, columns);
    for (double[] row : p) RecordRejected.checkProbabilities(input.model, row);
    return Outputs.typedPrediction(
        input, manifest.tagSet(), TagDecoder.decodeSentence(manifest.tagSet(), p), counters);
  }
}
