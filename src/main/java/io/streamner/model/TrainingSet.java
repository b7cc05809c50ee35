package io.streamner.model;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The training windows of a corpus for one model, in corpus order: the word ids of each window, its
 * capitalisation classes (null for a model without capitalisation features) and its label: for a
 * binary model 1 when the centre token is of the model's entity type, for a typed model the id of
 * the centre token's tag in the model's tag set.
 */
public record TrainingSet(int[][] windows, int[][] capitals, int[] labels) {

  /** The windows of a binary model, labelled 1 (the entity) or 0. */
  public static TrainingSet of(NerModel model, List<Sentence> sentences) {
    return of(model.input(), sentences, tags -> EntityTags.binaryLabels(tags, model.entity()));
  }

  /** The windows of a typed model, labelled with tag ids of its tag set. */
  public static TrainingSet of(TypedModel model, List<Sentence> sentences) {
    return of(model.input(), sentences, model.tagSet()::encode);
  }

  private static TrainingSet of(
      WindowInput input, List<Sentence> sentences, Function<List<String>, int[]> labelling) {
    List<int[]> windows = new ArrayList<>();
    List<int[]> capitals = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      int[][] w = input.windows(s.tokens());
      int[][] c = input.capitalWindows(s.tokens());
      int[] y = labelling.apply(s.tags());
      for (int t = 0; t < w.length; t++) {
        windows.add(w[t]);
        if (c != null) capitals.add(c[t]);
        labels.add(y[t]);
      }
    }
    return new TrainingSet(
        windows.toArray(new int[0][]),
        input.hasCapitals() ? capitals.toArray(new int[0][]) : null,
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** m in the specification: the number of training windows. */
  public int size() {
    return labels.length;
  }

  /** Windows whose centre token is an entity (label 1, or a tag other than O). */
  public long positives() {
    long p = 0;
    for (int y : labels) if (y != 0) p++;
    return p;
  }

  /** The capitalisation classes of window i, or null without capitalisation features. */
  public int[] capitals(int i) {
    return capitals == null ? null : capitals[i];
  }
}
