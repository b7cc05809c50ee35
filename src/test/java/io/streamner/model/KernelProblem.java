package io.streamner.model;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A seeded random training problem for the kernel tests: a starting model (double), a small
 * vocabulary (so words repeat within and across windows, and some windows hold one word twice), and
 * a sequence of windows with labels about 25% positive. {@link #main} trains the float kernel on it
 * in a child JVM and prints which loops ran and a digest of the result, for {@link
 * FloatKernelJvmTest}.
 */
record KernelProblem(
    Hyperparameters hp,
    double decay,
    DenseParameters dense,
    double[][] vectors,
    int[][] windows,
    int[] labels) {

  static KernelProblem of(
      int windowSize, int dim, int hidden, int vocabulary, int steps, long seed) {
    Hyperparameters hp = new Hyperparameters(windowSize, dim, hidden, 0.05, 0.5, seed);
    Random random = new Random(seed);
    DenseParameters dense = GradientCheckTest.randomDense(hidden, windowSize * dim, random);
    double[][] vectors = new double[vocabulary][];
    for (int v = 0; v < vocabulary; v++) vectors[v] = GradientCheckTest.randomVector(dim, random);
    int[][] windows = new int[steps][windowSize];
    int[] labels = new int[steps];
    for (int s = 0; s < steps; s++) {
      for (int c = 0; c < windowSize; c++) windows[s][c] = random.nextInt(vocabulary);
      // every tenth window holds its first word again at the end (as "the cat the" does)
      if (s % 10 == 0) windows[s][windowSize - 1] = windows[s][0];
      labels[s] = random.nextInt(4) == 0 ? 1 : 0;
    }
    return new KernelProblem(hp, 0.5 / 1000, dense, vectors, windows, labels);
  }

  /** The words of L in float, rounded from the double ones. */
  float[][] floatVectors() {
    float[][] l = new float[vectors.length][];
    for (int v = 0; v < vectors.length; v++) {
      l[v] = new float[vectors[v].length];
      for (int d = 0; d < l[v].length; d++) l[v][d] = (float) vectors[v][d];
    }
    return l;
  }

  double[][] doubleVectors() {
    double[][] l = new double[vectors.length][];
    for (int v = 0; v < vectors.length; v++) l[v] = vectors[v].clone();
    return l;
  }

  /** What a float run ends with. */
  record FloatRun(FloatParameters dense, float[][] vectors, double lossSum) {
    /** SHA-256 over every bit of the result: equal digests, equal runs. */
    String digest() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer b = ByteBuffer.allocate(8);
        for (float f : dense.flatten())
          sha.update(b.clear().putInt(Float.floatToRawIntBits(f)).flip());
        for (float[] v : vectors)
          for (float f : v) sha.update(b.clear().putInt(Float.floatToRawIntBits(f)).flip());
        sha.update(b.clear().putLong(Double.doubleToRawLongBits(lossSum)).flip());
        return HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Trains {@code kernel} on every window in order, from the float-rounded start. */
  FloatRun trainFloat(FloatLoops kernel) {
    FloatParameters p = FloatParameters.of(dense);
    float[][] l = floatVectors();
    FloatKernel ws = new FloatKernel(kernel, hp.inputSize(), hp.hidden(), 1);
    float[][] columns = new float[hp.windowSize()][];
    double loss = 0;
    for (int s = 0; s < windows.length; s++) {
      for (int c = 0; c < columns.length; c++) columns[c] = l[windows[s][c]];
      loss += ws.sgdStep(p, columns, labels[s], hp.learningRate(), decay);
    }
    return new FloatRun(p, l, loss);
  }

  /**
   * Child JVM entry: {@code C n H vocabulary steps seed}; prints the loops' description, then the
   * digest of {@link #trainFloat} with the fastest loops.
   */
  public static void main(String[] args) {
    int[] a = new int[5];
    for (int i = 0; i < 5; i++) a[i] = Integer.parseInt(args[i]);
    KernelProblem problem = of(a[0], a[1], a[2], a[3], a[4], Long.parseLong(args[5]));
    FloatLoops kernel = FloatKernel.fastestLoops();
    System.out.println("loops: " + kernel.description());
    System.out.println("digest: " + problem.trainFloat(kernel).digest());
  }
}
