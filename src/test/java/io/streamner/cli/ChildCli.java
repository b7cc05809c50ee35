package io.streamner.cli;

import io.streamner.job.JobDefinition;
import io.streamner.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code streamner COMMAND ...} in child JVMs, as a user runs it, so that a test can stop it with a
 * real signal. Each child's output goes to a log under target/, where it can be read after a failed
 * build; {@link #close()} kills what is still running.
 */
final class ChildCli implements AutoCloseable {
  private final Path logs;
  private final List<Process> started = new ArrayList<>();

  /** Logs go to target/{@code folder}. */
  ChildCli(String folder) {
    this.logs = Path.of("target", folder);
  }

  /** Starts {@code streamner ARGS} with a 1 GiB heap, output and errors to the log. */
  Process start(String logName, String... args) throws IOException {
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(logName).toFile())
            .start();
    started.add(process);
    return process;
  }

  /** What the child that logs to {@code logName} has printed so far. */
  String log(String logName) throws IOException {
    return Files.readString(logs.resolve(logName));
  }

  /** Whether a child was started with that log. */
  boolean hasLog(String logName) {
    return Files.exists(logs.resolve(logName));
  }

  @Override
  public void close() {
    started.forEach(Process::destroyForcibly);
  }

  /**
   * Writes a job definition of one PER model on the topics, checkpointing every second under {@code
   * checkpoints} and snapshotting every 50,000 examples; {@code extra} lines add or override keys.
   */
  static Path definition(
      Path file,
      String name,
      EmbeddedKafka kafka,
      JobDefinition.Topics topics,
      Path checkpoints,
      String... extra)
      throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "job.name = " + name,
                "kafka.bootstrap.servers = " + kafka.bootstrapServers(),
                "topic.train = " + topics.train(),
                "topic.score = " + topics.score(),
                "topic.predictions = " + topics.predictions(),
                "topic.snapshots = " + topics.snapshots(),
                "topic.dead-letter = " + topics.deadLetter(),
                "source.bounded = true",
                "models = PER",
                "model.min-count = 2",
                "snapshot.every-examples = 50000",
                "snapshot.every-seconds = 0",
                "checkpoint.interval-ms = 1000",
                "checkpoint.dir = " + checkpoints.toUri()));
    lines.addAll(List.of(extra));
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }
}
