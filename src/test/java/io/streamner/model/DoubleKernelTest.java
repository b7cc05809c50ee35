package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/** The fused fast path against the obvious EJML implementation of the same equations. */
class DoubleKernelTest {

  /**
   * Both implementations are double precision and differ only in summation order, so after many
   * steps on a small vocabulary (words repeat within and across windows) they must agree to a
   * relative 1e-9 in every parameter.
   */
  @Test
  void fastStepFollowsTheReferenceOverManySteps() {
    Hyperparameters hp = new Hyperparameters(5, 8, 12, 0.05, 0.5, 7);
    int vocabulary = 20;
    double decay = hp.regularization() / 1000;
    Random random = new Random(11);
    DenseParameters fast = GradientCheckTest.randomDense(hp.hidden(), hp.inputSize(), random);
    ReferenceNetwork.Parameters reference = ReferenceNetwork.Parameters.of(fast);
    double[][] fastL = new double[vocabulary][];
    double[][] referenceL = new double[vocabulary][];
    for (int v = 0; v < vocabulary; v++) {
      fastL[v] = GradientCheckTest.randomVector(hp.dim(), random);
      referenceL[v] = fastL[v].clone();
    }
    DoubleKernel ws = new DoubleKernel(hp);
    double fastLoss = 0, referenceLoss = 0;
    for (int step = 0; step < 3000; step++) {
      int[] ids = new int[hp.windowSize()];
      for (int c = 0; c < ids.length; c++) ids[c] = random.nextInt(vocabulary);
      int y = random.nextInt(4) == 0 ? 1 : 0;
      fastLoss += ws.sgdStep(fast, gather(fastL, ids), y, hp.learningRate(), decay);
      referenceLoss +=
          ReferenceNetwork.sgdStep(reference, gather(referenceL, ids), y, hp.learningRate(), decay);
    }
    assertEquals(referenceLoss, fastLoss, 1e-9 * referenceLoss);
    assertArraysClose(reference.toDouble().flatten(), fast.flatten(), 1e-9);
    for (int v = 0; v < vocabulary; v++) assertArraysClose(referenceL[v], fastL[v], 1e-9);
    // and the model learned something: the loss is not what it was
    assertTrue(
        fast.flatten()[0]
            != GradientCheckTest.randomDense(hp.hidden(), hp.inputSize(), new Random(11))
                .flatten()[0]);
  }

  @Test
  void forwardIsTheProbabilityOfTheReference() {
    Random random = new Random(3);
    DenseParameters p = GradientCheckTest.randomDense(7, 15, random);
    double[][] words = {
      GradientCheckTest.randomVector(5, random),
      GradientCheckTest.randomVector(5, random),
      GradientCheckTest.randomVector(5, random)
    };
    double h = new DoubleKernel(3 * 5, 7, 1).forward(p, words)[0];
    assertEquals(ReferenceNetwork.forward(ReferenceNetwork.Parameters.of(p), words).a2(), h, 1e-14);
    assertTrue(h > 0 && h < 1);
  }

  @Test
  void lossIsFiniteWhenTheNetworkIsConfidentlyWrong() {
    assertLossIsFiniteWhenConfidentlyWrong(DoubleKernel::logisticLoss);
  }

  /** The logistic loss checks of both kernels (z2 and y in, the loss out), written once. */
  static void assertLossIsFiniteWhenConfidentlyWrong(ToDoubleBiFunction<Integer, Integer> loss) {
    assertEquals(800.0, loss.applyAsDouble(-800, 1), 1e-9);
    assertEquals(800.0, loss.applyAsDouble(800, 0), 1e-9);
    assertEquals(Math.log(2), loss.applyAsDouble(0, 1), 1e-15);
  }

  @Test
  void aWordTwiceInAWindowReceivesBothGradientPieces() {
    Random random = new Random(5);
    DenseParameters fast = GradientCheckTest.randomDense(6, 9, random);
    ReferenceNetwork.Parameters reference = ReferenceNetwork.Parameters.of(fast);
    double[] shared = GradientCheckTest.randomVector(3, random);
    double[] other = GradientCheckTest.randomVector(3, random);
    double[] before = shared.clone();
    ReferenceNetwork.Gradients g =
        ReferenceNetwork.gradients(reference, new double[][] {shared, other, shared}, 1, 0);
    new DoubleKernel(3 * 3, 6, 1).sgdStep(fast, new double[][] {shared, other, shared}, 1, 0.1, 0);
    for (int d = 0; d < 3; d++) {
      double expected = before[d] - 0.1 * (g.dx().data[d] + g.dx().data[6 + d]);
      assertEquals(expected, shared[d], 1e-12);
    }
  }

  /** The double kernel's two-address step: into a spare holding garbage, the bits of in place. */
  @Test
  void trainingIntoASpareGivesTheBitsOfTrainingInPlace() {
    KernelProblem problem = KernelProblem.of(5, 7, 11, 15, 300, 31);
    DenseParameters inPlace = problem.dense().copy();
    double[][] l1 = problem.doubleVectors();
    DenseParameters live = problem.dense().copy();
    DenseParameters spare = new DenseParameters(live.hidden, live.inputSize, 1);
    double[][] l2 = problem.doubleVectors();
    DoubleKernel ws = new DoubleKernel(problem.hp());
    for (int s = 0; s < problem.windows().length; s++) {
      int[] ids = problem.windows()[s];
      int y = problem.labels()[s];
      double rate = problem.hp().learningRate();
      double a = ws.sgdStep(inPlace, gather(l1, ids), y, rate, problem.decay());
      boolean first = s % 5 == 0;
      if (first) {
        for (double[] row : spare.w) java.util.Arrays.fill(row, Double.NaN);
        spare.b2[0] = Double.NEGATIVE_INFINITY;
      }
      double b = ws.sgdStep(first ? live : spare, spare, gather(l2, ids), y, rate, problem.decay());
      assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b));
      if (s % 5 == 4) {
        DenseParameters t = live;
        live = spare;
        spare = t;
      }
    }
    assertArrayEquals(inPlace.flatten(), live.flatten());
    for (int v = 0; v < l1.length; v++) assertArrayEquals(l1[v], l2[v]);
  }

  static double[][] gather(double[][] l, int[] ids) {
    double[][] columns = new double[ids.length][];
    for (int c = 0; c < ids.length; c++) columns[c] = l[ids[c]];
    return columns;
  }

  static void assertArraysClose(double[] expected, double[] actual, double relative) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double tolerance = relative * Math.max(1.0, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tolerance, "entry " + i);
    }
  }
}
