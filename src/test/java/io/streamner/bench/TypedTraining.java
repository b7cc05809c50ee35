package io.streamner.bench;

import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.Trainer;
import io.streamner.model.TrainingSet;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.model.WordVectors;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The speed suite's typed phase (issue 11): one epoch of training a typed model of four entity
 * types against four binary models of the same types trained one after the other, on the same
 * windows, in this JVM. The target compares the windows of the corpus trained for all four types
 * per second: W / t(typed) against W / (t(PER) + t(LOC) + t(GROUP) + t(CORPORATION)).
 *
 * <p>Corpus: WNUT-17's training file (62,730 windows), four of its six types, so that every model
 * has real labels. Setup: C=5, H=100, n=50 random vectors (the kernel phase's shape), vocabulary of
 * every training word, one epoch in corpus order through {@link Trainer} (the same code as the
 * {@code train} command, corpus reading and windowing left out), in the suite's precision ({@code
 * -Dbench.precision}, default float: {@code FloatKernel} with K tags against one output). The typed
 * model is the command's default (BIO, nine tags, capitalisation features of k=5); the same without
 * capitalisation features is reported beside it, as what the feature costs.
 *
 * <p>Time is the training thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}), not the
 * wall clock: the loop is one thread that never waits, so on a quiet machine the two agree, while
 * on these shared machines (load averages of 5 to 12 on 2 cores while other sessions work) the
 * wall-clock time of one epoch varied threefold between runs of the same code, and its CPU time by
 * 10%. The wall-clock figures are kept in the details. A warm-up round runs every contender once
 * (the JIT compiles both kernels), then {@code rounds} rounds run them in turn; each contender
 * reports its fastest epoch, as the job scenarios do.
 */
final class TypedTraining {
  static final List<String> TYPES = List.of("PER", "LOC", "GROUP", "CORPORATION");
  static final Hyperparameters HP =
      new Hyperparameters(
          5,
          50,
          100,
          Hyperparameters.DEFAULT_LEARNING_RATE,
          Hyperparameters.DEFAULT_REGULARIZATION,
          42);

  /**
   * The precision of every contender: the suite's ({@code -Dbench.precision}, default float), so
   * that typed and binary models are compared on the same kernel, float's by default.
   */
  static final Precision PRECISION = Precision.of(BenchSetup.PRECISION);

  /**
   * The fastest epoch of each contender, in CPU seconds, and every epoch timed.
   *
   * @param binarySeconds the fastest epoch of each binary model, by type
   */
  record Result(
      int windows,
      Map<String, Double> binarySeconds,
      double typedSeconds,
      double typedWithoutCapitalizationSeconds,
      Map<String, List<Double>> cpuSeconds,
      Map<String, List<Double>> wallSeconds) {

    double binaryWindowsPerSecond() {
      double sum = 0;
      for (double s : binarySeconds.values()) sum += s;
      return windows / sum;
    }

    double typedWindowsPerSecond() {
      return windows / typedSeconds;
    }

    double typedWithoutCapitalizationWindowsPerSecond() {
      return windows / typedWithoutCapitalizationSeconds;
    }

    /** Typed over four binary models one after the other: the target's ratio. */
    double speedup() {
      return typedWindowsPerSecond() / binaryWindowsPerSecond();
    }
  }

  private TypedTraining() {}

  static Result run(Path corpus, int rounds, Progress progress) throws IOException {
    List<Sentence> sentences = CorpusReader.read(corpus, null).sentences();
    TokenNormalizer normalizer = TokenNormalizer.defaults();
    Vocabulary vocabulary =
        Vocabulary.of(VocabularyBuilder.frequentWords(sentences, normalizer, 1));
    Timings timings = new Timings(progress);
    int windows = 0;
    for (int round = 0; round <= rounds; round++) {
      boolean warmUp = round == 0;
      for (String type : TYPES) {
        NerModel model = NerModel.initialise(type, input(vocabulary, normalizer, 0));
        TrainingSet data = TrainingSet.of(model, sentences);
        windows = data.size();
        timings.time(
            "binary " + type, warmUp, listener -> Trainer.train(model, data, 1, false, listener));
      }
      for (int k : new int[] {WindowInput.DEFAULT_CAPITALIZATION_DIM, 0}) {
        TypedModel model =
            TypedModel.initialise(
                new TagSet(TagSet.Scheme.BIO, TYPES), input(vocabulary, normalizer, k));
        TrainingSet data = TrainingSet.of(model, sentences);
        timings.time(
            k > 0 ? "typed" : "typed without caps",
            warmUp,
            listener -> Trainer.train(model, data, 1, false, listener));
      }
    }
    Map<String, Double> binary = new LinkedHashMap<>();
    for (String type : TYPES) binary.put(type, timings.fastest("binary " + type));
    return new Result(
        windows,
        binary,
        timings.fastest("typed"),
        timings.fastest("typed without caps"),
        timings.cpu,
        timings.wall);
  }

  /** Every epoch's CPU and wall-clock seconds by contender (warm-up left out). */
  private static final class Timings {
    final Map<String, List<Double>> cpu = new LinkedHashMap<>();
    final Map<String, List<Double>> wall = new LinkedHashMap<>();
    final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    final Progress progress;

    Timings(Progress progress) {
      this.progress = progress;
    }

    void time(String contender, boolean warmUp, Consumer<Trainer.Listener> epoch) {
      double[] wallSeconds = new double[1];
      long start = threads.getCurrentThreadCpuTime();
      epoch.accept(report -> wallSeconds[0] = report.seconds());
      double cpuSeconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
      progress.info(
          "%s%s: %.2f s CPU (%.2f s wall)",
          warmUp ? "warm-up, " : "", contender, cpuSeconds, wallSeconds[0]);
      if (warmUp) return;
      cpu.computeIfAbsent(contender, c -> new ArrayList<>()).add(cpuSeconds);
      wall.computeIfAbsent(contender, c -> new ArrayList<>()).add(wallSeconds[0]);
    }

    double fastest(String contender) {
      return cpu.get(contender).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
  }

  /** The input of every contender, in the suite's precision ({@link #PRECISION}). */
  private static WindowInput input(Vocabulary vocabulary, TokenNormalizer normalizer, int k) {
    return new WindowInput(
            HP,
            normalizer,
            vocabulary,
            WordVectors.initialise(vocabulary, null, HP.seed(), HP.dim()),
            WindowInput.initialCapitals(k, HP.seed()))
        .in(PRECISION);
  }
}
