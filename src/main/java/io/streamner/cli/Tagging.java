package io.streamner.cli;

import io.streamner.model.NerModel;
import io.streamner.model.WindowNetwork;
import java.util.List;
import java.util.function.Function;

/** Turning the model's probabilities into decisions. */
final class Tagging {
  /** A token is the entity when the model gives it at least this probability. */
  static final double THRESHOLD = 0.5;

  private Tagging() {}

  static Function<List<String>, boolean[]> tagger(NerModel model, double threshold) {
    WindowNetwork.Workspace ws = new WindowNetwork.Workspace(model.hyperparameters());
    return tokens -> {
      double[] p = model.probabilities(tokens, ws);
      boolean[] positive = new boolean[p.length];
      for (int t = 0; t < p.length; t++) positive[t] = p[t] >= threshold;
      return positive;
    };
  }
}
