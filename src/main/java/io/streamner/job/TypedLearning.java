package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.OnlineLearner;
import io.streamner.model.TagDecoder;
import java.util.Arrays;
import java.util.List;

/**
 * The model operator's work on a typed model ({@code LOC+ORG} in {@code models}): test-then-train
 * and scoring with its {@link io.streamner.model.OnlineLearner} (in the job's precision), by the
 * rules of the binary path in {@link ModelOperator}. A sentence is trained on copies, and the
 * update is applied only when it is finite and its prediction can be written. The prediction holds
 * the well-formed tag sequence of highest probability ({@link TagDecoder}) and its entities.
 */
final class TypedLearning {
  private TypedLearning() {}

  /**
   * What training on one sentence did: the prediction to publish and what the operator counts.
   *
   * @param newColumns words that got their own vector
   * @param refused words refused a vector because the model is full
   */
  record Trained(EncodedRecord prediction, int windows, int newColumns, int refused) {}

  /**
   * Test-then-train on a labelled sentence ({@link ModelInput#labels}: tag ids of the model's tag
   * set), applied to {@code m} only when nothing failed.
   *
   * @throws RecordRejected when the update is not finite or the prediction too large; the model is
   *     unchanged
   */
  static <V> Trained train(LiveModel<V, ?> m, ModelInput input, OnlineLearner.WordCounts counts)
      throws Exception {
    return train(m, m.typed, input, counts);
  }

  private static <V, T extends Dense> Trained train(
      LiveModel<V, ?> m,
      LiveTypedParameters<V, T> p,
      ModelInput input,
      OnlineLearner.WordCounts counts)
      throws Exception {
    OnlineLearner.Update<V, T> update =
        p.learner.learn(
            tokens(input),
            input.labels,
            p.dense,
            p.spare,
            p.capitals,
            m.columns,
            counts,
            m.counters.columns,
            m.counters.examplesSeen);
    if (!update.isFinite()) throw RecordRejected.nonFiniteUpdate(m.name);
    TagDecoder.Sentence decoded = TagDecoder.decodeSentence(p.tagSet, update.outputs());
    // The counters reported are those of the model before this sentence.
    EncodedRecord prediction = Outputs.typedPrediction(input, p.tagSet, decoded, m.counters);
    p.learner.commit(update, m.columns, counts, m.changed);
    m.unsent.addAll(update.columns().keySet());
    p.take(update);
    Prequential.recordTyped(m.counters, p.tagSet, update.outputs(), decoded.tags(), input.labels);
    return new Trained(
        prediction, update.windows(), update.newColumns().size(), update.refused().size());
  }

  private static List<String> tokens(ModelInput input) {
    return Arrays.asList(input.sentence.tokens);
  }
}
