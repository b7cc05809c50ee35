package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float kernel: bit for bit against the obvious float version, SIMD against scalar at every
 * vector width, and within a justified tolerance of the double kernel and the EJML reference.
 */
class FloatKernelTest {
  /** The SIMD kernel at each width of its dot products (the lane-wise updates use the widest). */
  private static List<FloatLoops> vectorKernels() {
    return List.of(new VectorFloatLoops(512), new VectorFloatLoops(256), new VectorFloatLoops(128));
  }

  @Test
  void theTestJvmRunsTheVectorApi() {
    assertTheJvmRunsTheVectorApi();
  }

  /** Both float kernel tests check it: without the module every SIMD test tests scalar twice. */
  static void assertTheJvmRunsTheVectorApi() {
    // surefire's argLine adds the module; without it every SIMD test below would test the scalar
    // path twice
    assertTrue(
        FloatKernel.fastestLoops().description().startsWith("Vector API"),
        "run the tests with --add-modules jdk.incubator.vector (the pom's surefire argLine has it)");
  }

  @ParameterizedTest(name = "C={0} n={1} H={2}")
  @CsvSource({"5, 50, 100", "3, 7, 13", "5, 3, 17", "1, 5, 3", "3, 16, 4", "7, 11, 33"})
  void everyPathGivesTheBitsOfTheObviousVersion(int windowSize, int dim, int hidden) {
    KernelProblem problem = KernelProblem.of(windowSize, dim, hidden, 12, 400, 17);
    ObviousFloatNetwork obvious = new ObviousFloatNetwork(FloatParameters.of(problem.dense()));
    float[][] l = problem.floatVectors();
    double loss = 0;
    for (int s = 0; s < problem.windows().length; s++) {
      loss +=
          obvious.sgdStep(
              gather(l, problem.windows()[s]),
              problem.labels()[s],
              problem.hp().learningRate(),
              problem.decay());
    }
    KernelProblem.FloatRun expected =
        new KernelProblem.FloatRun(toParameters(obvious, problem), l, loss);

    for (FloatLoops kernel :
        concat(vectorKernels(), List.of(new FloatLoops(), FloatKernel.fastestLoops()))) {
      KernelProblem.FloatRun run = problem.trainFloat(kernel);
      assertArrayEquals(
          obvious.flatten(), run.dense().flatten(), kernel.description() + ": dense parameters");
      for (int v = 0; v < l.length; v++)
        assertArrayEquals(l[v], run.vectors()[v], kernel.description() + ": word " + v);
      assertEquals(expected.digest(), run.digest(), kernel.description());
    }
  }

  /**
   * Thousands of steps on shapes where n, nC and H are not multiples of 16 (and one where they
   * are): any difference in order between the paths would surface as a differing bit.
   */
  @ParameterizedTest(name = "C={0} n={1} H={2}")
  @CsvSource({"5, 50, 100", "3, 7, 13", "5, 13, 37", "1, 17, 1", "5, 32, 64"})
  void simdAndScalarAreBitIdenticalOverThousandsOfSteps(int windowSize, int dim, int hidden) {
    KernelProblem problem = KernelProblem.of(windowSize, dim, hidden, 30, 3000, 23);
    String scalar = problem.trainFloat(new FloatLoops()).digest();
    for (FloatLoops kernel : vectorKernels())
      assertEquals(scalar, problem.trainFloat(kernel).digest(), kernel.description());
  }

  @Test
  void theDigestSeesASingleBit() {
    KernelProblem problem = KernelProblem.of(3, 7, 13, 12, 10, 3);
    KernelProblem.FloatRun run = problem.trainFloat(new FloatLoops());
    String before = run.digest();
    run.vectors()[5][3] = Math.nextUp(run.vectors()[5][3]);
    assertNotEquals(before, run.digest());
  }

  @Test
  void aWordTwiceInAWindowReceivesBothGradientPieces() {
    Random random = new Random(5);
    DenseParameters dense = GradientCheckTest.randomDense(6, 9, random);
    double[] sharedDouble = GradientCheckTest.randomVector(3, random);
    double[] otherDouble = GradientCheckTest.randomVector(3, random);
    ReferenceNetwork.Gradients expected =
        ReferenceNetwork.gradients(
            ReferenceNetwork.Parameters.of(FloatParameters.of(dense).toDouble()),
            new double[][] {round(sharedDouble), round(otherDouble), round(sharedDouble)},
            1,
            0);
    for (FloatLoops kernel : concat(vectorKernels(), List.of(new FloatLoops()))) {
      FloatParameters p = FloatParameters.of(dense);
      float[] shared = toFloat(sharedDouble);
      float[] before = shared.clone();
      FloatKernel ws = new FloatKernel(kernel, 3 * 3, 6, 1);
      ws.sgdStep(p, new float[][] {shared, toFloat(otherDouble), shared}, 1, 0.1, 0);
      for (int d = 0; d < 3; d++) {
        // exactly: position 0's piece first, then position 2's, each one rounding
        float afterFirst = Math.fma(-0.1f, ws.dx[d], before[d]);
        assertEquals(Math.fma(-0.1f, ws.dx[6 + d], afterFirst), shared[d], kernel.description());
        // and those pieces are the reference's dJ/dx
        double both = expected.dx().data[d] + expected.dx().data[6 + d];
        assertEquals(before[d] - 0.1 * both, shared[d], 1e-6);
      }
    }
  }

  /**
   * The float kernel follows the double kernel and the EJML reference over 3,000 steps.
   *
   * <p>The tolerance: every float operation rounds with a relative error of at most eps = 2^-24 =
   * 6e-8, and one step applies about ten roundings to each parameter (a sum over W adds up to nC +
   * H products, but its error scales with the sum of their magnitudes, which a relative tolerance
   * covers up to a small factor). So a step puts each float parameter within about 10 eps of where
   * the double step puts it. Over S steps these errors add up; with independent signs they grow
   * like a random walk, sqrt(S) x 10 eps = 3.3e-5 at S = 3,000 (and the measured growth is about
   * sqrt(S): largest relative differences 6e-7, 2e-6 and 4e-6 after 300, 3,000 and 30,000 steps on
   * four seeds). The tolerance, 1e-4 relative to max(1, |value|), is three times that estimate. A
   * kernel with a real mistake lands far outside it: one that takes dJ/dx from the updated W
   * instead of the old one (a subtle mistake, tried on purpose) is 2e-2 off after 3,000 steps.
   */
  @Test
  void floatKernelFollowsTheDoubleKernelAndTheReference() {
    KernelProblem problem = KernelProblem.of(5, 8, 12, 20, 3000, 11);
    DenseParameters fast = FloatParameters.of(problem.dense()).toDouble();
    ReferenceNetwork.Parameters reference = ReferenceNetwork.Parameters.of(fast);
    double[][] fastL = roundedVectors(problem);
    double[][] referenceL = roundedVectors(problem);
    DoubleKernel ws = new DoubleKernel(problem.hp());
    double lr = problem.hp().learningRate();
    double fastLoss = 0, referenceLoss = 0;
    for (int s = 0; s < problem.windows().length; s++) {
      int[] ids = problem.windows()[s];
      int y = problem.labels()[s];
      fastLoss += ws.sgdStep(fast, gather(fastL, ids), y, lr, problem.decay());
      referenceLoss +=
          ReferenceNetwork.sgdStep(reference, gather(referenceL, ids), y, lr, problem.decay());
    }
    KernelProblem.FloatRun run = problem.trainFloat(FloatKernel.fastestLoops());

    double tolerance = 1e-4;
    assertEquals(fastLoss, run.lossSum(), tolerance * fastLoss);
    assertEquals(referenceLoss, run.lossSum(), tolerance * referenceLoss);
    double[] floatDense = toDouble(run.dense().flatten());
    DoubleKernelTest.assertArraysClose(fast.flatten(), floatDense, tolerance);
    DoubleKernelTest.assertArraysClose(reference.toDouble().flatten(), floatDense, tolerance);
    for (int v = 0; v < fastL.length; v++) {
      DoubleKernelTest.assertArraysClose(fastL[v], toDouble(run.vectors()[v]), tolerance);
      DoubleKernelTest.assertArraysClose(referenceL[v], toDouble(run.vectors()[v]), tolerance);
    }
    // and it trained: the parameters moved by far more than the tolerance
    double moved =
        maxDifference(FloatParameters.of(problem.dense()).flatten(), run.dense().flatten());
    assertTrue(moved > 100 * tolerance, "parameters moved by " + moved);
  }

  /**
   * A finite-difference check in float says little (a step h loses eps/h of the cost to rounding,
   * 6e-5 at h = 1e-3, against a truncation error of h^2), so the float gradients of one step are
   * checked against the reference's double gradients at the same (float-representable) point, to a
   * few float roundings: relative 1e-5 of the group's largest entry.
   */
  @ParameterizedTest(name = "C={0} n={1} H={2} y={3}")
  @CsvSource({"3, 4, 5, 1", "5, 7, 19, 0", "5, 50, 100, 1"})
  void floatGradientsAreTheReferenceGradients(int windowSize, int dim, int hidden, int y) {
    Random random = new Random(windowSize * 31L + hidden);
    FloatParameters p =
        FloatParameters.of(GradientCheckTest.randomDense(hidden, windowSize * dim, random));
    float[][] columns = new float[windowSize][];
    for (int c = 0; c < windowSize; c++)
      columns[c] = toFloat(GradientCheckTest.randomVector(dim, random));
    double[][] doubleColumns = new double[windowSize][];
    for (int c = 0; c < windowSize; c++) doubleColumns[c] = toDouble(columns[c]);
    double decay = 0.3;
    ReferenceNetwork.Gradients expected =
        ReferenceNetwork.gradients(
            ReferenceNetwork.Parameters.of(p.toDouble()), doubleColumns, y, decay);

    // learning rate 1: the change of each parameter is its gradient (up to the rounding of the
    // new value)
    FloatParameters before = p.copy();
    FloatKernel ws = new FloatKernel(FloatKernel.fastestLoops(), windowSize * dim, hidden, 1);
    ws.sgdStep(p, columns, y, 1.0, decay);

    assertClose("db1 (25)", expected.db1().data, toDouble(ws.g));
    double[] dx = new double[windowSize * dim];
    for (int j = 0; j < dx.length; j++) dx[j] = ws.dx[j];
    assertClose("dx (29)", expected.dx().data, dx);
    double[] dW = new double[hidden * windowSize * dim];
    for (int k = 0; k < hidden; k++)
      for (int j = 0; j < windowSize * dim; j++)
        dW[k * windowSize * dim + j] = (double) before.w(k, j) - p.w(k, j);
    assertClose("dW (30)", expected.dW().data, dW);
    double[] dU = new double[hidden];
    for (int k = 0; k < hidden; k++) dU[k] = (double) before.u[k] - p.u[k];
    assertClose("dU (31)", expected.dU().data, dU);
    assertClose("db2 (15)", new double[] {expected.db2()}, new double[] {before.b2[0] - p.b2[0]});
  }

  @Test
  void forwardIsTheReferenceProbabilityAndChangesNothing() {
    Random random = new Random(3);
    FloatParameters p = FloatParameters.of(GradientCheckTest.randomDense(7, 15, random));
    float[][] words = {
      toFloat(GradientCheckTest.randomVector(5, random)),
      toFloat(GradientCheckTest.randomVector(5, random)),
      toFloat(GradientCheckTest.randomVector(5, random))
    };
    FloatParameters before = p.copy();
    float[] firstWord = words[0].clone();
    for (FloatLoops kernel : concat(vectorKernels(), List.of(new FloatLoops()))) {
      double h = new FloatKernel(kernel, 3 * 5, 7, 1).forward(p, words)[0];
      double[][] doubleWords = {toDouble(words[0]), toDouble(words[1]), toDouble(words[2])};
      double expected =
          ReferenceNetwork.forward(ReferenceNetwork.Parameters.of(p.toDouble()), doubleWords).a2();
      assertEquals(expected, h, 1e-6, kernel.description());
    }
    assertEquals(before, p);
    assertArrayEquals(firstWord, words[0]);
  }

  /**
   * The kernel's tanh against StrictMath's on every 4999th float in [-12, 12] and the special
   * values: its double result is within about 1e-13 of tanh, so rounded to float it is at most one
   * ulp from StrictMath's rounded to float (both can land on either side of a near-tie), and the
   * vector path gives the scalar path's bits.
   */
  @Test
  void tanhIsWithinAFloatUlpOfStrictMathAndTheSameInEveryPath() {
    double[] z = new double[2 * (0x41400000 / 4999 + 1) + 16];
    int n = 0;
    for (int bits = 0; bits <= 0x41400000; bits += 4999) {
      z[n++] = Float.intBitsToFloat(bits);
      z[n++] = -Float.intBitsToFloat(bits);
    }
    double[] special = {
      -0.0, Float.MIN_VALUE, 1e-30, 9.0, 10.0, 10.5, 1e30, Double.POSITIVE_INFINITY, -20.0
    };
    System.arraycopy(special, 0, z, n, special.length);
    int length = FloatParameters.padded(n + special.length);
    z = java.util.Arrays.copyOf(z, length);

    double[] scalar = new double[length];
    new FloatLoops().tanh(z, scalar, length);
    // the vector path on every 16th slice of 1,024 values and on the last one, with the special
    // values (more would only cost time: the first calls run in the interpreter)
    double[] vector = scalar.clone();
    VectorFloatLoops loops = new VectorFloatLoops();
    List<Integer> starts = new ArrayList<>();
    for (int from = 0; from < length - 1024; from += 16 * 1024) starts.add(from);
    starts.add(length - 1024);
    for (int from : starts) {
      double[] slice = Arrays.copyOfRange(z, from, from + 1024);
      double[] out = new double[slice.length];
      loops.tanh(slice, out, slice.length);
      System.arraycopy(out, 0, vector, from, out.length);
    }
    int offByOne = 0;
    for (int i = 0; i < length; i++) {
      double zi = z[i];
      assertEquals(
          Double.doubleToRawLongBits(scalar[i]),
          Double.doubleToRawLongBits(vector[i]),
          () -> "vector and scalar tanh of " + zi);
      float mine = (float) scalar[i];
      float strict = (float) StrictMath.tanh(zi);
      int ulps = Math.abs(Float.floatToIntBits(mine) - Float.floatToIntBits(strict));
      assertTrue(ulps <= 1, () -> "tanh(" + zi + ") = " + mine + ", StrictMath " + strict);
      if (ulps == 1) offByOne++;
    }
    System.out.printf("kernel tanh: %d of %d floats one ulp from StrictMath's%n", offByOne, length);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(scalar[n]));
    assertEquals(1.0f, (float) scalar[n + 6]);
    assertEquals(1.0, scalar[n + 7], 1e-8);
    assertEquals(-1.0f, (float) scalar[n + 8]);
    assertTrue(Double.isNaN(FloatLoops.tanh(Double.NaN)));
  }

  @Test
  void lossIsFiniteWhenTheNetworkIsConfidentlyWrong() {
    DoubleKernelTest.assertLossIsFiniteWhenConfidentlyWrong(FloatKernel::logisticLoss);
  }

  /**
   * The streaming learner's double buffer: each group of windows (a sentence) trains its first
   * window from the live parameters into a spare holding garbage, the rest in place on the spare,
   * then the two swap. Every path gives the bits of training in place throughout.
   */
  @Test
  void trainingIntoASpareGivesTheBitsOfTrainingInPlace() {
    KernelProblem problem = KernelProblem.of(5, 13, 37, 20, 700, 29);
    String inPlace = problem.trainFloat(new FloatLoops()).digest();
    for (FloatLoops kernel : concat(vectorKernels(), List.of(new FloatLoops()))) {
      FloatParameters live = FloatParameters.of(problem.dense());
      FloatParameters spare = new FloatParameters(live.hidden, live.inputSize, 1);
      float[][] l = problem.floatVectors();
      FloatKernel ws = new FloatKernel(kernel, problem.hp().inputSize(), problem.hp().hidden(), 1);
      double loss = 0;
      for (int s = 0; s < problem.windows().length; s++) {
        boolean first = s % 7 == 0;
        if (first) {
          Arrays.fill(spare.w, Float.NaN); // what a spare holds must not matter, padding included
          Arrays.fill(spare.u, 3);
          spare.b2[0] = Float.POSITIVE_INFINITY;
        }
        loss +=
            ws.sgdStep(
                first ? live : spare,
                spare,
                gather(l, problem.windows()[s]),
                problem.labels()[s],
                problem.hp().learningRate(),
                problem.decay());
        if (s % 7 == 6 || s == problem.windows().length - 1) {
          FloatParameters t = live;
          live = spare;
          spare = t;
        }
      }
      assertEquals(
          inPlace, new KernelProblem.FloatRun(live, l, loss).digest(), kernel.description());
    }
  }

  /**
   * The finiteness check of the streaming learner: one value that is not finite, anywhere (in a
   * vector's lanes or the scalar tail), is found by every path; huge and tiny finite values pass.
   */
  @Test
  void allFiniteFindsOneNaNOrInfinityAnywhere() {
    List<FloatLoops> paths =
        List.of(new VectorFloatLoops(512), new VectorFloatLoops(128), new FloatLoops());
    for (int length : new int[] {0, 1, 3, 15, 16, 17, 33, 64, 100, 1000}) {
      float[] values = new float[length];
      Random random = new Random(length);
      for (int i = 0; i < length; i++) {
        values[i] =
            switch (i % 4) {
              case 0 -> Float.MAX_VALUE;
              case 1 -> -Float.MIN_VALUE;
              case 2 -> -0.0f;
              default -> (float) random.nextGaussian();
            };
      }
      for (FloatLoops loops : paths) {
        assertTrue(loops.allFinite(values, length), loops.description() + " length " + length);
        for (int at = 0; at < length; at++) {
          for (float bad :
              new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float kept = values[at];
            values[at] = bad;
            assertFalse(
                loops.allFinite(values, length), loops.description() + " " + bad + " at " + at);
            assertTrue(loops.allFinite(values, at), "only the first values are read");
            values[at] = kept;
          }
        }
      }
    }
  }

  @Test
  void paddingOfWStaysZero() {
    KernelProblem problem = KernelProblem.of(3, 7, 13, 12, 500, 5);
    FloatParameters p = problem.trainFloat(FloatKernel.fastestLoops()).dense();
    for (int k = 0; k < p.hidden; k++)
      for (int j = p.inputSize; j < p.stride; j++)
        assertEquals(0, Float.floatToRawIntBits(p.w[k * p.stride + j]), "W[" + k + "][" + j + "]");
  }

  /** ||a - b|| / max(||a||, ||b||) over the group, and per entry relative to the largest entry. */
  static void assertClose(String group, double[] expected, double[] actual) {
    double diff = 0, norm = 0, largest = 0, worst = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
      largest = Math.max(largest, Math.abs(expected[i]));
    }
    for (int i = 0; i < expected.length; i++)
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / largest);
    assertTrue(norm > 0, group + ": the gradient is zero, the check proves nothing");
    double relative = Math.sqrt(diff / norm);
    assertTrue(relative < 1e-5, group + ": relative error " + relative);
    assertTrue(worst < 1e-5, group + ": worst entry " + worst + " of the largest");
  }

  static float[][] gather(float[][] l, int[] ids) {
    float[][] columns = new float[ids.length][];
    for (int c = 0; c < ids.length; c++) columns[c] = l[ids[c]];
    return columns;
  }

  private static double[][] gather(double[][] l, int[] ids) {
    return DoubleKernelTest.gather(l, ids);
  }

  private static FloatParameters toParameters(ObviousFloatNetwork o, KernelProblem problem) {
    FloatParameters p = FloatParameters.of(problem.dense());
    for (int k = 0; k < p.hidden; k++) System.arraycopy(o.w[k], 0, p.w, k * p.stride, p.inputSize);
    System.arraycopy(o.b1, 0, p.b1, 0, p.hidden);
    System.arraycopy(o.u, 0, p.u, 0, p.hidden);
    p.b2[0] = o.b2;
    return p;
  }

  private static double[][] roundedVectors(KernelProblem problem) {
    float[][] f = problem.floatVectors();
    double[][] l = new double[f.length][];
    for (int v = 0; v < f.length; v++) l[v] = toDouble(f[v]);
    return l;
  }

  private static double maxDifference(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }

  private static double[] round(double[] v) {
    return toDouble(toFloat(v));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
