package io.streamner.model;

import static io.streamner.model.DoubleKernelTest.assertArraysClose;
import static io.streamner.model.FloatKernelTest.assertClose;
import static io.streamner.model.FloatKernelTest.toDouble;
import static io.streamner.model.FloatKernelTest.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The typed model's float kernel: SIMD against scalar bit for bit at every vector width, and within
 * a justified tolerance of the double {@link DoubleKernel} and the EJML {@link
 * ReferenceTypedNetwork}.
 */
class FloatKernelTypedTest {
  private static final int CLASSES = 6;

  private static List<FloatLoops> everyPath() {
    return List.of(
        new VectorFloatLoops(512),
        new VectorFloatLoops(256),
        new VectorFloatLoops(128),
        new FloatLoops());
  }

  /**
   * A seeded random problem: a starting model (double), L over a small vocabulary and E over the
   * six classes (so words and classes repeat within and across windows), and windows whose tag is O
   * two times in three.
   */
  private record Problem(
      int window,
      int dim,
      int caps,
      DenseParameters start,
      double[][] l,
      double[][] e,
      int[][] words,
      int[][] classes,
      int[] tags) {

    static Problem of(int window, int dim, int caps, int hidden, int tags, int steps, long seed) {
      Random random = new Random(seed);
      DenseParameters start =
          GradientCheckTypedTest.randomTyped(hidden, window * (dim + caps), tags, random);
      double[][] l = DoubleKernelTypedTest.randomTable(12, dim, random);
      double[][] e = DoubleKernelTypedTest.randomTable(CLASSES, caps, random);
      int[][] words = new int[steps][window];
      int[][] classes = new int[steps][window];
      int[] y = new int[steps];
      for (int s = 0; s < steps; s++) {
        for (int c = 0; c < window; c++) {
          words[s][c] = random.nextInt(l.length);
          classes[s][c] = random.nextInt(CLASSES);
        }
        y[s] = random.nextInt(3) == 0 ? random.nextInt(tags) : 0;
      }
      return new Problem(window, dim, caps, start, l, e, words, classes, y);
    }

    int inputSize() {
      return window * (dim + caps);
    }

    double decay() {
      return 0.5 / 1000;
    }

    <V> V[] pieces(V[] l, V[] e, int s, V[] into) {
      return WindowInput.gather(l, e, words[s], classes[s], into);
    }

    /** Every window in order with the float kernel, from the float-rounded start. */
    FloatRun trainFloat(FloatLoops kernel) {
      FloatParameters p = FloatParameters.of(start);
      float[][] fl = floats(l);
      float[][] fe = floats(e);
      FloatKernel ws = new FloatKernel(kernel, inputSize(), p.hidden, p.outputs);
      float[][] into = new float[2 * window][];
      double loss = 0;
      for (int s = 0; s < tags.length; s++) {
        loss += ws.sgdStep(p, pieces(fl, fe, s, into), tags[s], 0.05, decay());
      }
      return new FloatRun(p, fl, fe, loss);
    }
  }

  /** What a float run ends with. */
  private record FloatRun(FloatParameters dense, float[][] l, float[][] e, double loss) {
    void assertSameBits(FloatRun other, String what) {
      assertArrayEquals(dense.flatten(), other.dense.flatten(), what + ": dense parameters");
      for (int v = 0; v < l.length; v++) assertArrayEquals(l[v], other.l[v], what + ": word " + v);
      for (int q = 0; q < e.length; q++) assertArrayEquals(e[q], other.e[q], what + ": class " + q);
      assertEquals(
          Double.doubleToRawLongBits(loss),
          Double.doubleToRawLongBits(other.loss),
          what + ": loss");
    }
  }

  static float[][] floats(double[][] table) {
    float[][] f = new float[table.length][];
    for (int r = 0; r < f.length; r++) f[r] = toFloat(table[r]);
    return f;
  }

  static double[][] doubles(float[][] table) {
    double[][] d = new double[table.length][];
    for (int r = 0; r < d.length; r++) d[r] = toDouble(table[r]);
    return d;
  }

  @Test
  void theTestJvmRunsTheVectorApi() {
    FloatKernelTest.assertTheJvmRunsTheVectorApi();
  }

  /**
   * Thousands of steps on shapes where I, H and K are not multiples of 16 or of 4 (and one where I
   * and H are): any difference in order between the paths would surface as a differing bit.
   */
  @ParameterizedTest(name = "C={0} n={1} k={2} H={3} K={4}")
  @CsvSource({
    "5, 50, 5, 100, 9",
    "3, 7, 2, 13, 3",
    "5, 13, 3, 37, 7",
    "1, 17, 1, 1, 2",
    "2, 11, 5, 64, 17"
  })
  void simdAndScalarAreBitIdenticalOverThousandsOfSteps(
      int window, int dim, int caps, int hidden, int tags) {
    Problem problem = Problem.of(window, dim, caps, hidden, tags, 2000, 23);
    FloatRun scalar = problem.trainFloat(new FloatLoops());
    for (FloatLoops kernel : everyPath()) {
      scalar.assertSameBits(problem.trainFloat(kernel), kernel.description());
    }
  }

  /**
   * The float kernel follows the double kernel and the EJML reference over 3,000 steps.
   *
   * <p>The tolerance is {@link FloatKernelTest#floatKernelFollowsTheDoubleKernelAndTheReference}'s
   * 1e-4 relative to max(1, |value|), on the same reasoning: every float operation rounds with a
   * relative error of at most 2^-24 = 6e-8, a step applies about ten roundings to each parameter,
   * and over S steps the errors grow like a random walk, sqrt(S) x 10 eps = 3.3e-5 at S = 3,000.
   * The softmax adds little: it is computed in double and rounded to float once, one rounding of
   * each a2_t, and U^T delta is one more sum of K products. Measured on this problem (printed
   * below; 2026-12-02): the largest relative differences to the double kernel are 1.9e-6 (dense
   * parameters), 1.5e-6 (L) and 1.6e-6 (E), fifty times inside the tolerance. A kernel with a real
   * mistake lands far outside it: one that took U^T delta from the updated U instead of the old one
   * (tried on purpose) was 0.46 off after these 3,000 steps.
   */
  @Test
  void floatKernelFollowsTheDoubleKernelAndTheReference() {
    Problem problem = Problem.of(5, 8, 3, 12, 7, 3000, 11);
    DenseParameters fast = FloatParameters.of(problem.start()).toDouble();
    ReferenceTypedNetwork.Parameters reference = ReferenceTypedNetwork.Parameters.of(fast);
    double[][] fastL = doubles(floats(problem.l()));
    double[][] fastE = doubles(floats(problem.e()));
    double[][] referenceL = doubles(floats(problem.l()));
    double[][] referenceE = doubles(floats(problem.e()));
    DoubleKernel ws = new DoubleKernel(problem.inputSize(), 12, 7);
    double[][] into = new double[10][];
    double fastLoss = 0, referenceLoss = 0;
    for (int s = 0; s < problem.tags().length; s++) {
      int y = problem.tags()[s];
      fastLoss += ws.sgdStep(fast, problem.pieces(fastL, fastE, s, into), y, 0.05, problem.decay());
      referenceLoss +=
          ReferenceTypedNetwork.sgdStep(
              reference, problem.pieces(referenceL, referenceE, s, into), y, 0.05, problem.decay());
    }
    FloatRun run = problem.trainFloat(FloatKernel.fastestLoops());

    double[] floatDense = toDouble(run.dense().flatten());
    System.out.printf(
        "float typed kernel after 3,000 steps: largest relative difference to the double kernel"
            + " %.2e (dense), %.2e (L), %.2e (E)%n",
        largestRelative(fast.flatten(), floatDense),
        largestRelative(fastL, doubles(run.l())),
        largestRelative(fastE, doubles(run.e())));
    double tolerance = 1e-4;
    assertEquals(fastLoss, run.loss(), tolerance * fastLoss);
    assertEquals(referenceLoss, run.loss(), tolerance * referenceLoss);
    assertArraysClose(fast.flatten(), floatDense, tolerance);
    assertArraysClose(reference.toDouble().flatten(), floatDense, tolerance);
    for (int v = 0; v < fastL.length; v++) {
      assertArraysClose(fastL[v], toDouble(run.l()[v]), tolerance);
      assertArraysClose(referenceL[v], toDouble(run.l()[v]), tolerance);
    }
    for (int q = 0; q < fastE.length; q++) {
      assertArraysClose(fastE[q], toDouble(run.e()[q]), tolerance);
      assertArraysClose(referenceE[q], toDouble(run.e()[q]), tolerance);
    }
    // and it trained: the parameters moved by far more than the tolerance
    double moved =
        largestDifference(FloatParameters.of(problem.start()).flatten(), run.dense().flatten());
    assertTrue(moved > 100 * tolerance, "parameters moved by " + moved);
  }

  /**
   * The float gradients of one step against the reference's double gradients at the same
   * (float-representable) point, to a few float roundings: relative 1e-5 of the group's largest
   * entry. (A finite-difference check in float says little, see {@link
   * FloatKernelTest#floatGradientsAreTheReferenceGradients}; the reference itself is checked
   * against finite differences by {@link GradientCheckTypedTest}.)
   */
  @ParameterizedTest(name = "C={0} n={1} k={2} H={3} K={4} y={5}")
  @CsvSource({"3, 4, 2, 5, 3, 1", "5, 7, 3, 19, 7, 0", "5, 50, 5, 100, 9, 4"})
  void floatGradientsAreTheReferenceGradients(
      int window, int dim, int caps, int hidden, int tags, int y) {
    Random random = new Random(window * 31L + hidden);
    int inputSize = window * (dim + caps);
    FloatParameters p =
        FloatParameters.of(GradientCheckTypedTest.randomTyped(hidden, inputSize, tags, random));
    float[][] pieces = new float[2 * window][];
    for (int c = 0; c < pieces.length; c++)
      pieces[c] = toFloat(GradientCheckTest.randomVector(c % 2 == 0 ? dim : caps, random));
    double decay = 0.3;
    ReferenceTypedNetwork.Gradients expected =
        ReferenceTypedNetwork.gradients(
            ReferenceTypedNetwork.Parameters.of(p.toDouble()), doubles(pieces), y, decay);

    // learning rate 1: the change of each parameter is its gradient (up to the rounding of the
    // new value)
    FloatParameters before = p.copy();
    FloatKernel ws = new FloatKernel(FloatKernel.fastestLoops(), inputSize, hidden, tags);
    ws.sgdStep(p, pieces, y, 1.0, decay);

    assertClose("db1 (46)", expected.db1().data, toDouble(ws.g));
    double[] dx = new double[inputSize];
    for (int j = 0; j < inputSize; j++) dx[j] = ws.dx[j];
    assertClose("dx (47)", expected.dx().data, dx);
    double[] dW = new double[hidden * inputSize];
    for (int k = 0; k < hidden; k++)
      for (int j = 0; j < inputSize; j++)
        dW[k * inputSize + j] = (double) before.w(k, j) - p.w(k, j);
    assertClose("dW (49)", expected.dW().data, dW);
    double[] dU = new double[tags * hidden];
    for (int t = 0; t < tags; t++)
      for (int k = 0; k < hidden; k++) dU[t * hidden + k] = (double) before.u(t, k) - p.u(t, k);
    assertClose("dU (50)", expected.dU().data, dU);
    double[] db2 = new double[tags];
    for (int t = 0; t < tags; t++) db2[t] = (double) before.b2[t] - p.b2[t];
    assertClose("db2 (43)", expected.db2().data, db2);
  }

  @Test
  void forwardIsTheReferenceDistributionInEveryPathAndChangesNothing() {
    Random random = new Random(3);
    FloatParameters p = FloatParameters.of(GradientCheckTypedTest.randomTyped(7, 15, 5, random));
    float[][] words = floats(DoubleKernelTypedTest.randomTable(3, 5, random));
    FloatParameters before = p.copy();
    float[] firstWord = words[0].clone();
    double[] expected =
        ReferenceTypedNetwork.forward(
                ReferenceTypedNetwork.Parameters.of(p.toDouble()), doubles(words))
            .a2()
            .data;
    double[] scalar = new FloatKernel(new FloatLoops(), 15, 7, 5).forward(p, words).clone();
    for (FloatLoops kernel : everyPath()) {
      double[] a2 = new FloatKernel(kernel, 15, 7, 5).forward(p, words);
      assertArrayEquals(scalar, a2, kernel.description());
      assertArraysClose(expected, a2, 1e-6);
      double sum = 0;
      for (double v : a2) sum += v;
      assertEquals(1.0, sum, 5 * 0x1p-24, "each of the five rounds once");
    }
    assertEquals(before, p);
    assertArrayEquals(firstWord, words[0]);
  }

  /** The same array at two positions (a word twice, a class three times) receives every slice. */
  @Test
  void anArrayTwiceInAWindowReceivesEverySlice() {
    Random random = new Random(5);
    FloatParameters p = FloatParameters.of(GradientCheckTypedTest.randomTyped(6, 12, 4, random));
    float[] word = toFloat(GradientCheckTest.randomVector(3, random));
    float[] cls = toFloat(GradientCheckTest.randomVector(1, random));
    float[] other = toFloat(GradientCheckTest.randomVector(3, random));
    float[] wordBefore = word.clone();
    float[] clsBefore = cls.clone();
    for (FloatLoops kernel : everyPath()) {
      word = wordBefore.clone();
      cls = clsBefore.clone();
      FloatKernel ws = new FloatKernel(kernel, 12, 6, 4);
      ws.sgdStep(p.copy(), new float[][] {word, cls, other.clone(), cls, word, cls}, 2, 0.1, 0);
      float[] dx = ws.dx;
      for (int d = 0; d < 3; d++) {
        // exactly: position 0's slice first, then position 2's, each one rounding
        assertEquals(
            Math.fma(-0.1f, dx[8 + d], Math.fma(-0.1f, dx[d], wordBefore[d])),
            word[d],
            kernel.description());
      }
      assertEquals(
          Math.fma(-0.1f, dx[11], Math.fma(-0.1f, dx[7], Math.fma(-0.1f, dx[3], clsBefore[0]))),
          cls[0],
          kernel.description());
    }
  }

  /**
   * The streaming learner's double buffer on every path: each group of windows (a sentence) trains
   * its first window from the live parameters into a spare holding garbage (padding included), the
   * rest in place on the spare, then the two swap. The run is the bits of training in place; the
   * SIMD finiteness check then finds one NaN.
   */
  @Test
  void trainingIntoASpareGivesTheBitsOfTrainingInPlace() {
    Problem problem = Problem.of(3, 7, 2, 13, 5, 600, 23);
    FloatRun inPlace = problem.trainFloat(new FloatLoops());
    for (FloatLoops kernel : everyPath()) {
      FloatParameters live = FloatParameters.of(problem.start());
      FloatParameters spare = new FloatParameters(live.hidden, live.inputSize, live.outputs);
      float[][] fl = floats(problem.l());
      float[][] fe = floats(problem.e());
      FloatKernel ws = new FloatKernel(kernel, problem.inputSize(), live.hidden, live.outputs);
      float[][] into = new float[2 * problem.window()][];
      int steps = problem.tags().length;
      double loss = 0;
      for (int s = 0; s < steps; s++) {
        boolean first = s % 7 == 0;
        if (first) {
          Arrays.fill(spare.w, Float.NaN);
          Arrays.fill(spare.b1, Float.POSITIVE_INFINITY);
          Arrays.fill(spare.u, 3);
          Arrays.fill(spare.b2, Float.NEGATIVE_INFINITY);
        }
        loss +=
            ws.sgdStep(
                first ? live : spare,
                spare,
                problem.pieces(fl, fe, s, into),
                problem.tags()[s],
                0.05,
                problem.decay());
        if (s % 7 == 6 || s == steps - 1) {
          FloatParameters t = live;
          live = spare;
          spare = t;
        }
      }
      inPlace.assertSameBits(new FloatRun(live, fl, fe, loss), kernel.description());
      assertTrue(ws.isFiniteDense(live), kernel.description());
      live.u[live.uStride + 1] = Float.NaN;
      assertFalse(ws.isFiniteDense(live), kernel.description());
    }
  }

  @Test
  void paddingOfWAndUStaysZero() {
    Problem problem = Problem.of(3, 7, 2, 13, 5, 500, 5);
    FloatParameters p = problem.trainFloat(FloatKernel.fastestLoops()).dense();
    for (int k = 0; k < p.hidden; k++)
      for (int j = p.inputSize; j < p.stride; j++)
        assertEquals(0, Float.floatToRawIntBits(p.w[k * p.stride + j]), "W[" + k + "][" + j + "]");
    for (int t = 0; t < p.outputs; t++)
      for (int k = p.hidden; k < p.uStride; k++)
        assertEquals(0, Float.floatToRawIntBits(p.u[t * p.uStride + k]), "U[" + t + "][" + k + "]");
  }

  @Test
  void lossIsFiniteWhenTheNetworkIsConfidentlyWrong() {
    DoubleKernelTypedTest.assertCrossEntropyIsFiniteWhenConfidentlyWrong(
        (z2, y) -> {
          // W = 0 and b1 = 0 make a1 = 0, so that the scores z2 are b2
          FloatParameters p = new FloatParameters(2, 3, z2.length);
          for (int t = 0; t < z2.length; t++) p.b2[t] = (float) z2[t];
          return new FloatKernel(3, 2, z2.length).sgdStep(p, new float[][] {{1, -2, 3}}, y, 0, 0);
        });
  }

  @Test
  void aWindowOfTheWrongSizeOrATagOutsideTheSetIsRefused() {
    Random random = new Random(9);
    FloatParameters p = FloatParameters.of(GradientCheckTypedTest.randomTyped(4, 6, 3, random));
    FloatKernel ws = new FloatKernel(FloatKernel.fastestLoops(), 6, 4, 3);
    float[][] tooShort = floats(DoubleKernelTypedTest.randomTable(1, 5, random));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ws.forward(p, tooShort));
    assertTrue(e.getMessage().contains("the model's input has 6"), e.getMessage());
    float[][] fine = floats(DoubleKernelTypedTest.randomTable(2, 3, random));
    assertThrows(IllegalArgumentException.class, () -> ws.sgdStep(p, fine, 3, 1, 0));
    FloatKernel otherTags = new FloatKernel(FloatKernel.fastestLoops(), 6, 4, 5);
    assertThrows(IllegalArgumentException.class, () -> otherTags.forward(p, fine));
  }

  @Test
  void conversionsAndFlatteningKeepEveryValue() {
    DenseParameters d = GradientCheckTypedTest.randomTyped(5, 19, 3, new Random(1));
    FloatParameters f = FloatParameters.of(d);
    assertArrayEquals(toFloat(d.flatten()), f.flatten());
    assertEquals(f, FloatParameters.unflatten(5, 19, 3, f.flatten()));
    assertEquals(f, FloatParameters.of(f.toDouble()), "float -> double -> float is exact");
    assertEquals(f.u(2, 4), (float) d.u[2][4]);
    assertEquals(f.w(4, 18), (float) d.w[4][18]);
    assertThrows(
        IllegalArgumentException.class, () -> FloatParameters.unflatten(5, 19, 3, new float[3]));
  }

  static double largestDifference(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  private static double largestRelative(double[] expected, double[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++)
      worst =
          Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
    return worst;
  }

  private static double largestRelative(double[][] expected, double[][] actual) {
    double worst = 0;
    for (int r = 0; r < expected.length; r++)
      worst = Math.max(worst, largestRelative(expected[r], actual[r]));
    return worst;
  }
}
