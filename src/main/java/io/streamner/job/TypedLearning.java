package io.streamner.job;

import io.streamner.model.OnlineLearner;
import io.streamner.model.TagDecoder;
import io.streamner.model.TypedLearner;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model operator's work on a typed model ({@code LOC+ORG} in {@code models}): test-then-train
 * and scoring with {@link TypedLearner}, by the rules of the binary path in {@link ModelOperator}.
 * A sentence is trained on copies, and the update is applied only when it is finite and its
 * prediction can be written. The prediction holds the well-formed tag sequence of highest
 * probability ({@link TagDecoder}) and its entities.
 */
final class TypedLearning {
  private final OnlineLearner.Settings settings;
  private final Map<String, TypedLearner> learners = new HashMap<>();

  TypedLearning(OnlineLearner.Settings settings) {
    this.settings = settings;
  }

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
  Trained train(LiveModel<double[], ?> m, ModelInput input, OnlineLearner.WordCounts counts)
      throws Exception {
    LiveTypedParameters p = m.typed;
    TypedLearner learner = learner(m);
    TypedLearner.Update update =
        learner.learn(
            tokens(input),
            input.labels,
            p.dense,
            p.spare,
            p.capitals,
            m.columns,
            counts,
            m.counters.columns);
    if (!update.isFinite()) throw RecordRejected.nonFiniteUpdate(m.name);
    TagDecoder.Sentence decoded = TagDecoder.decodeSentence(p.tagSet, update.probabilities());
    // The counters reported are those of the model before this sentence.
    EncodedRecord prediction = Outputs.typedPrediction(input, p.tagSet, decoded, m.counters);
    learner.commit(update, m.columns, counts, m.changed);
    p.take(update);
    Prequential.recordTyped(
        m.counters, p.tagSet, update.probabilities(), decoded.tags(), input.labels);
    return new Trained(
        prediction, update.windows(), update.newColumns().size(), update.refused().size());
  }

  /** The prediction for a sentence to score; changes nothing but the caller's counters. */
  EncodedRecord score(LiveModel<double[], ?> m, ModelInput input) throws Exception {
    LiveTypedParameters p = m.typed;
    double[][] probabilities = learner(m).score(tokens(input), p.dense, p.capitals, m.columns);
    for (double[] row : probabilities) RecordRejected.checkProbabilities(m.name, row);
    return Outputs.typedPrediction(
        input, p.tagSet, TagDecoder.decodeSentence(p.tagSet, probabilities), m.counters);
  }

  /** One learner per typed model: it holds the model's tag set and a workspace of its shape. */
  private TypedLearner learner(LiveModel<double[], ?> m) {
    return learners.computeIfAbsent(
        m.name, name -> new TypedLearner(settings, m.typed.tagSet, m.typed.capitalizationDim()));
  }

  private static List<String> tokens(ModelInput input) {
    return Arrays.asList(input.sentence.tokens);
  }
}
