package io.streamner.cli;

import io.streamner.eval.TokenDecisions;
import io.streamner.model.NerModel;
import io.streamner.model.TagDecoder;
import io.streamner.model.TagDecoder.ScoredMention;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.text.EntityTags;
import io.streamner.text.Mention;
import io.streamner.text.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Turning a model's probabilities into decisions: labels per token and entities per sentence. */
final class Tagging {
  private Tagging() {}

  /**
   * One tagged sentence: a label per token, the probability behind it, and the entities.
   *
   * @param probabilities binary model: P(entity) of each token; typed model: the probability of
   *     each token's decoded tag
   */
  record Tagged(
      List<String> tokens, List<String> labels, double[] probabilities, List<Entity> entities) {}

  /**
   * An entity of a tagged sentence: tokens [start, end) of a type, their text (the tokens joined by
   * spaces) and a score, the mean probability of its tokens' labels.
   */
  record Entity(int start, int end, String type, String text, double score) {
    static Entity of(Mention m, List<String> tokens, double score) {
      return new Entity(
          m.start(),
          m.end(),
          m.type(),
          String.join(" ", tokens.subList(m.start(), m.end())),
          score);
    }
  }

  /**
   * A model ready to tag sentences one after another (it keeps its workspace): a binary model's
   * tokens at or above the threshold, a typed model's decoded tags (the threshold does not apply).
   */
  static Function<List<String>, Tagged> of(TaggingModel model, double threshold) {
    if (model instanceof TypedModel typed) return typed(typed);
    NerModel binary = (NerModel) model;
    TaggingModel.Steps steps = binary.steps();
    return tokens -> {
      double[] p = binary.probabilities(tokens, steps);
      boolean[] positive = TokenDecisions.positives(p, threshold);
      List<Entity> entities = new ArrayList<>();
      for (Span span : EntityTags.spansOfPositives(positive)) {
        double sum = 0;
        for (int t = span.start(); t < span.end(); t++) sum += p[t];
        Mention m = new Mention(binary.entity(), span.start(), span.end());
        entities.add(Entity.of(m, tokens, sum / span.length()));
      }
      return new Tagged(
          tokens, Arrays.asList(EntityTags.bioLabels(positive, binary.entity())), p, entities);
    };
  }

  /** The typed model's decoded tags (see {@link TagDecoder}) and entities. */
  private static Function<List<String>, Tagged> typed(TypedModel model) {
    TaggingModel.Steps steps = model.steps();
    return tokens -> {
      TagDecoder.Sentence decoded =
          TagDecoder.decodeSentence(model.tagSet(), model.probabilities(tokens, steps));
      List<Entity> entities = new ArrayList<>();
      for (ScoredMention m : decoded.mentions()) {
        entities.add(Entity.of(m.mention(), tokens, m.score()));
      }
      return new Tagged(
          tokens, model.tagSet().labels(decoded.tags()), decoded.probabilities(), entities);
    };
  }

  /** For the binary evaluator: whether each token is the entity. */
  static Function<List<String>, boolean[]> decisions(NerModel model, double threshold) {
    TaggingModel.Steps steps = model.steps();
    return tokens -> TokenDecisions.positives(model.probabilities(tokens, steps), threshold);
  }

  /**
   * Several binary models of different types as one typed tagger, the way a user would combine them
   * by hand: each token takes the type whose model gives it the highest probability at or above the
   * threshold, and a run of tokens of one type is one entity ({@code B-} then {@code I-}). A binary
   * model cannot say where one mention ends and the next begins.
   */
  static Function<List<String>, List<String>> combined(List<NerModel> models, double threshold) {
    List<TaggingModel.Steps> kernels = models.stream().map(NerModel::steps).toList();
    return tokens -> {
      String[] types = new String[tokens.size()];
      double[] best = new double[tokens.size()];
      for (int m = 0; m < models.size(); m++) {
        double[] p = models.get(m).probabilities(tokens, kernels.get(m));
        for (int t = 0; t < p.length; t++) {
          if (p[t] >= threshold && p[t] > best[t]) {
            best[t] = p[t];
            types[t] = models.get(m).entity();
          }
        }
      }
      List<String> labels = new ArrayList<>(types.length);
      for (int t = 0; t < types.length; t++) {
        if (types[t] == null) labels.add("O");
        else labels.add((t > 0 && types[t].equals(types[t - 1]) ? "I-" : "B-") + types[t]);
      }
      return labels;
    };
  }
}
