package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerTest {
  private static final Hyperparameters HP = new Hyperparameters(3, 6, 8, 0.05, 0.01, 5);

  static List<Sentence> corpus(int n, long seed) {
    Random random = new Random(seed);
    String[] names = {"anna", "ben", "carl", "dora", "emil"};
    String[] words = {"the", "cat", "sat", "on", "a", "mat", "today"};
    List<Sentence> sentences = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<String> tokens = new ArrayList<>();
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        boolean name = random.nextInt(4) == 0;
        tokens.add(
            name ? names[random.nextInt(names.length)] : words[random.nextInt(words.length)]);
        tags.add(name ? "B-PER" : "O");
      }
      sentences.add(new Sentence(tokens, tags, s + 1));
    }
    return sentences;
  }

  static NerModel fresh(List<Sentence> sentences) {
    return fresh(sentences, HP);
  }

  static NerModel fresh(List<Sentence> sentences, Hyperparameters hp) {
    TokenNormalizer normalizer = TokenNormalizer.defaults();
    Vocabulary vocabulary =
        Vocabulary.of(VocabularyBuilder.frequentWords(sentences, normalizer, 1));
    return NerModel.initialise(
        "PER",
        hp,
        normalizer,
        vocabulary,
        WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim()));
  }

  /**
   * The step size schedule alpha / (1 + d t) counts t over every window the model has trained on:
   * two epochs in two calls (as {@code train --init} continues a model) equal two in one, bit for
   * bit, and differ from a constant step; without a decay the step is alpha itself.
   */
  @Test
  void theStepSizeScheduleCountsEveryWindowTheModelTrainedOn() {
    Hyperparameters decaying = HP.withLearningRateDecay(1e-3);
    assertEquals(HP.learningRate(), HP.learningRateAt(1_000_000));
    assertEquals(0.05 / (1 + 1e-3 * 250), decaying.learningRateAt(250));
    assertEquals(null, HP.withLearningRateDecay(0.0).learningRateDecay(), "0 is no schedule");
    IllegalArgumentException negative =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> HP.withLearningRateDecay(-1e-5));
    assertTrue(negative.getMessage().contains("decay must be zero or positive"));
    assertEquals(1.0, HP.vectorStepFactor(), "the tables step at alpha unless set");
    assertEquals(
        null, HP.withVectorLearningRateFactor(1.0).vectorLearningRateFactor(), "1 is none");
    assertEquals(3.0, HP.withVectorLearningRateFactor(3.0).vectorStepFactor());
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> HP.withVectorLearningRateFactor(bad));
      assertTrue(e.getMessage().contains("factor must be a positive number"), e.getMessage());
    }

    List<Sentence> sentences = corpus(100, 3);
    NerModel once = fresh(sentences, decaying);
    Trainer.train(once, TrainingSet.of(once, sentences), 2, false, r -> {});
    NerModel twice = fresh(sentences, decaying);
    Trainer.train(twice, TrainingSet.of(twice, sentences), 1, false, r -> {});
    Trainer.train(twice, TrainingSet.of(twice, sentences), 1, false, r -> {});
    assertArrayEquals(once.dense().flatten(), twice.dense().flatten());
    NerModel constant = fresh(sentences);
    Trainer.train(constant, TrainingSet.of(constant, sentences), 2, false, r -> {});
    assertNotEquals(
        java.util.Arrays.toString(constant.dense().flatten()),
        java.util.Arrays.toString(once.dense().flatten()));
  }

  @Test
  void lossFallsEpochAfterEpochAndCountersGrow() {
    List<Sentence> sentences = corpus(200, 1);
    NerModel model = fresh(sentences);
    TrainingSet data = TrainingSet.of(model, sentences);
    List<Trainer.EpochReport> reports = new ArrayList<>();
    Trainer.train(model, data, 3, false, reports::add);
    assertEquals(3, reports.size());
    assertTrue(reports.get(2).meanLoss() < reports.get(0).meanLoss() * 0.5, reports.toString());
    assertEquals(3L * data.size(), model.examplesTrained());
    assertEquals(3, model.epochsTrained());
    assertEquals(1200, data.size());
  }

  /**
   * The trainer is nothing but DoubleKernel.sgdStep over the windows in order, with C/m as decay.
   */
  @Test
  void oneEpochInOrderIsTheKernelAppliedWindowByWindow() {
    List<Sentence> sentences = corpus(30, 2);
    NerModel trained = fresh(sentences);
    NerModel manual = fresh(sentences);
    TrainingSet data = TrainingSet.of(trained, sentences);
    Trainer.train(trained, data, 1, false, r -> {});
    DoubleKernel ws = new DoubleKernel(HP);
    double[][] columns = new double[3][];
    for (int i = 0; i < data.size(); i++) {
      ws.sgdStep(
          manual.dense(),
          manual.gather(data.windows()[i], columns),
          data.labels()[i],
          HP.learningRate(),
          HP.regularization() / data.size());
    }
    assertArrayEquals(manual.dense().flatten(), trained.dense().flatten());
    for (int v = 0; v < manual.vocabulary().size(); v++)
      assertArrayEquals(manual.vectors()[v], trained.vectors()[v]);
  }

  /**
   * A float model starts from the double model's numbers rounded to float, and its epoch is the
   * float kernel applied window by window: the bits of FloatKernel's own loop.
   */
  @Test
  void aFloatEpochIsTheFloatKernelAppliedWindowByWindow() {
    List<Sentence> sentences = corpus(30, 2);
    NerModel doubles = fresh(sentences);
    NerModel trained = fresh(sentences).in(Precision.FLOAT);
    assertEquals(Precision.FLOAT, trained.hyperparameters().precision());
    NerModel started =
        NerModel.initialise(
            "PER",
            HP.withPrecision(Precision.FLOAT),
            TokenNormalizer.defaults(),
            doubles.vocabulary(),
            doubles.vectors());
    assertEquals(FloatParameters.of(doubles.dense()), trained.weights());
    assertEquals(trained.weights(), started.weights());

    TrainingSet data = TrainingSet.of(trained, sentences);
    Trainer.train(trained, data, 1, false, r -> {});
    FloatParameters p = FloatParameters.of(doubles.dense());
    float[][] l = new float[doubles.vectors().length][];
    for (int v = 0; v < l.length; v++) l[v] = WordVectors.toFloat(doubles.vectors()[v]);
    FloatKernel ws = new FloatKernel(FloatKernel.fastestLoops(), HP.inputSize(), HP.hidden(), 1);
    for (int i = 0; i < data.size(); i++) {
      ws.sgdStep(
          p,
          FloatKernelTest.gather(l, data.windows()[i]),
          data.labels()[i],
          HP.learningRate(),
          HP.regularization() / data.size());
    }
    assertArrayEquals(p.flatten(), ((FloatParameters) trained.weights()).flatten());
    for (int v = 0; v < l.length; v++) assertArrayEquals(l[v], trained.input().floatVectors()[v]);
  }

  /**
   * A float model with capitalisation features: its windows are [L_word ; E_class] per position as
   * in double (eq. 32 of the typed model's page), and an epoch of it follows the same epoch in
   * double from the same (float-rounded) start, to the tolerance of {@link
   * FloatKernelTest#floatKernelFollowsTheDoubleKernelAndTheReference} (1e-4 relative, justified
   * there for 3,000 steps; this epoch has fewer). E trains too: it moves by far more than that.
   */
  @Test
  void aFloatModelWithCapitalisationFollowsTheDoubleOne() {
    List<Sentence> sentences = capitalisedNames(corpus(40, 3), false);
    WindowInput caps = withCapitals(sentences);
    NerModel floats = NerModel.initialise("PER", caps).in(Precision.FLOAT);
    NerModel doubles = floats.in(Precision.DOUBLE);
    float[][] startE = floats.input().floatCapitals();
    double[] e0 = WordVectors.toDouble(startE[0]).clone();

    Trainer.train(floats, TrainingSet.of(floats, sentences), 1, false, r -> {});
    Trainer.train(doubles, TrainingSet.of(doubles, sentences), 1, false, r -> {});

    double tolerance = 1e-4;
    float[][] vectors = floats.input().floatVectors();
    float[][] capitals = floats.input().floatCapitals();
    DoubleKernelTest.assertArraysClose(
        doubles.dense().flatten(),
        WordVectors.toDouble(((FloatParameters) floats.weights()).flatten()),
        tolerance);
    for (int v = 0; v < vectors.length; v++) {
      DoubleKernelTest.assertArraysClose(
          doubles.vectors()[v], WordVectors.toDouble(vectors[v]), tolerance);
    }
    double moved = 0;
    for (int c = 0; c < capitals.length; c++) {
      double[] trained = WordVectors.toDouble(capitals[c]);
      DoubleKernelTest.assertArraysClose(doubles.input().capitals()[c], trained, tolerance);
      if (c == 0) {
        for (int d = 0; d < trained.length; d++)
          moved = Math.max(moved, Math.abs(trained[d] - e0[d]));
      }
    }
    assertTrue(moved > 100 * tolerance, "E moved by " + moved);
  }

  /**
   * A typed model (PER and LOC, BIO, capitalisation features) in float: it starts from the double
   * model's numbers rounded to float, an epoch is the float typed kernel applied window by window
   * (the bits of FloatKernel's own loop), and it follows the same epoch in double from the same
   * (float-rounded) start to the tolerance of {@link
   * FloatKernelTypedTest#floatKernelFollowsTheDoubleKernelAndTheReference} (1e-4 relative,
   * justified there for 3,000 steps; this epoch has 240).
   */
  @Test
  void aFloatTypedEpochIsTheFloatKernelAndFollowsTheDoubleOne() {
    List<Sentence> sentences = capitalisedNames(corpus(40, 3), true);
    WindowInput caps = withCapitals(sentences);
    TagSet tagSet = new TagSet(TagSet.Scheme.BIO, List.of("PER", "LOC"));
    TypedModel doubles = TypedModel.initialise(tagSet, caps);
    TypedModel floats = TypedModel.initialise(tagSet, caps.in(Precision.FLOAT));
    assertEquals(FloatParameters.of(doubles.dense()), floats.weights());
    doubles = floats.in(Precision.DOUBLE); // the float-rounded start, exactly

    TrainingSet data = TrainingSet.of(floats, sentences);
    FloatParameters p = ((FloatParameters) floats.weights()).copy();
    float[][] l = FloatKernelTypedTest.floats(doubles.input().vectors());
    float[][] e = FloatKernelTypedTest.floats(doubles.input().capitals());
    Trainer.train(floats, data, 1, false, r -> {});
    Trainer.train(doubles, TrainingSet.of(doubles, sentences), 1, false, r -> {});

    FloatKernel ws = new FloatKernel(FloatKernel.fastestLoops(), p.inputSize, p.hidden, p.outputs);
    float[][] pieces = new float[2 * HP.windowSize()][];
    for (int i = 0; i < data.size(); i++) {
      ws.sgdStep(
          p,
          WindowInput.gather(l, e, data.windows()[i], data.capitals(i), pieces),
          data.labels()[i],
          HP.learningRate(),
          HP.regularization() / data.size());
    }
    assertEquals(p, floats.weights());
    for (int v = 0; v < l.length; v++) assertArrayEquals(l[v], floats.input().floatVectors()[v]);
    for (int c = 0; c < e.length; c++) assertArrayEquals(e[c], floats.input().floatCapitals()[c]);

    double tolerance = 1e-4;
    DoubleKernelTest.assertArraysClose(
        doubles.dense().flatten(), WordVectors.toDouble(p.flatten()), tolerance);
    for (int v = 0; v < l.length; v++) {
      DoubleKernelTest.assertArraysClose(
          doubles.input().vectors()[v], WordVectors.toDouble(l[v]), tolerance);
    }
    for (int c = 0; c < e.length; c++) {
      DoubleKernelTest.assertArraysClose(
          doubles.input().capitals()[c], WordVectors.toDouble(e[c]), tolerance);
    }
    double moved =
        FloatKernelTypedTest.largestDifference(
            FloatParameters.of(TypedModel.initialise(tagSet, caps).dense()).flatten(), p.flatten());
    assertTrue(moved > 100 * tolerance, "the epoch moved the parameters by " + moved);
  }

  /**
   * A fresh model's input with three capitalisation classes: where both capitalised tests start.
   */
  private static WindowInput withCapitals(List<Sentence> sentences) {
    NerModel plain = fresh(sentences);
    return new WindowInput(
        HP,
        plain.normalizer(),
        plain.vocabulary(),
        plain.vectors(),
        WindowInput.initialCapitals(3, HP.seed()));
  }

  /**
   * The corpus with its names capitalised (Anna, Ben, ...), so that capitalisation features have
   * something to learn; with {@code twoTypes}, dora and emil are places (B-LOC) instead of persons.
   */
  private static List<Sentence> capitalisedNames(List<Sentence> corpus, boolean twoTypes) {
    List<Sentence> sentences = new ArrayList<>();
    for (Sentence s : corpus) {
      List<String> tokens = new ArrayList<>();
      List<String> tags = new ArrayList<>();
      for (int t = 0; t < s.tokens().size(); t++) {
        String token = s.tokens().get(t);
        boolean name = !s.tags().get(t).equals("O");
        tokens.add(name ? Character.toUpperCase(token.charAt(0)) + token.substring(1) : token);
        boolean place = twoTypes && token.compareTo("d") >= 0;
        tags.add(!name ? "O" : place ? "B-LOC" : s.tags().get(t));
      }
      sentences.add(new Sentence(tokens, tags, s.line()));
    }
    return sentences;
  }

  @Test
  void shufflingIsSeededAndChangesTheResult() {
    List<Sentence> sentences = corpus(50, 3);
    NerModel a = fresh(sentences), b = fresh(sentences), inOrder = fresh(sentences);
    Trainer.train(a, TrainingSet.of(a, sentences), 2, true, r -> {});
    Trainer.train(b, TrainingSet.of(b, sentences), 2, true, r -> {});
    Trainer.train(inOrder, TrainingSet.of(inOrder, sentences), 2, false, r -> {});
    assertArrayEquals(a.dense().flatten(), b.dense().flatten());
    assertNotEquals(a.dense(), inOrder.dense());
  }

  @Test
  void windowsArePaddedAndUnknownWordsMapToUnk() {
    List<Sentence> sentences = corpus(5, 4);
    NerModel model = fresh(sentences);
    int[][] windows = model.windows(List.of("The", "zebra"));
    Vocabulary v = model.vocabulary();
    assertArrayEquals(new int[] {v.startId(), v.id("the"), Vocabulary.UNKNOWN_ID}, windows[0]);
    assertArrayEquals(new int[] {v.id("the"), Vocabulary.UNKNOWN_ID, v.endId()}, windows[1]);
    assertEquals(0, v.id(Vocabulary.UNKNOWN));
  }

  @Test
  void randomWordVectorsDependOnlyOnWordAndSeed() {
    assertArrayEquals(
        WordVectors.randomVector("zebra", 7, 5), WordVectors.randomVector("zebra", 7, 5));
    assertNotEquals(
        WordVectors.randomVector("zebra", 7, 5)[0], WordVectors.randomVector("zebra", 8, 5)[0]);
    assertNotEquals(
        WordVectors.randomVector("zebra", 7, 5)[0], WordVectors.randomVector("zebras", 7, 5)[0]);
    for (double x : WordVectors.randomVector("zebra", 7, 50))
      assertTrue(Math.abs(x) <= WordVectors.RANDOM_RANGE);
  }
}
