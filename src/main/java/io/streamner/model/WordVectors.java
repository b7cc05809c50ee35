package io.streamner.model;

import io.streamner.text.PretrainedVectors;
import io.streamner.text.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds L: one n-vector per vocabulary word. */
public final class WordVectors {
  /** Words without a pretrained vector start uniform in +-RANDOM_RANGE. */
  public static final double RANDOM_RANGE = 0.1;

  private WordVectors() {}

  /**
   * The starting vector of a word that has no pretrained one. It depends only on the word, the seed
   * and n, never on the order words arrive in: the streaming job creates columns as words appear,
   * and a replay of the stream must give the same model.
   */
  public static double[] randomVector(String word, long seed, int dim) {
    SplittableRandom random = new SplittableRandom(fnv1a64(word) ^ (seed * 0x9E3779B97F4A7C15L));
    double[] v = new double[dim];
    for (int d = 0; d < dim; d++) v[d] = (2 * random.nextDouble() - 1) * RANDOM_RANGE;
    return v;
  }

  /**
   * {@link #randomVector} rounded to float: the starting vector of a word in a float model, so that
   * a stream and an offline run in float start from the same numbers.
   */
  public static float[] randomFloatVector(String word, long seed, int dim) {
    return toFloat(randomVector(word, seed, dim));
  }

  /** Every value rounded to the nearest float. */
  public static float[] toFloat(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
    return f;
  }

  /** The same values in double (exactly: every float is a double). */
  public static double[] toDouble(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) d[i] = values[i];
    return d;
  }

  /**
   * L for {@code vocabulary}: the pretrained vector of each word that has one, a random one
   * otherwise.
   */
  public static double[][] initialise(
      Vocabulary vocabulary, PretrainedVectors pretrained, long seed, int dim) {
    Map<String, double[]> known = new HashMap<>();
    if (pretrained != null) {
      if (pretrained.dim() != dim) {
        throw new IllegalArgumentException(
            "the vectors have " + pretrained.dim() + " dimensions but the model has " + dim);
      }
      for (int i = 0; i < pretrained.words().size(); i++)
        known.put(pretrained.words().get(i), pretrained.vectors().get(i));
    }
    double[][] l = new double[vocabulary.size()][];
    for (int id = 0; id < vocabulary.size(); id++) {
      String word = vocabulary.word(id);
      double[] v = known.get(word);
      l[id] = v != null ? v.clone() : randomVector(word, seed, dim);
    }
    return l;
  }

  /** FNV-1a over the UTF-8 bytes: stable across JVMs, unlike String.hashCode's 32 bits. */
  static long fnv1a64(String word) {
    long h = 0xcbf29ce484222325L;
    for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
