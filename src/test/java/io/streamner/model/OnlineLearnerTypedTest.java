package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.model.OnlineLearnerTest.MapColumns;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The streaming learner of typed models: the promises {@link OnlineLearner} makes, typed. */
class OnlineLearnerTypedTest {
  private static final Hyperparameters HP = new Hyperparameters(3, 6, 8, 0.05, 0.01, 5);
  private static final TagSet TAGS = new TagSet(TagSet.Scheme.BIO, List.of("PER", "LOC"));
  private static final int K = 2;

  /** Sentences with people and places, capitalised or not. */
  static List<Sentence> corpus(int n, long seed) {
    Random random = new Random(seed);
    String[] names = {"Anna", "ben", "Carl", "DORA"};
    String[] places = {"Paris", "rome", "Oslo"};
    String[] words = {"the", "cat", "sat", "on", "a", "mat", "today", "in"};
    List<Sentence> sentences = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<String> tokens = new ArrayList<>();
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int kind = random.nextInt(6);
        if (kind == 0) {
          tokens.add(names[random.nextInt(names.length)]);
          tags.add(i > 0 && tags.get(i - 1).endsWith("PER") ? "I-PER" : "B-PER");
        } else if (kind == 1) {
          tokens.add(places[random.nextInt(places.length)]);
          tags.add("B-LOC");
        } else {
          tokens.add(words[random.nextInt(words.length)]);
          tags.add("O");
        }
      }
      sentences.add(new Sentence(tokens, tags, s + 1));
    }
    return sentences;
  }

  static TypedModel freshOffline(List<Sentence> sentences) {
    TokenNormalizer normalizer = TokenNormalizer.defaults();
    Vocabulary vocabulary =
        Vocabulary.of(VocabularyBuilder.frequentWords(sentences, normalizer, 1));
    return TypedModel.initialise(
        TAGS,
        new WindowInput(
            HP,
            normalizer,
            vocabulary,
            WordVectors.initialise(vocabulary, null, HP.seed(), HP.dim()),
            WindowInput.initialCapitals(K, HP.seed())));
  }

  static OnlineLearner<double[], DenseParameters> learner(double decay) {
    return OnlineLearner.of(
        new OnlineLearner.Settings(HP, TokenNormalizer.defaults(), 1, decay), TAGS.size(), K);
  }

  /**
   * A streaming typed model in the learner's precision, from the double start (rounded to float in
   * float, as {@code train --types --precision float} does): dense parameters and E swapped for the
   * trained copies.
   */
  static final class Streamed<V, P extends Dense> {
    final OnlineLearner<V, P> learner;
    final MapColumns<V> columns = new MapColumns<>();
    final Set<String> changed = new HashSet<>();
    P dense;
    P spare;
    V[] capitals;
    long examples; // windows trained so far, as the job counts them

    Streamed(OnlineLearner<V, P> learner) {
      this.learner = learner;
      VectorOps<V> vectors = learner.kernel().vectors();
      for (String special : new String[] {Vocabulary.UNKNOWN, Vocabulary.START, Vocabulary.END}) {
        columns.put(special, vectors.randomVector(special, HP.seed(), HP.dim()));
      }
      DenseParameters start =
          DenseParameters.initialise(HP.hidden(), HP.windowSize() * (HP.dim() + K), 5, HP.seed());
      dense = learner.kernel().dense(start);
      spare = learner.kernel().dense(start);
      double[][] e = WindowInput.initialCapitals(K, HP.seed());
      capitals = vectors.array(e.length);
      for (int c = 0; c < e.length; c++) capitals[c] = vectors.vector(e[c]);
    }

    /** Learns without committing. */
    OnlineLearner.Update<V, P> attempt(Sentence s) throws Exception {
      return learner.learn(
          s.tokens(),
          TAGS.encode(s.tags()),
          dense,
          spare,
          capitals,
          columns,
          columns,
          columns.vectors.size(),
          examples);
    }

    /** Learns and commits, as the job will do with a finite update. */
    OnlineLearner.Update<V, P> learn(Sentence s) throws Exception {
      OnlineLearner.Update<V, P> update = attempt(s);
      assertTrue(update.isFinite());
      learner.commit(update, columns, columns, changed);
      spare = dense;
      dense = update.dense();
      capitals = update.capitals();
      examples += update.windows();
      return update;
    }
  }

  /** The promise the job will make for typed models: same order, same seed -> the offline model. */
  @Test
  void aStreamOfSentencesIsOneOfflineEpochBitForBit() throws Exception {
    List<Sentence> sentences = corpus(150, 3);
    TypedModel offline = freshOffline(sentences);
    TrainingSet data = TrainingSet.of(offline, sentences);
    Trainer.train(offline, data, 1, false, r -> {});

    Streamed<double[], DenseParameters> streamed =
        new Streamed<>(learner(HP.regularization() / data.size()));
    for (Sentence s : sentences) streamed.learn(s);

    assertSameModel(offline, streamed);
  }

  /**
   * The same promise in float: the float typed kernel, from the double start rounded to float once,
   * gives bit for bit one in-order offline epoch of {@code train --types --precision float}.
   */
  @Test
  void aStreamOfSentencesIsOneOfflineFloatEpochBitForBit() throws Exception {
    List<Sentence> sentences = corpus(150, 3);
    TypedModel offline = freshOffline(sentences).in(Precision.FLOAT);
    TrainingSet data = TrainingSet.of(offline, sentences);
    Trainer.train(offline, data, 1, false, r -> {});

    Streamed<float[], FloatParameters> streamed =
        new Streamed<>(
            OnlineLearner.of(
                new OnlineLearner.Settings(
                    HP.withPrecision(Precision.FLOAT),
                    TokenNormalizer.defaults(),
                    1,
                    HP.regularization() / data.size()),
                TAGS.size(),
                K));
    for (Sentence s : sentences) streamed.learn(s);

    assertSameModel(offline, streamed);
  }

  /**
   * The streamed model is the offline one bit for bit, in either precision: W, b1, U and b2, each
   * capitalisation vector, and a vector for every word of the offline vocabulary and no other.
   */
  private static void assertSameModel(TypedModel offline, Streamed<?, ?> streamed) {
    boolean floats = offline.precision() == Precision.FLOAT;
    assertSameNumbers(offline.weights().flatValues(), streamed.dense.flatValues(), "W, b1, U, b2");
    Object[] capitals = floats ? offline.input().floatCapitals() : offline.input().capitals();
    for (int c = 0; c < streamed.capitals.length; c++) {
      assertSameNumbers(capitals[c], streamed.capitals[c], "class " + c);
    }
    Vocabulary vocabulary = offline.input().vocabulary();
    Object[] vectors = floats ? offline.input().floatVectors() : offline.input().vectors();
    assertEquals(vocabulary.size(), streamed.columns.vectors.size());
    for (String word : vocabulary.words()) {
      assertSameNumbers(vectors[vocabulary.id(word)], streamed.columns.vectors.get(word), word);
    }
  }

  /** assertArrayEquals of two double[] or two float[], the precision of the model they are of. */
  private static void assertSameNumbers(Object expected, Object actual, String what) {
    if (expected instanceof float[] f) assertArrayEquals(f, (float[]) actual, what);
    else assertArrayEquals((double[]) expected, (double[]) actual, what);
  }

  /** Test-then-train: each token's probabilities come from the model just before its step. */
  @Test
  void probabilitiesAreThoseBeforeEachWindowsStep() throws Exception {
    List<Sentence> sentences = corpus(20, 4);
    Streamed<double[], DenseParameters> streamed = new Streamed<>(learner(0));
    for (Sentence s : sentences.subList(0, 19)) streamed.learn(s);
    Sentence last = sentences.get(19);
    DenseParameters before = streamed.dense.copy();
    double[][] scored =
        streamed.learner.score(last.tokens(), before, streamed.capitals, streamed.columns);
    OnlineLearner.Update<double[], DenseParameters> update = streamed.learn(last);
    assertArrayEquals(scored[0], update.outputs()[0], "the first window: nothing trained yet");
    assertEquals(last.size(), update.windows());
    double sum = 0;
    for (double p : update.outputs()[3]) sum += p;
    assertEquals(1.0, sum, 1e-12);
  }

  @Test
  void learningChangesNothingTheCallerHoldsUntilCommitted() throws Exception {
    Streamed<double[], DenseParameters> streamed = new Streamed<>(learner(0));
    Sentence s = corpus(1, 5).get(0);
    DenseParameters dense = streamed.dense.copy();
    double[][] capitals = streamed.capitals;
    double[] first = capitals[0].clone();
    int words = streamed.columns.vectors.size();
    OnlineLearner.Update<double[], DenseParameters> update = streamed.attempt(s);
    assertEquals(dense, streamed.dense);
    assertArrayEquals(first, capitals[0]);
    assertEquals(words, streamed.columns.vectors.size());
    assertFalse(update.newColumns().isEmpty());
  }

  @Test
  void anUpdateThatOverflowedIsNotFinite() throws Exception {
    Streamed<double[], DenseParameters> streamed = new Streamed<>(learner(0));
    streamed.capitals[1][0] = Double.NaN;
    Sentence s = corpus(1, 6).get(0);
    OnlineLearner.Update<double[], DenseParameters> update = streamed.attempt(s);
    assertFalse(update.isFinite());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            streamed.learner.score(s.tokens(), streamed.dense, new double[6][3], streamed.columns),
        "capitalisation vectors of the wrong size");
  }
}
