package io.streamner.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SgdStepBenchmark} with short settings and prints the speed-up of the fused SGD step
 * over the EJML reference, one row per word-vector dimension n.
 *
 * <p>The speed suite's kernel phase: {@code mvn -B -Pbench test-compile exec:exec
 * -Dbench.only=kernel} runs it through {@link SpeedSuite} (about 3 minutes on 2 cores); {@code
 * main} runs it alone. Defaults: 1 fork, 3 warm-up iterations of 2 s, 5 measurement iterations of 2
 * s, both values of {@code dim}. Any JMH command-line option given as an argument overrides a
 * default (through Maven: {@code -Dbench.args="-p dim=50 -wi 5 -i 10"}); with no benchmark pattern
 * among the arguments, only {@link SgdStepBenchmark} runs.
 *
 * <p>Writes JMH's JSON result to {@code <out>/jmh-result.json} and the summary table to {@code
 * <out>/bench-summary.md}, where {@code <out>} is the system property {@code bench.out} (default
 * {@code target}).
 */
public final class BenchMain {
  /**
   * The speed-up of {@code fast} over {@code reference} aimed at for the reference setup n = 50:
   * 3x, the target of issue #5 (the speed suite checks the same figure).
   */
  static final double TARGET_RATIO = 3.0;

  private BenchMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Path out = Path.of(System.getProperty("bench.out", "target"));
    Kernel kernel = run(args, out);
    if (kernel == null) return;
    System.out.println();
    System.out.print(kernel.summary());
    System.out.println();
    System.out.println("JMH result: " + kernel.json());
    System.out.println("summary:    " + kernel.markdown());
  }

  /** What one JMH run gave: its results by n and method, and where they were written. */
  record Kernel(
      Map<Integer, Map<String, Result<?>>> byDim, String summary, Path json, Path markdown) {
    /**
     * The primary score (operations per second) of {@code method} at word-vector dimension {@code
     * dim}, or NaN.
     */
    double score(int dim, String method) {
      Result<?> r = byDim.getOrDefault(dim, Map.of()).get(method);
      return r == null ? Double.NaN : r.getScore();
    }

    /** The half-width of the 99.9% confidence interval of that score, or NaN. */
    double error(int dim, String method) {
      Result<?> r = byDim.getOrDefault(dim, Map.of()).get(method);
      return r == null ? Double.NaN : r.getScoreError();
    }
  }

  /**
   * Runs the benchmark with the defaults above, any of them overridden by JMH options in {@code
   * args}; writes {@code jmh-result.json} and {@code bench-summary.md} into {@code out}. Returns
   * null when the arguments only asked for JMH's help. {@link SpeedSuite} calls this for its kernel
   * phase.
   */
  static Kernel run(String[] args, Path out) throws RunnerException, IOException {
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      throw new IllegalArgumentException("bad JMH option: " + e.getMessage(), e);
    }
    if (cmd.shouldHelp()) {
      cmd.showHelp();
      return null;
    }

    Files.createDirectories(out);
    Path json = out.resolve("jmh-result.json");

    OptionsBuilder builder = new OptionsBuilder();
    builder.parent(cmd);
    if (cmd.getIncludes().isEmpty()) {
      builder.include("^" + Pattern.quote(SgdStepBenchmark.class.getName()) + "\\.");
    }
    if (!cmd.getForkCount().hasValue()) builder.forks(1);
    if (!cmd.getWarmupIterations().hasValue()) builder.warmupIterations(3);
    if (!cmd.getWarmupTime().hasValue()) builder.warmupTime(TimeValue.seconds(2));
    if (!cmd.getMeasurementIterations().hasValue()) builder.measurementIterations(5);
    if (!cmd.getMeasurementTime().hasValue()) builder.measurementTime(TimeValue.seconds(2));
    if (!cmd.getResultFormat().hasValue()) builder.resultFormat(ResultFormatType.JSON);
    if (!cmd.getResult().hasValue()) builder.result(json.toString());
    Options options = builder.build();

    Collection<RunResult> results = new Runner(options).run();

    String summary = summarise(results, options);
    Path md = out.resolve("bench-summary.md");
    Files.writeString(md, summary, StandardCharsets.UTF_8);
    return new Kernel(
        byDim(results), summary, Path.of(options.getResult().orElse(json.toString())), md);
  }

  /** n -> benchmark method ("fast", "reference", "score", "simd", "simdScore") -> result. */
  static Map<Integer, Map<String, Result<?>>> byDim(Collection<RunResult> results) {
    Map<Integer, Map<String, Result<?>>> byDim = new TreeMap<>();
    for (RunResult r : results) {
      String benchmark = r.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String dim = r.getParams().getParam("dim");
      if (dim == null) continue;
      byDim
          .computeIfAbsent(Integer.parseInt(dim), k -> new TreeMap<>())
          .put(method, r.getPrimaryResult());
    }
    return byDim;
  }

  /** The Markdown table: n, fast and reference examples/s, fast/reference, score windows/s. */
  static String summarise(Collection<RunResult> results, Options options) {
    Map<Integer, Map<String, Result<?>>> byDim = byDim(results);

    StringBuilder s = new StringBuilder();
    s.append("## SgdStepBenchmark: per-example throughput (C=")
        .append(SgdStepBenchmark.WINDOW)
        .append(", H=")
        .append(SgdStepBenchmark.HIDDEN)
        .append(", vocabulary ")
        .append(SgdStepBenchmark.VOCABULARY)
        .append(")\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "JMH: %d fork(s), %d x %s warm-up, %d x %s measurement; Java %s, %d cores. Scores: mean +- 99.9%% CI.%n%n",
            options.getForkCount().orElse(1),
            options.getWarmupIterations().orElse(0),
            options.getWarmupTime().orElse(TimeValue.NONE),
            options.getMeasurementIterations().orElse(0),
            options.getMeasurementTime().orElse(TimeValue.NONE),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors()));
    s.append(
        "| n | fast examples/s | reference examples/s | fast/reference | float simd examples/s"
            + " | simd/fast | score windows/s | float simd score windows/s |\n");
    s.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Integer, Map<String, Result<?>>> e : byDim.entrySet()) {
      Map<String, Result<?>> m = e.getValue();
      Result<?> fast = m.get("fast");
      Result<?> reference = m.get("reference");
      Result<?> simd = m.get("simd");
      s.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(cell(fast))
          .append(" | ")
          .append(cell(reference))
          .append(" | ")
          .append(ratio(fast, reference))
          .append(" | ")
          .append(cell(simd))
          .append(" | ")
          .append(ratio(simd, fast))
          .append(" | ")
          .append(cell(m.get("score")))
          .append(" | ")
          .append(cell(m.get("simdScore")))
          .append(" |\n");
    }

    Map<String, Result<?>> n50 = byDim.get(50);
    if (n50 != null && n50.get("fast") != null && n50.get("reference") != null) {
      double ratio = n50.get("fast").getScore() / n50.get("reference").getScore();
      s.append(
          String.format(
              Locale.ROOT,
              "%nTarget fast/reference >= %.1fx at n=50: %s (%.2fx).%n",
              TARGET_RATIO,
              ratio >= TARGET_RATIO ? "met" : "NOT met",
              ratio));
    }
    return s.toString();
  }

  private static String ratio(Result<?> a, Result<?> b) {
    return a != null && b != null
        ? String.format(Locale.ROOT, "%.2fx", a.getScore() / b.getScore())
        : "-";
  }

  private static String cell(Result<?> r) {
    if (r == null) return "-";
    double error = r.getScoreError();
    return Double.isNaN(error)
        ? String.format(Locale.ROOT, "%,.0f", r.getScore())
        : String.format(Locale.ROOT, "%,.0f +- %,.0f", r.getScore(), error);
  }
}
