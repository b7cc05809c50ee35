package io.streamner.model;

import static io.streamner.model.DoubleKernelTest.assertArraysClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/** The typed network's fused fast path against the obvious EJML implementation. */
class DoubleKernelTypedTest {

  /**
   * Both are double precision and differ only in summation order, so after many steps on a small
   * vocabulary and the six capitalisation classes (words and classes repeat within and across
   * windows) they agree to a relative 1e-9 in every parameter and vector.
   */
  @Test
  void fastStepFollowsTheReferenceOverManySteps() {
    int window = 5, dim = 8, caps = 3, hidden = 12, tags = 7, vocabulary = 20, classes = 6;
    double learningRate = 0.05, decay = 0.5 / 1000;
    Random random = new Random(11);
    DenseParameters fast =
        GradientCheckTypedTest.randomTyped(hidden, window * (dim + caps), tags, random);
    DenseParameters start = fast.copy();
    ReferenceTypedNetwork.Parameters reference = ReferenceTypedNetwork.Parameters.of(fast);
    double[][] fastL = randomTable(vocabulary, dim, random);
    double[][] fastE = randomTable(classes, caps, random);
    double[][] referenceL = copy(fastL);
    double[][] referenceE = copy(fastE);
    DoubleKernel ws = new DoubleKernel(window * (dim + caps), hidden, tags);
    double fastLoss = 0, referenceLoss = 0;
    for (int step = 0; step < 3000; step++) {
      int[] words = new int[window];
      int[] classIds = new int[window];
      for (int c = 0; c < window; c++) {
        words[c] = random.nextInt(vocabulary);
        classIds[c] = random.nextInt(classes);
      }
      int y = random.nextInt(3) == 0 ? random.nextInt(tags) : 0;
      fastLoss += ws.sgdStep(fast, pieces(fastL, fastE, words, classIds), y, learningRate, decay);
      referenceLoss +=
          ReferenceTypedNetwork.sgdStep(
              reference, pieces(referenceL, referenceE, words, classIds), y, learningRate, decay);
    }
    assertEquals(referenceLoss, fastLoss, 1e-9 * referenceLoss);
    assertArraysClose(reference.toDouble().flatten(), fast.flatten(), 1e-9);
    for (int v = 0; v < vocabulary; v++) assertArraysClose(referenceL[v], fastL[v], 1e-9);
    for (int q = 0; q < classes; q++) assertArraysClose(referenceE[q], fastE[q], 1e-9);
    assertTrue(!fast.equals(start), "the steps changed the model");
  }

  @Test
  void forwardIsTheDistributionOfTheReference() {
    Random random = new Random(3);
    DenseParameters p = GradientCheckTypedTest.randomTyped(7, 15, 5, random);
    double[][] words = randomTable(3, 5, random);
    double[] a2 = new DoubleKernel(15, 7, 5).forward(p, words);
    double[] expected =
        ReferenceTypedNetwork.forward(ReferenceTypedNetwork.Parameters.of(p), words).a2().data;
    assertArraysClose(expected, a2, 1e-14);
    double sum = 0;
    for (double v : a2) sum += v;
    assertEquals(1.0, sum, 1e-12);
  }

  @Test
  void lossIsFiniteWhenTheNetworkIsConfidentlyWrong() {
    assertCrossEntropyIsFiniteWhenConfidentlyWrong(
        (z2, y) -> {
          // W = 0 and b1 = 0 make a1 = 0, so that the scores z2 are b2
          DenseParameters p = new DenseParameters(2, 3, z2.length);
          System.arraycopy(z2, 0, p.b2, 0, z2.length);
          return new DoubleKernel(3, 2, z2.length).sgdStep(p, new double[][] {{1, -2, 3}}, y, 0, 0);
        });
  }

  /**
   * The loss of a step of both typed kernels on a window whose scores z2 are given (z2 and the tag
   * in, the loss out), once.
   */
  static void assertCrossEntropyIsFiniteWhenConfidentlyWrong(
      ToDoubleBiFunction<double[], Integer> loss) {
    assertEquals(1600.0, loss.applyAsDouble(new double[] {-800, 800, 0}, 0), 1e-9);
    assertEquals(0.0, loss.applyAsDouble(new double[] {-800, 800, 0}, 1), 1e-9);
    assertEquals(Math.log(3), loss.applyAsDouble(new double[] {2, 2, 2}, 2), 1e-15);
  }

  /**
   * With f = 3 (eq. 48 with f alpha_t) the window's vectors move three times as far as with f = 1,
   * along the same gradient, while the loss and the dense parameters are those of f = 1: in double
   * and in float.
   */
  @Test
  void theVectorsStepAtTheirFactorTimesTheRateAndTheRestAtTheRate() {
    Random random = new Random(21);
    DenseParameters start = GradientCheckTypedTest.randomTyped(6, 12, 4, random);
    double[][] window = randomTable(4, 3, random);

    DenseParameters one = start.copy(), three = start.copy();
    double[][] movedOne = copy(window), movedThree = copy(window);
    double lossOne = new DoubleKernel(12, 6, 4).sgdStep(one, movedOne, 2, 0.1, 1e-3);
    double lossThree = new DoubleKernel(12, 6, 4, 3).sgdStep(three, movedThree, 2, 0.1, 1e-3);
    assertEquals(lossOne, lossThree);
    assertEquals(one, three);

    FloatParameters floatOne = FloatParameters.of(start), floatThree = FloatParameters.of(start);
    float[][] floatWindow = FloatKernelTypedTest.floats(window);
    float[][] floatMovedOne = FloatKernelTypedTest.floats(window);
    float[][] floatMovedThree = FloatKernelTypedTest.floats(window);
    double floatLossOne = new FloatKernel(12, 6, 4).sgdStep(floatOne, floatMovedOne, 2, 0.1, 1e-3);
    double floatLossThree =
        new FloatKernel(12, 6, 4, 3).sgdStep(floatThree, floatMovedThree, 2, 0.1, 1e-3);
    assertEquals(floatLossOne, floatLossThree);
    assertEquals(floatOne, floatThree);

    for (int i = 0; i < window.length; i++) {
      for (int d = 0; d < window[i].length; d++) {
        double step = window[i][d] - movedOne[i][d];
        assertTrue(Math.abs(step) > 1e-6, "piece " + i + " moved");
        assertEquals(3 * step, window[i][d] - movedThree[i][d], 1e-12);
        assertEquals(
            3 * (floatWindow[i][d] - floatMovedOne[i][d]),
            floatWindow[i][d] - floatMovedThree[i][d],
            1e-6);
      }
    }
  }

  /** The same array at two positions (a word twice, a class twice) receives both slices. */
  @Test
  void anArrayTwiceInAWindowReceivesBothGradientSlices() {
    Random random = new Random(5);
    DenseParameters fast = GradientCheckTypedTest.randomTyped(6, 12, 4, random);
    ReferenceTypedNetwork.Parameters reference = ReferenceTypedNetwork.Parameters.of(fast);
    double[] word = GradientCheckTest.randomVector(3, random);
    double[] cls = GradientCheckTest.randomVector(1, random);
    double[] other = GradientCheckTest.randomVector(3, random);
    double[] wordBefore = word.clone();
    double[] clsBefore = cls.clone();
    double[][] window = {word, cls, other, cls, word, cls};
    ReferenceTypedNetwork.Gradients g = ReferenceTypedNetwork.gradients(reference, window, 2, 0);
    new DoubleKernel(12, 6, 4).sgdStep(fast, window, 2, 0.1, 0);
    for (int d = 0; d < 3; d++) {
      double expected = wordBefore[d] - 0.1 * (g.dx().data[d] + g.dx().data[8 + d]);
      assertEquals(expected, word[d], 1e-12);
    }
    double expectedClass = clsBefore[0] - 0.1 * (g.dx().data[3] + g.dx().data[7] + g.dx().data[11]);
    assertEquals(expectedClass, cls[0], 1e-12);
  }

  @Test
  void aWindowOfTheWrongSizeOrATagOutsideTheSetIsRefused() {
    Random random = new Random(9);
    DenseParameters p = GradientCheckTypedTest.randomTyped(4, 6, 3, random);
    DoubleKernel ws = new DoubleKernel(6, 4, 3);
    double[][] tooShort = randomTable(1, 5, random);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ws.forward(p, tooShort));
    assertTrue(e.getMessage().contains("the model's input has 6"), e.getMessage());
    double[][] fine = randomTable(2, 3, random);
    assertThrows(IllegalArgumentException.class, () -> ws.sgdStep(p, fine, 3, 1, 0));
  }

  /**
   * The streaming learner's double buffer: each group of windows (a sentence) trains its first
   * window from the live parameters into a spare holding garbage, the rest in place on the spare,
   * then the two swap. The losses, parameters and vectors are the bits of training in place.
   */
  @Test
  void trainingIntoASpareGivesTheBitsOfTrainingInPlace() {
    int window = 3, dim = 5, caps = 2, hidden = 9, tags = 5, vocabulary = 10;
    Random random = new Random(17);
    DenseParameters inPlace =
        GradientCheckTypedTest.randomTyped(hidden, window * (dim + caps), tags, random);
    DenseParameters live = inPlace.copy();
    DenseParameters spare = new DenseParameters(hidden, window * (dim + caps), tags);
    double[][] l1 = randomTable(vocabulary, dim, random);
    double[][] e1 = randomTable(6, caps, random);
    double[][] l2 = copy(l1);
    double[][] e2 = copy(e1);
    DoubleKernel ws = new DoubleKernel(window * (dim + caps), hidden, tags);
    int steps = 400;
    for (int s = 0; s < steps; s++) {
      int[] words = new int[window];
      int[] classIds = new int[window];
      for (int c = 0; c < window; c++) {
        words[c] = random.nextInt(vocabulary);
        classIds[c] = random.nextInt(6);
      }
      int y = random.nextInt(tags);
      double a = ws.sgdStep(inPlace, pieces(l1, e1, words, classIds), y, 0.05, 1e-3);
      boolean first = s % 7 == 0;
      if (first) { // what a spare holds must not matter
        for (double[] row : spare.w) java.util.Arrays.fill(row, Double.NaN);
        for (double[] row : spare.u) java.util.Arrays.fill(row, 3);
        java.util.Arrays.fill(spare.b1, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(spare.b2, Double.NEGATIVE_INFINITY);
      }
      double b =
          ws.sgdStep(first ? live : spare, spare, pieces(l2, e2, words, classIds), y, 0.05, 1e-3);
      assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b), "step " + s);
      if (s % 7 == 6 || s == steps - 1) {
        DenseParameters t = live;
        live = spare;
        spare = t;
      }
    }
    assertArrayEquals(inPlace.flatten(), live.flatten());
    for (int v = 0; v < vocabulary; v++) assertArrayEquals(l1[v], l2[v]);
    for (int q = 0; q < 6; q++) assertArrayEquals(e1[q], e2[q]);
  }

  static double[][] pieces(double[][] l, double[][] e, int[] words, int[] classes) {
    double[][] pieces = new double[2 * words.length][];
    for (int c = 0; c < words.length; c++) {
      pieces[2 * c] = l[words[c]];
      pieces[2 * c + 1] = e[classes[c]];
    }
    return pieces;
  }

  static double[][] randomTable(int rows, int columns, Random random) {
    double[][] table = new double[rows][];
    for (int r = 0; r < rows; r++) table[r] = GradientCheckTest.randomVector(columns, random);
    return table;
  }

  private static double[][] copy(double[][] table) {
    double[][] c = new double[table.length][];
    for (int r = 0; r < table.length; r++) c[r] = table[r].clone();
    return c;
  }
}
