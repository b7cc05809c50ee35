package io.streamner.job;

import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.model.Dense;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Hyperparameters;
import io.streamner.model.OnlineLearner;
import io.streamner.model.TagDecoder;
import io.streamner.model.TaggingModel;
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
final class Replica<V, P extends Dense> {
  final SnapshotRecord.Manifest manifest;

  /** The version and examples seen that predictions report. */
  private final ModelCheckpoint counters = new ModelCheckpoint();

  private final JobPrecision<V, P> precision;
  private final OnlineLearner<V, P> learner;
  private final P dense;

  /** E, or null without capitalisation features. */
  private final V[] capitals;

  private Replica(
      SnapshotRecord.Manifest manifest,
      JobPrecision<V, P> precision,
      OnlineLearner<V, P> learner,
      P dense,
      V[] capitals) {
    this.manifest = manifest;
    this.precision = precision;
    this.learner = learner;
    this.dense = dense;
    this.capitals = capitals;
    counters.version = manifest.version();
    counters.examplesSeen = manifest.examplesSeen();
  }

  /** The replica that an update's manifest and dense parameters make. */
  static Replica<?, ?> of(ModelUpdate update) {
    SnapshotRecord.Manifest manifest = update.decodeManifest();
    return of(JobPrecision.of(manifest.hyperparameters().precision()), manifest, update.dense);
  }

  private static <V, P extends Dense> Replica<V, P> of(
      JobPrecision<V, P> precision, SnapshotRecord.Manifest manifest, double[] flat) {
    Hyperparameters hp = manifest.hyperparameters();
    // Only the shape and the normaliser matter for scoring: scoring grows no vocabulary.
    OnlineLearner.Settings settings = new OnlineLearner.Settings(hp, manifest.normalizer(), 1, 0);
    boolean binary = manifest.tagSet() == null;
    int outputs = binary ? 1 : manifest.tagSet().size();
    int k = binary ? 0 : manifest.capitalizationDim();
    DenseWithCapitals stored = DenseWithCapitals.unflatten(hp, outputs, k, flat);
    OnlineLearner<V, P> learner = OnlineLearner.of(settings, outputs, k);
    return new Replica<>(
        manifest,
        precision,
        learner,
        learner.kernel().dense(stored.parameters()),
        precision.vectors().vectors(stored.capitals()));
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
    double[][] p = learner.score(tokens, dense, capitals, columns);
    for (double[] row : p) RecordRejected.checkProbabilities(input.model, row);
    if (manifest.tagSet() == null) {
      return Outputs.prediction(input, TaggingModel.firstOutput(p), counters);
    }
    return Outputs.typedPrediction(
        input, manifest.tagSet(), TagDecoder.decodeSentence(manifest.tagSet(), p), counters);
  }
}
