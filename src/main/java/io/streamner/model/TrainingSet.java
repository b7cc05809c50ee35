package io.streamner.model;

import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import java.util.ArrayList;
import java.util.List;

/**
 * The training windows of a corpus for one model, in corpus order: the word ids of each window and
 * its binary label (1 when the centre token is of the model's entity type).
 */
public record TrainingSet(int[][] windows, int[] labels) {

  public static TrainingSet of(NerModel model, List<Sentence> sentences) {
    List<int[]> windows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Sentence s : sentences) {
      if (!s.labelled()) continue;
      int[][] w = model.windows(s.tokens());
      int[] y = EntityTags.binaryLabels(s.tags(), model.entity());
      for (int t = 0; t < w.length; t++) {
        windows.add(w[t]);
        labels.add(y[t]);
      }
    }
    return new TrainingSet(
        windows.toArray(new int[0][]), labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** m in the specification: the number of training windows. */
  public int size() {
    return labels.length;
  }

  public long positives() {
    long p = 0;
    for (int y : labels) p += y;
    return p;
  }
}
