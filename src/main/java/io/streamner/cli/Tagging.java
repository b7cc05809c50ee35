package io.streamner.cli;

import io.streamner.eval.TokenDecisions;
import io.streamner.model.NerModel;
import java.util.List;
import java.util.function.Function;

/** Turning the model's probabilities into decisions. */
final class Tagging {
  private Tagging() {}

  static Function<List<String>, boolean[]> tagger(NerModel model, double threshold) {
    NerModel.Steps steps = model.steps();
    return tokens -> {
      return TokenDecisions.positives(model.probabilities(tokens, steps), threshold);
    };
  }
}
