package io.streamner.text;

import java.util.List;

/**
 * Cuts a sentence into one window per token: the token at the centre and (C-1)/2 neighbours on each
 * side, padded with {@link Vocabulary#START} before the sentence and {@link Vocabulary#END} after
 * it.
 */
public final class Windows {
  private Windows() {}

  /**
   * Word ids of every window of a sentence of word ids: {@code result[t]} is centred on token t.
   */
  public static int[][] of(int[] sentence, int windowSize, int startId, int endId) {
    checkWindowSize(windowSize);
    int half = windowSize / 2;
    int[][] windows = new int[sentence.length][windowSize];
    for (int t = 0; t < sentence.length; t++) {
      for (int c = 0; c < windowSize; c++) {
        int i = t - half + c;
        windows[t][c] = i < 0 ? startId : i >= sentence.length ? endId : sentence[i];
      }
    }
    return windows;
  }

  /** Words of every window of a sentence of (normalised) words, padded with the padding words. */
  public static String[][] of(List<String> sentence, int windowSize) {
    checkWindowSize(windowSize);
    int half = windowSize / 2;
    String[][] windows = new String[sentence.size()][windowSize];
    for (int t = 0; t < sentence.size(); t++) {
      for (int c = 0; c < windowSize; c++) {
        int i = t - half + c;
        windows[t][c] =
            i < 0 ? Vocabulary.START : i >= sentence.size() ? Vocabulary.END : sentence.get(i);
      }
    }
    return windows;
  }

  private static void checkWindowSize(int windowSize) {
    if (windowSize < 1 || windowSize % 2 == 0) {
      throw new IllegalArgumentException(
          "window size must be a positive odd number, got " + windowSize);
    }
  }
}
