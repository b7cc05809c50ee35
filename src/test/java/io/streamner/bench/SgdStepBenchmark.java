package io.streamner.bench;

import io.streamner.model.DenseParameters;
import io.streamner.model.DoubleKernel;
import io.streamner.model.FloatKernel;
import io.streamner.model.FloatParameters;
import io.streamner.model.ReferenceNetwork;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the window model's per-example work, one window per benchmark operation, so the
 * scores are in examples (windows) per second:
 *
 * <ul>
 *   <li>{@code fast}: one SGD step of the fused fast path, {@link DoubleKernel#sgdStep} (forward,
 *       backward and the update of W, b1, U, b2 and the C word vectors in place);
 *   <li>{@code reference}: the same SGD step with the plain EJML implementation of the
 *       specification's equations, {@link ReferenceNetwork#sgdStep};
 *   <li>{@code score}: forward only, {@link DoubleKernel#forward}, scoring one window (what tagging
 *       costs per token);
 *   <li>{@code simd} and {@code simdScore}: the same SGD step and forward pass of the float kernel,
 *       {@link FloatKernel} (explicit SIMD when the JVM has the Vector API module; its scalar
 *       fallback is timed on real windows by {@link Yardstick}).
 * </ul>
 *
 * <p>Shape: window size C = 5, hidden size H = 100, word-vector dimension n as the JMH parameter
 * {@code dim} (50 and 100). Learning rate 0.01, decay C/m = 1e-4 / 100,000.
 *
 * <p>Inputs are made to behave like training rather than one window hammered in cache: a vocabulary
 * of 5,000 random word vectors (the columns of L) and a pre-generated sequence of 65,536 windows of
 * uniformly random word ids with labels about 10% positive. Every operation takes the next window
 * of the sequence (cycling), so the C columns read and updated change from step to step. {@code
 * fast} and {@code reference} both train their own copy of the same initial model and vocabulary;
 * each benchmark/parameter pair starts from the same seeded state in its own fork. The gathering of
 * the C column references for a window is part of every operation (a few loads; the same for all
 * three).
 *
 * <p>How to run: {@code mvn -B -Pbench test-compile exec:exec -Dbench.only=kernel} runs {@link
 * BenchMain} (the speed suite's kernel phase), which runs this class with short settings (1 fork, 3
 * x 2 s warm-up, 5 x 2 s measurement: about 3 minutes on 2 cores), writes JMH's JSON to {@code
 * target/bench/jmh-result.json} and prints the fast/reference speed-up table (also written to
 * {@code target/bench/bench-summary.md}). JMH options can be passed through, e.g. {@code
 * -Dbench.args="-p dim=50 -i 10"}. Plain JMH also works on the test classpath: {@code
 * org.openjdk.jmh.Main SgdStepBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SgdStepBenchmark {
  public static final int WINDOW = 5;
  public static final int HIDDEN = 100;
  public static final int VOCABULARY = 5_000;

  /** Windows in the pre-generated sequence; a power of two so the cursor wraps with a mask. */
  public static final int SEQUENCE = 1 << 16;

  public static final double POSITIVE_FRACTION = 0.10;
  public static final double LEARNING_RATE = 0.01;
  public static final double DECAY = 1e-4 / 100_000;
  private static final long SEED = 42;

  /** n: length of one word vector. */
  @Param({"50", "100"})
  public int dim;

  private DenseParameters dense;
  private ReferenceNetwork.Parameters reference;
  private DoubleKernel workspace;

  /** L for the fast path and for scoring, one n-array per word. */
  private double[][] fastVectors;

  /** An identical, separate L for the reference, so the two never share state. */
  private double[][] referenceVectors;

  private FloatParameters floatDense;
  private FloatKernel floatWorkspace;

  /** L in float for the float kernel: the double vectors rounded. */
  private float[][] floatVectors;

  /** The C float column references of the current window. */
  private float[][] floatColumns;

  /** Word ids, WINDOW per window, SEQUENCE windows back to back. */
  private int[] windowIds;

  private int[] labels;

  /** The C column references of the current window (reused, no allocation per operation). */
  private double[][] columns;

  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(SEED);
    int inputSize = WINDOW * dim;
    dense = DenseParameters.initialise(HIDDEN, inputSize, 1, SEED);
    reference = ReferenceNetwork.Parameters.of(dense);
    workspace = new DoubleKernel(WINDOW * dim, HIDDEN, 1);

    // Random word vectors of the usual small scale, uniform in +-sqrt(6)/sqrt(n + H).
    double range = Math.sqrt(6.0) / Math.sqrt(dim + HIDDEN);
    fastVectors = new double[VOCABULARY][dim];
    referenceVectors = new double[VOCABULARY][];
    for (int v = 0; v < VOCABULARY; v++) {
      for (int d = 0; d < dim; d++) fastVectors[v][d] = (2 * random.nextDouble() - 1) * range;
      referenceVectors[v] = fastVectors[v].clone();
    }

    windowIds = new int[SEQUENCE * WINDOW];
    for (int i = 0; i < windowIds.length; i++) windowIds[i] = random.nextInt(VOCABULARY);
    labels = new int[SEQUENCE];
    for (int i = 0; i < SEQUENCE; i++) labels[i] = random.nextDouble() < POSITIVE_FRACTION ? 1 : 0;

    columns = new double[WINDOW][];
    cursor = 0;

    floatDense = FloatParameters.of(dense);
    floatWorkspace = new FloatKernel(WINDOW * dim, HIDDEN, 1);
    floatVectors = new float[VOCABULARY][dim];
    for (int v = 0; v < VOCABULARY; v++) {
      for (int d = 0; d < dim; d++) floatVectors[v][d] = (float) fastVectors[v][d];
    }
    floatColumns = new float[WINDOW][];
  }

  /** One SGD step of the float kernel (its scalar path if the JVM lacks the Vector API). */
  @Benchmark
  public void simd(Blackhole bh) {
    int i = nextWindow(floatVectors, floatColumns);
    bh.consume(floatWorkspace.sgdStep(floatDense, floatColumns, labels[i], LEARNING_RATE, DECAY));
  }

  /** Scoring one window with the float kernel: its forward pass only. */
  @Benchmark
  public void simdScore(Blackhole bh) {
    nextWindow(floatVectors, floatColumns);
    bh.consume(floatWorkspace.forward(floatDense, floatColumns));
  }

  /**
   * Points {@code window} ({@link #columns} or {@link #floatColumns}) at the next window's word
   * vectors in {@code vectors}, one method for the double and the float kernels so that both step
   * through the same sequence (cycling) alike; returns the window's index.
   */
  private <V> int nextWindow(V[] vectors, V[] window) {
    final int i = cursor;
    cursor = (i + 1) & (SEQUENCE - 1);
    for (int c = 0; c < WINDOW; c++) window[c] = vectors[windowIds[i * WINDOW + c]];
    return i;
  }

  /** One SGD step of the fused fast path. */
  @Benchmark
  public void fast(Blackhole bh) {
    int i = nextWindow(fastVectors, columns);
    bh.consume(workspace.sgdStep(dense, columns, labels[i], LEARNING_RATE, DECAY));
  }

  /** One SGD step of the EJML reference implementation. */
  @Benchmark
  public void reference(Blackhole bh) {
    int i = nextWindow(referenceVectors, columns);
    bh.consume(ReferenceNetwork.sgdStep(reference, columns, labels[i], LEARNING_RATE, DECAY));
  }

  /** Scoring one window: the forward pass of the fast path only, parameters unchanged. */
  @Benchmark
  public void score(Blackhole bh) {
    nextWindow(fastVectors, columns);
    bh.consume(workspace.forward(dense, columns)[0]);
  }
}
