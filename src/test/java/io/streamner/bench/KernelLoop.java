package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.model.DenseParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.WindowNetwork;
import java.util.SplittableRandom;

/**
 * The kernel's speed measured in the suite's own JVM, right before a job scenario: a plain loop of
 * {@link WindowNetwork#sgdStep} on one thread, at the job's hyper-parameters, over random windows
 * drawn as {@link SgdStepBenchmark} draws them (a vocabulary of 5,000 random vectors, a cycling
 * sequence of 65,536 windows, about 10% positive labels).
 *
 * <p>Why not the JMH figure: the job's windows/s is compared with what the kernel does in the same
 * process at the same moment (same JIT, same machine load, same CPU frequency), so the ratio says
 * how much the job adds around the math rather than how noisy the machine was between two runs.
 */
final class KernelLoop {
  /** Result of one measurement: windows per second and the steps timed. */
  record Speed(double windowsPerSecond, long steps, double seconds) {}

  private KernelLoop() {}

  /** Warms up for {@code warmupSeconds}, then times SGD steps for {@code measureSeconds}. */
  static Speed measure(JobDefinition definition, double warmupSeconds, double measureSeconds) {
    Hyperparameters hp = definition.hyperparameters();
    int c = hp.windowSize();
    int n = hp.dim();
    SplittableRandom random = new SplittableRandom(42);
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), hp.inputSize(), 42);
    WindowNetwork.Workspace workspace = new WindowNetwork.Workspace(c, n, hp.hidden());
    double range = Math.sqrt(6.0) / Math.sqrt(n + hp.hidden());
    double[][] vectors = new double[SgdStepBenchmark.VOCABULARY][n];
    for (double[] v : vectors)
      for (int d = 0; d < n; d++) v[d] = (2 * random.nextDouble() - 1) * range;
    int windows = SgdStepBenchmark.SEQUENCE;
    int[] ids = new int[windows * c];
    for (int i = 0; i < ids.length; i++) ids[i] = random.nextInt(SgdStepBenchmark.VOCABULARY);
    int[] labels = new int[windows];
    for (int i = 0; i < windows; i++)
      labels[i] = random.nextDouble() < SgdStepBenchmark.POSITIVE_FRACTION ? 1 : 0;

    Loop loop =
        new Loop(dense, workspace, vectors, ids, labels, c, hp.learningRate(), definition.decay());
    loop.runFor(warmupSeconds);
    long steps0 = loop.steps;
    long t0 = System.nanoTime();
    loop.runFor(measureSeconds);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long steps = loop.steps - steps0;
    // The sum of losses is printed nowhere but read here, so the JIT cannot drop the steps.
    if (Double.isNaN(loop.lossSum)) throw new IllegalStateException("the kernel diverged");
    return new Speed(steps / seconds, steps, seconds);
  }

  /**
   * The loop's state, kept in fields so that warm-up and measurement run the same compiled code.
   */
  private static final class Loop {
    final DenseParameters dense;
    final WindowNetwork.Workspace workspace;
    final double[][] vectors;
    final int[] ids;
    final int[] labels;
    final int c;
    final double learningRate;
    final double decay;
    final double[][] columns;
    int cursor;
    long steps;
    double lossSum;

    Loop(
        DenseParameters dense,
        WindowNetwork.Workspace workspace,
        double[][] vectors,
        int[] ids,
        int[] labels,
        int c,
        double learningRate,
        double decay) {
      this.dense = dense;
      this.workspace = workspace;
      this.vectors = vectors;
      this.ids = ids;
      this.labels = labels;
      this.c = c;
      this.learningRate = learningRate;
      this.decay = decay;
      this.columns = new double[c][];
    }

    void runFor(double seconds) {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      // The clock is read once per 1,024 steps (a step is about 10 us): its cost stays out of the
      // figure.
      while (System.nanoTime() < end) {
        for (int s = 0; s < 1024; s++) {
          int i = cursor;
          cursor = (i + 1) & (labels.length - 1);
          for (int k = 0; k < c; k++) columns[k] = vectors[ids[i * c + k]];
          lossSum +=
              WindowNetwork.sgdStep(dense, columns, labels[i], learningRate, decay, workspace);
        }
        steps += 1024;
      }
    }
  }
}
