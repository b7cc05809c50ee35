package io.streamner.cli;

import io.streamner.eval.Evaluator;
import io.streamner.eval.TypedScores;
import io.streamner.model.TagDecoder;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight of {@code O} in a typed model's decoding, chosen on the dev set after training (eq. 53
 * of src/site/markdown/typed-model.md): the window network's softmax is trained for the loss, not
 * for entity F1, and on corpora where entities are rare it says {@code O} too readily. Each weight
 * w of {@link #WEIGHTS} multiplies P(O) of every token before Viterbi decoding; the one with the
 * best strict entity F1 on dev is kept by adding ln w to b2 of {@code O}, so the model file, {@code
 * tag}, {@code eval} and a job that starts from the file decode with it and need no new setting.
 */
final class OutsideWeight {
  private OutsideWeight() {}

  /**
   * The weights tried, nearest to 1 first, so that a tie keeps the model as trained: from 2 (fewer
   * entities) to 0.05 (more).
   */
  static final double[] WEIGHTS = {1, 1.5, 0.7, 2, 0.5, 0.3, 0.2, 0.1, 0.05};

  /** The weight chosen, and the dev set's strict entity F1 with weight 1 and with it. */
  record Choice(double weight, double devF1Before, double devF1After) {}

  /**
   * Chooses the weight on {@code dev} and applies it to {@code model} (b2 of {@code O} += ln w;
   * nothing for weight 1). The network runs once per sentence; each weight only decodes again.
   */
  static Choice calibrate(TypedModel model, List<Sentence> dev) {
    TaggingModel.Steps steps = model.steps();
    Map<List<String>, double[][]> probabilities = new IdentityHashMap<>();
    for (Sentence s : dev) probabilities.put(s.tokens(), model.probabilities(s.tokens(), steps));
    double before = 0, best = -1, chosen = 1;
    for (double w : WEIGHTS) {
      double f1 = devF1(model, dev, probabilities, w);
      if (w == 1) before = f1;
      if (f1 > best) {
        best = f1;
        chosen = w;
      }
    }
    if (chosen != 1) model.shiftBias(TagSet.OUTSIDE, Math.log(chosen));
    return new Choice(chosen, before, best);
  }

  /** Strict entity F1 on dev when P(O) is weighed by {@code w} before decoding. */
  private static double devF1(
      TypedModel model, List<Sentence> dev, Map<List<String>, double[][]> probabilities, double w) {
    TypedScores scores =
        Evaluator.evaluateTyped(
            model.types(),
            dev,
            tokens -> {
              double[][] p = probabilities.get(tokens);
              double[][] weighed = new double[p.length][];
              for (int t = 0; t < p.length; t++) {
                weighed[t] = p[t].clone();
                weighed[t][TagSet.OUTSIDE] *= w;
              }
              return model.tagSet().labels(TagDecoder.decode(model.tagSet(), weighed));
            });
    return scores.entities().overall().f1();
  }
}
