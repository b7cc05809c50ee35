package io.streamner.model;

import static io.streamner.model.GradientCheckTest.assertSharedGroupsClose;
import static io.streamner.model.GradientCheckTest.numeric;
import static io.streamner.model.GradientCheckTest.randomVector;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Central finite differences of the typed model's cost (38) against the analytic gradients of
 * {@link ReferenceTypedNetwork}, for every parameter group (W, b1, U, b2, the word vectors and the
 * capitalisation vectors), on small random instances in double precision: relative error below 1e-7
 * per group and per entry, as the binary model's {@link GradientCheckTest}.
 *
 * <p>Entries are judged from 1e-3 up (the binary check: 1e-4): the typed cost starts near log K
 * (about 2.2 with nine tags, against about 0.7 for the sigmoid), and the rounding error of a
 * central difference, about 1e-16 |J| / 1e-5, would be 1e-7 of an entry of 1e-4.
 */
class GradientCheckTypedTest {
  private static final double ENTRY_FLOOR = 1e-3;

  private static void assertClose(String group, double[] analytic, double[] numeric) {
    GradientCheckTest.assertClose(group, analytic, numeric, ENTRY_FLOOR);
  }

  @ParameterizedTest(name = "C={0} n={1} k={2} H={3} K={4} y={5} seed={6}")
  @CsvSource({
    "3, 4, 2, 5, 3, 0, 1",
    "3, 4, 2, 5, 3, 2, 2",
    "5, 3, 3, 7, 9, 4, 3",
    "5, 6, 0, 4, 5, 1, 4",
    "1, 5, 2, 3, 2, 1, 5",
    "5, 3, 5, 6, 13, 12, 6",
  })
  void analyticGradientsMatchFiniteDifferences(
      int windowSize, int dim, int capsDim, int hidden, int tags, int y, long seed) {
    Random random = new Random(seed);
    DenseParameters start = randomTyped(hidden, windowSize * (dim + capsDim), tags, random);
    ReferenceTypedNetwork.Parameters p = ReferenceTypedNetwork.Parameters.of(start);

    // The first and the last position hold the same word (as in "the cat the"), and with
    // capitalisation features every position but the first shares one class vector: the check
    // covers gradients summed over several slices of dJ/dx.
    double[] repeatedWord = randomVector(dim, random);
    double[] sharedClass = capsDim > 0 ? randomVector(capsDim, random) : null;
    List<double[]> pieces = new ArrayList<>();
    for (int c = 0; c < windowSize; c++) {
      pieces.add(c == 0 || c == windowSize - 1 ? repeatedWord : randomVector(dim, random));
      if (capsDim > 0) pieces.add(c == 0 ? randomVector(capsDim, random) : sharedClass);
    }
    double[][] window = pieces.toArray(new double[0][]);
    double decay = 0.3;

    ReferenceTypedNetwork.Gradients g = ReferenceTypedNetwork.gradients(p, window, y, decay);
    DoubleSupplier cost = () -> ReferenceTypedNetwork.cost(p, window, y, decay);

    assertSharedGroupsClose(cost, ENTRY_FLOOR, p.w, p.b1, p.u, g);
    assertClose("b2", g.db2().data, numeric(p.b2.data, cost));

    // dJ/dL and dJ/dE for each distinct array: the slices of dJ/dx of every piece it fills, summed
    Map<double[], double[]> analytic = sliceSums(window, g);
    for (Map.Entry<double[], double[]> e : analytic.entrySet()) {
      String name = e.getKey() == repeatedWord ? "the repeated word's vector" : "a window vector";
      if (e.getKey() == sharedClass) name = "the shared capitalisation vector";
      assertClose(name, e.getValue(), numeric(e.getKey(), cost));
    }
  }

  /**
   * With token features (eq. 55) a position looks up F rows of E, and rows repeat within a window
   * (positions of the same shape, or keys that hash to one bucket): here every position's F = 4
   * lookups come from a table of 3 rows, so each row fills several pieces and its gradient (56) is
   * the sum of their slices of dJ/dx.
   */
  @ParameterizedTest(name = "C={0} seed={1}")
  @CsvSource({"3, 11", "5, 12"})
  void theRowsOfTokenFeaturesGetTheSumOfTheirSlices(int windowSize, long seed) {
    int dim = 3, capsDim = 2, lookups = 4, hidden = 4, tags = 5, y = 3;
    Random random = new Random(seed);
    DenseParameters start =
        randomTyped(hidden, windowSize * (dim + lookups * capsDim), tags, random);
    ReferenceTypedNetwork.Parameters p = ReferenceTypedNetwork.Parameters.of(start);
    double[][] e = new double[3][];
    for (int r = 0; r < e.length; r++) e[r] = randomVector(capsDim, random);
    List<double[]> pieces = new ArrayList<>();
    for (int c = 0; c < windowSize; c++) {
      pieces.add(randomVector(dim, random));
      for (int i = 0; i < lookups; i++) pieces.add(e[random.nextInt(e.length)]);
    }
    double[][] window = pieces.toArray(new double[0][]);
    ReferenceTypedNetwork.Gradients g = ReferenceTypedNetwork.gradients(p, window, y, 0.3);
    DoubleSupplier cost = () -> ReferenceTypedNetwork.cost(p, window, y, 0.3);
    Map<double[], double[]> analytic = sliceSums(window, g);
    for (int r = 0; r < e.length; r++) {
      if (analytic.containsKey(e[r])) {
        assertClose("row " + r + " of E", analytic.get(e[r]), numeric(e[r], cost));
      }
    }
  }

  /**
   * dJ/dL and dJ/dE for each distinct array: the slices of dJ/dx of every piece it fills, summed.
   */
  private static Map<double[], double[]> sliceSums(
      double[][] window, ReferenceTypedNetwork.Gradients g) {
    Map<double[], double[]> analytic = new IdentityHashMap<>();
    int o = 0;
    for (double[] piece : window) {
      double[] sum = analytic.computeIfAbsent(piece, v -> new double[v.length]);
      for (int d = 0; d < piece.length; d++) sum[d] += g.dx().data[o + d];
      o += piece.length;
    }
    return analytic;
  }

  static DenseParameters randomTyped(int hidden, int inputSize, int tags, Random random) {
    DenseParameters p = DenseParameters.initialise(hidden, inputSize, tags, random.nextLong());
    for (int k = 0; k < hidden; k++) p.b1[k] = random.nextGaussian() * 0.1;
    for (int t = 0; t < tags; t++) p.b2[t] = random.nextGaussian() * 0.1;
    return p;
  }
}
