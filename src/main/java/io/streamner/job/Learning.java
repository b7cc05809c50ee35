package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.OnlineLearner;
import io.streamner.model.TagDecoder;
import java.util.Arrays;

/**
 * The model operator's work on one labelled sentence: test-then-train with the model's {@link
 * OnlineLearner} (in the job's precision). A sentence is trained on copies, and the update is
 * applied only when it is finite and its prediction can be written. A binary model's prediction
 * holds P(entity) of every token; a typed model's the well-formed tag sequence of highest
 * probability ({@link TagDecoder}) and its entities.
 */
final class Learning {
  private Learning() {}

  /**
   * What training on one sentence did: the prediction to publish and what the operator counts.
   *
   * @param newColumns words that got their own vector
   * @param refused words refused a vector because the model is full
   */
  record Trained(EncodedRecord prediction, int windows, int newColumns, int refused) {}

  /**
   * Test-then-train on a labelled sentence ({@link ModelInput#labels}: 1 = entity for a binary
   * model, tag ids of the model's tag set for a typed one), applied to {@code m} only when nothing
   * failed.
   *
   * @throws RecordRejected when the update is not finite or the prediction too large; the model is
   *     unchanged
   */
  static <V, P extends Dense> Trained train(
      LiveModel<V, P> m, ModelInput input, OnlineLearner.WordCounts counts) throws Exception {
    LiveParameters<V, P> p = m.parameters;
    OnlineLearner.Update<V, P> update =
        p.learner.learn(
            Arrays.asList(input.sentence.tokens),
            input.labels,
            p.dense,
            p.spare,
            p.capitals,
            m.columns,
            counts,
            m.counters.columns,
            m.counters.examplesSeen);
    if (!update.isFinite()) throw RecordRejected.nonFiniteUpdate(m.name);
    // The counters reported are those of the model before this sentence.
    TagDecoder.Sentence decoded =
        p.tagSet == null ? null : TagDecoder.decodeSentence(p.tagSet, update.outputs());
    double[] probabilities = decoded == null ? update.probabilities() : null;
    EncodedRecord prediction =
        decoded == null
            ? Outputs.prediction(input, probabilities, m.counters)
            : Outputs.typedPrediction(input, p.tagSet, decoded, m.counters);
    p.learner.commit(update, m.columns, counts, m.changed);
    m.unsent.addAll(update.columns().keySet());
    p.take(update);
    if (decoded == null) {
      Prequential.record(m.counters, probabilities, input.labels);
    } else {
      Prequential.recordTyped(m.counters, p.tagSet, update.outputs(), decoded.tags(), input.labels);
    }
    return new Trained(
        prediction, update.windows(), update.newColumns().size(), update.refused().size());
  }
}
