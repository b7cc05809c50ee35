package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/** The job definition every scenario starts from, and small file chores. */
final class BenchSetup {
  /**
   * The shape the kernel figures are for: C=5, H=100, n=50 (no pretrained vectors, which would fix
   * n).
   */
  static final int WINDOW = 5;

  static final int HIDDEN = 100;
  static final int DIM = 50;

  /** A snapshot every 250,000 windows: a handful per scenario, as a deployment would write. */
  static final long SNAPSHOT_EVERY_EXAMPLES = 250_000;

  static final long CHECKPOINT_INTERVAL_MS = 10_000;

  /**
   * {@code model.precision} of every job the suite runs ({@code -Dbench.precision}, default float):
   * issue 12's targets are on the float kernel, and the job is compared with the kernel of its own
   * precision.
   */
  static final String PRECISION = System.getProperty("bench.precision", "float");

  private BenchSetup() {}

  /**
   * The definition of a bench run on {@code topics}: one model of the reference shape, min count 1,
   * snapshots by count only, a checkpoint every 10 s into {@code checkpoints}, at-least-once
   * predictions, no restarts (a failure must fail the measurement, not hide in it). Scenarios set
   * models, state backend, parallelism and boundedness on top.
   */
  static Properties properties(
      EmbeddedKafka kafka,
      JobDefinition.Topics topics,
      String name,
      Path checkpoints,
      long regularizationExamples) {
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("job.name", name);
    p.setProperty("models", "PER");
    p.setProperty("model.window", String.valueOf(WINDOW));
    p.setProperty("model.hidden", String.valueOf(HIDDEN));
    p.setProperty("model.dim", String.valueOf(DIM));
    p.setProperty("model.min-count", "1");
    p.setProperty("model.precision", PRECISION);
    p.setProperty("model.regularization-examples", String.valueOf(regularizationExamples));
    p.setProperty("snapshot.every-examples", String.valueOf(SNAPSHOT_EVERY_EXAMPLES));
    p.setProperty("snapshot.every-seconds", "0");
    p.setProperty("checkpoint.interval-ms", String.valueOf(CHECKPOINT_INTERVAL_MS));
    p.setProperty("checkpoint.dir", checkpoints.toUri().toString());
    p.setProperty("predictions.delivery", "at-least-once");
    p.setProperty("restart.attempts", "0");
    p.setProperty("source.bounded", "true");
    return p;
  }

  /**
   * Bytes of the regular files under {@code dir}: 0 if it does not exist, -1 if it changed too much
   * while being walked (RocksDB deletes files as it compacts), for the caller to sample again.
   */
  static long sizeOnDisk(Path dir) {
    if (!Files.exists(dir)) return 0;
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException vanished) {
                  return 0; // RocksDB deletes files while it runs
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException vanished) {
      return -1;
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary directory left behind is not worth failing the suite for
    }
  }
}
