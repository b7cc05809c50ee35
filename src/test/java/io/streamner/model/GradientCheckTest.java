package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleSupplier;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Central finite differences of the cost (7) against the analytic gradients of the reference
 * implementation, for every parameter group, on small random instances in double precision.
 */
class GradientCheckTest {
  private static final double STEP = 1e-5;
  private static final double TOLERANCE = 1e-7;
  private static final double ENTRY_FLOOR = 1e-4;

  @ParameterizedTest(name = "C={0} n={1} H={2} y={3} seed={4}")
  @CsvSource({
    "3, 4, 5, 1, 1",
    "3, 4, 5, 0, 2",
    "5, 3, 7, 1, 3",
    "5, 6, 4, 0, 4",
    "1, 5, 3, 1, 5",
  })
  void analyticGradientsMatchFiniteDifferences(
      int windowSize, int dim, int hidden, int y, long seed) {
    Random random = new Random(seed);
    ReferenceNetwork.Parameters p =
        ReferenceNetwork.Parameters.of(randomDense(hidden, windowSize * dim, random));
    // Words: position 0 and the last position share one vector, the way a window like
    // "the cat the" does, so the check covers the sum of two pieces of dJ/dx.
    double[][] words = new double[windowSize][];
    double[] repeated = randomVector(dim, random);
    for (int c = 0; c < windowSize; c++) words[c] = randomVector(dim, random);
    words[0] = repeated;
    words[windowSize - 1] = repeated;
    double decay = 0.3;

    ReferenceNetwork.Gradients g = ReferenceNetwork.gradients(p, words, y, decay);
    DoubleSupplier cost = () -> ReferenceNetwork.cost(p, words, y, decay);

    assertSharedGroupsClose(cost, ENTRY_FLOOR, p.w, p.b1, p.u, g);
    double[] b2 = {p.b2};
    double[] numericB2 =
        numeric(
            b2,
            () -> {
              double saved = p.b2;
              p.b2 = b2[0];
              double c = cost.getAsDouble();
              p.b2 = saved;
              return c;
            });
    assertClose("b2", new double[] {g.db2()}, numericB2);

    // dJ/dL for each distinct word: the pieces of dJ/dx of every position it fills, summed.
    int n = dim;
    for (int c = 1; c < windowSize - 1; c++) {
      double[] piece = new double[n];
      System.arraycopy(g.dx().data, c * n, piece, 0, n);
      assertClose("L column at position " + c, piece, numeric(words[c], cost));
    }
    double[] repeatedGradient = new double[n];
    for (int d = 0; d < n; d++) {
      repeatedGradient[d] = g.dx().data[d];
      if (windowSize > 1) repeatedGradient[d] += g.dx().data[(windowSize - 1) * n + d];
    }
    assertClose("L column of the repeated word", repeatedGradient, numeric(repeated, cost));
  }

  /**
   * W, b1 and U are judged alike by the binary and the typed check, but for the entry floor; the
   * two differ in b2 (a number or a vector) and in how the window shares its vectors.
   */
  static void assertSharedGroupsClose(
      DoubleSupplier cost,
      double entryFloor,
      DMatrixRMaj w,
      DMatrixRMaj b1,
      DMatrixRMaj u,
      ReferenceNetwork.SharedGradients g) {
    assertClose("W", g.dW().data, numeric(w.data, cost), entryFloor);
    assertClose("b1", g.db1().data, numeric(b1.data, cost), entryFloor);
    assertClose("U", g.dU().data, numeric(u.data, cost), entryFloor);
  }

  /** Central differences of {@code cost} with respect to each entry of {@code values}, in place. */
  static double[] numeric(double[] values, DoubleSupplier cost) {
    double[] grad = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      double saved = values[i];
      values[i] = saved + STEP;
      double plus = cost.getAsDouble();
      values[i] = saved - STEP;
      double minus = cost.getAsDouble();
      values[i] = saved;
      grad[i] = (plus - minus) / (2 * STEP);
    }
    return grad;
  }

  /**
   * Relative error ||a - b|| / (||a|| + ||b||) over the group, and per entry where it is not tiny.
   */
  static void assertClose(String group, double[] analytic, double[] numeric) {
    assertClose(group, analytic, numeric, ENTRY_FLOOR);
  }

  /**
   * The same, judging single entries only where |analytic| + |numeric| exceeds {@code entryFloor}:
   * below it the rounding error of a central difference, about 1e-16 |J| / STEP, is no longer small
   * beside the entry.
   */
  static void assertClose(String group, double[] analytic, double[] numeric, double entryFloor) {
    double diff = 0, na = 0, nb = 0, worstEntry = 0;
    for (int i = 0; i < analytic.length; i++) {
      double d = analytic[i] - numeric[i];
      diff += d * d;
      na += analytic[i] * analytic[i];
      nb += numeric[i] * numeric[i];
      double scale = Math.abs(analytic[i]) + Math.abs(numeric[i]);
      if (scale > entryFloor) worstEntry = Math.max(worstEntry, Math.abs(d) / scale);
    }
    double relative = Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nb));
    System.out.printf(
        "gradient check %-30s relative error %.2e, worst entry %.2e%n",
        group, relative, worstEntry);
    assertTrue(na > 0, group + ": analytic gradient is all zero, the check proves nothing");
    assertTrue(relative <= TOLERANCE, group + ": relative error " + relative + " > " + TOLERANCE);
    assertTrue(
        worstEntry <= TOLERANCE,
        group + ": worst entry relative error " + worstEntry + " > " + TOLERANCE);
  }

  static DenseParameters randomDense(int hidden, int inputSize, Random random) {
    DenseParameters p = DenseParameters.initialise(hidden, inputSize, 1, random.nextLong());
    for (int k = 0; k < hidden; k++) {
      p.b1[k] = random.nextGaussian() * 0.1;
    }
    p.b2[0] = random.nextGaussian() * 0.1;
    return p;
  }

  static double[] randomVector(int n, Random random) {
    double[] v = new double[n];
    for (int d = 0; d < n; d++) v[d] = random.nextGaussian() * 0.5;
    return v;
  }
}
