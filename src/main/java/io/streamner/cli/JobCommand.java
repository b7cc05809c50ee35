package io.streamner.cli;

import io.streamner.job.CheckpointDirectory;
import io.streamner.job.JobDefinition;
import io.streamner.job.JobOptions;
import io.streamner.job.LocalFlink;
import io.streamner.job.ServingJob;
import io.streamner.job.StreamnerJob;
import io.streamner.kafka.JobLock;
import io.streamner.kafka.KafkaPreflight;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamner job}: runs a job definition on a local Flink in this process, as a service: it
 * resumes from the job's newest checkpoint or savepoint, prints its progress, and stops with a
 * savepoint on Ctrl-C or SIGTERM.
 */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the continuous-training job of a definition file on a local Flink.",
      "It resumes from the job's newest checkpoint or savepoint (under checkpoint.dir, per job"
          + " name) and stops with a savepoint on Ctrl-C or SIGTERM (a second one stops at once).",
      "For a cluster: flink run -c io.streamner.job.StreamnerJob streamner-job.jar --definition"
          + " FILE"
    })
public class JobCommand implements Callable<Integer> {
  /** How long a stop may take to write its savepoint before the job is cancelled instead. */
  private static final long STOP_TIMEOUT_SECONDS = 120;

  /** Savepoints kept per job (older ones are deleted when a newer run has checkpointed). */
  private static final int KEPT_SAVEPOINTS = 3;

  /** How often a declined stop-with-savepoint is asked for before the job is cancelled. */
  private static final int STOP_ATTEMPTS = 3;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DEFINITION",
      description = "Job definition, e.g. flink-jobs/btc-person.properties.")
  Path definitionFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka to use instead of the file's.")
  String bootstrapServers;

  @Mixin KafkaOptions kafkaOptions;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(
        names = "--fresh",
        description = "Start with empty state, ignoring the job's checkpoints and savepoints.")
    boolean fresh;

    @Option(
        names = "--from",
        paramLabel = "PATH",
        description =
            "Resume from this savepoint or checkpoint (a directory with a _metadata file).")
    String from;
  }

  @Option(names = "--quiet", description = "Print no progress lines.")
  boolean quiet;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "5",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  double progressSeconds;

  @Override
  public Integer call() throws Exception {
    if (!(progressSeconds > 0)) throw new UserError("--progress-seconds must be positive");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JobDefinition loaded = JobDefinition.load(definitionFile, overrides());
    JobDefinition definition =
        serving()
            ? UserError.ifRefused(definitionFile + ": ", () -> ServingJob.serving(loaded))
            : loaded;
    if (serving()) {
      KafkaPreflight.check(definition.kafka(), ServingJob.topicNames(definition));
    } else {
      KafkaPreflight.check(definition.kafka(), StreamnerJob.topicNames(definition));
      StreamnerJob.placementWarning(definition)
          .ifPresent(
              warning -> {
                err.println("warning: " + warning);
                err.flush();
              });
    }
    // Before anything of the job's is touched: another copy may be using it.
    try (JobLock lock = lock(definition, err)) {
      return launch(definition, out, err);
    }
  }

  /** Refuses a second copy of a running job, waiting out a killed predecessor's session. */
  private static JobLock lock(JobDefinition definition, PrintWriter err) throws UserError {
    try {
      return JobLock.acquire(
          definition.kafka(),
          definition.name(),
          definition.topics().snapshots(),
          waiting -> {
            err.println(waiting + "...");
            err.flush();
          });
    } catch (JobLock.AlreadyRunning e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private int launch(JobDefinition definition, PrintWriter out, PrintWriter err) throws Exception {
    CheckpointDirectory state = CheckpointDirectory.of(definition);
    String restore = restorePath(definition, state);

    Map<String, Long> startVersions = null;
    if (serving()) {
      out.printf(
          "serving job %s: models %s of job %s, following %s, answering %s from %s (Ctrl-C"
              + " stops it with a savepoint)%n",
          definition.name(),
          String.join(",", definition.models()),
          definition.scoring().follow(),
          definition.topics().snapshots(),
          definition.topics().score(),
          definition.bootstrapServers());
      out.printf("kafka: %s%n", definition.kafka().describe());
      out.flush();
      startVersions = ServingJob.newestVersions(definition, ServingJob.START_READ_TIMEOUT);
      out.println(ServingJob.describeStart(definition, startVersions));
    } else {
      out.printf(
          "job %s: models %s, reading %s from %s%s%n",
          definition.name(),
          String.join(",", definition.models()),
          definition.scoring().inTrainer()
              ? definition.topics().train() + " and " + definition.topics().score()
              : definition.topics().train()
                  + " (scoring.in-trainer = false: serving jobs answer "
                  + definition.topics().score()
                  + ")",
          definition.bootstrapServers(),
          definition.bounded() ? " up to the current end" : " (Ctrl-C stops it with a savepoint)");
      out.printf("kafka: %s%n", definition.kafka().describe());
    }
    out.println(
        restore != null
            ? "resuming from " + restore
            : start.fresh
                ? "starting fresh (--fresh); earlier checkpoints stay in " + state.checkpoints()
                : "starting fresh: no checkpoint or savepoint of job "
                    + definition.name()
                    + " in "
                    + state.checkpoints());
    Configuration conf = LocalFlink.configuration(definition);
    MetricOptions.forReporter(conf, ProgressReporter.NAME)
        .set(MetricOptions.REPORTER_FACTORY_CLASS, ProgressReporter.Factory.class.getName());
    StreamnerJob.restoreFrom(conf, restore);

    try (StopSignals signals =
        StopSignals.install(
            err,
            "stopping job "
                + definition.name()
                + " with a savepoint (Ctrl-C again stops at once)...")) {
      JobClient job = start(conf, definition, startVersions);
      out.printf("flink: web UI at %s%n", LocalFlink.webUi(conf));
      out.flush();
      return run(job, definition, state, restore, signals, out);
    }
  }

  private JobClient start(
      Configuration conf, JobDefinition definition, Map<String, Long> startVersions)
      throws Exception {
    if (!serving()) return LocalFlink.start(conf, definition);
    long startedAt = System.currentTimeMillis();
    return LocalFlink.start(
        conf,
        definition.name(),
        env -> StreamnerJob.buildServing(env, definition, startVersions, startedAt));
  }

  /** Whether this command runs the definition's serving job ({@code streamner serve}). */
  boolean serving() {
    return false;
  }

  /** The command line's Kafka settings, as the definition keys they replace or add. */
  private Map<String, String> overrides() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    if (bootstrapServers != null) keys.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
    kafkaOptions
        .settings()
        .forEach((key, value) -> keys.put(JobOptions.KAFKA_PROPERTIES.key() + "." + key, value));
    return keys;
  }

  /** The checkpoint or savepoint to resume from, as --fresh and --from say; null for none. */
  private String restorePath(JobDefinition definition, CheckpointDirectory state) throws UserError {
    StreamnerJob.Resume resume =
        start.fresh
            ? StreamnerJob.Resume.FRESH
            : start.from != null ? StreamnerJob.Resume.FROM : StreamnerJob.Resume.LATEST;
    try {
      return StreamnerJob.restorePath(definition, resume, start.from);
    } catch (IOException e) {
      throw new UserError(
          e.getMessage()
              + "; to start over use --fresh, or pick another with --from PATH (the job's are in "
              + state.checkpoints()
              + ")",
          e);
    }
  }

  /** Prints progress until the job ends or a signal asks it to stop. */
  private int run(
      JobClient job,
      JobDefinition definition,
      CheckpointDirectory state,
      String restore,
      StopSignals signals,
      PrintWriter out)
      throws Exception {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    Progress progress = new Progress();
    long every = (long) (progressSeconds * 1000);
    long next = System.currentTimeMillis() + every;
    while (!result.isDone()) {
      if (signals.await(Math.max(1, Math.min(200, next - System.currentTimeMillis())))) {
        return stop(job, definition, state, out);
      }
      progress.sayRestarts(definition.name(), out);
      if (System.currentTimeMillis() >= next) {
        if (!quiet) {
          out.println(progress.line());
          out.flush();
        }
        prune(state, job);
        next += every;
      }
    }
    try {
      JobExecutionResult done = result.get();
      out.printf("job %s finished in %.1f s%n", definition.name(), done.getNetRuntime() / 1000.0);
      return 0;
    } catch (ExecutionException e) {
      String cause = StreamnerJob.failureMessage(e);
      boolean checkpointedSinceRestore = hasCheckpoint(state, job);
      if (restore != null && !checkpointedSinceRestore) {
        throw new UserError(
            "could not resume job "
                + definition.name()
                + " from "
                + restore
                + ": "
                + cause
                + "; to start over use --fresh, or pick another with --from PATH",
            e);
      }
      throw new UserError("job " + definition.name() + " failed: " + cause, e);
    }
  }

  /**
   * Stops the job with a savepoint and says where it is; cancels it if that fails. A declined
   * savepoint leaves the job running (a task may decline while a bounded source is finishing), so
   * it is asked again a few times before giving up.
   */
  private int stop(
      JobClient job, JobDefinition definition, CheckpointDirectory state, PrintWriter out)
      throws Exception {
    Exception last = null;
    for (int attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
      try {
        String savepoint =
            job.stopWithSavepoint(false, state.savepoints(), SavepointFormatType.CANONICAL)
                .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        out.printf(
            "stopped job %s with a savepoint at %s%nthe same command resumes from it (--fresh"
                + " starts over)%n",
            definition.name(), savepoint);
        out.flush();
        state.pruneOtherRuns(job.getJobID().toString(), KEPT_SAVEPOINTS);
        return 0;
      } catch (Exception e) {
        last = e;
        if (attempt == STOP_ATTEMPTS || job.getJobStatus().get().isTerminalState()) break;
        out.printf(
            "savepoint declined (%s); asking again (%d of %d)%n",
            StreamnerJob.failureMessage(e), attempt + 1, STOP_ATTEMPTS);
        out.flush();
        Thread.sleep(1_000);
      }
    }
    out.printf(
        "could not take a savepoint (%s); cancelling the job: the next start resumes from its"
            + " last checkpoint%n",
        StreamnerJob.failureMessage(last));
    out.flush();
    if (!job.getJobStatus().get().isTerminalState())
      job.cancel().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return 1;
  }

  /** Old runs' checkpoints go once this run has one of its own; best effort. */
  private static void prune(CheckpointDirectory state, JobClient job) {
    try {
      state.pruneOtherRuns(job.getJobID().toString(), KEPT_SAVEPOINTS);
    } catch (IOException | RuntimeException e) {
      // Left for the next attempt: an old checkpoint on disk harms nothing.
    }
  }

  private static boolean hasCheckpoint(CheckpointDirectory state, JobClient job) {
    try {
      String run = job.getJobID().toString();
      return state.all().stream().anyMatch(r -> r.path().contains("/" + run + "/"));
    } catch (IOException e) {
      return false;
    }
  }

  /** One line of what the job is doing, from the metrics Flink hands {@link ProgressReporter}. */
  static final class Progress {
    private long lastExamples;
    private long lastScored;
    private long lastAt = System.nanoTime();
    private long restarts;

    /**
     * A restart after a failure is said at once, whatever --quiet: the job goes back to its last
     * checkpoint, so what it published since then (predictions, dead letters) comes again.
     */
    void sayRestarts(String job, PrintWriter out) {
      ProgressReporter metrics = ProgressReporter.current();
      if (metrics == null) return;
      long now = (long) metrics.sum("numRestarts");
      if (now <= restarts) return;
      restarts = now;
      out.printf(
          "job %s restarted after a failure (restart %d; the log says why): it goes on from its"
              + " last checkpoint, and predictions published since then come again%n",
          job, now);
      out.flush();
    }

    String line() {
      ProgressReporter metrics = ProgressReporter.current();
      if (metrics == null) return "starting...";
      long now = System.nanoTime();
      long examples =
          (long) metrics.byModel("examplesSeen").values().stream().mapToDouble(d -> d).sum();
      long scored = (long) metrics.sum("scored");
      double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
      double rate = (examples - lastExamples) / seconds;
      double scoreRate = (scored - lastScored) / seconds;
      lastExamples = examples;
      lastScored = scored;
      lastAt = now;
      Map<String, Double> total = metrics.byModel("prequentialF1Total");
      StringBuilder line = new StringBuilder();
      if (!total.isEmpty()) {
        line.append(String.format("examples %,11d | %,7.0f/s | ", examples, rate));
      }
      line.append(String.format("scored %,9d | %,6.0f/s", scored, scoreRate));
      Map<String, Double> recent = metrics.byModel("prequentialF1");
      Map<String, Double> version = metrics.byModel("modelVersion");
      for (String model : total.keySet()) {
        line.append(
            String.format(
                " | %s F1 %.3f (recent %.3f) v%d",
                model,
                total.get(model),
                recent.getOrDefault(model, 0.0),
                version.getOrDefault(model, 0.0).longValue()));
      }
      Map<String, Double> replica = metrics.byModel("replicaVersion");
      if (total.isEmpty()) {
        for (String model : replica.keySet()) {
          line.append(String.format(" | %s v%d", model, replica.get(model).longValue()));
        }
      }
      long waiting = (long) metrics.sum("waitingRequests");
      if (waiting > 0) line.append(String.format(" | %,d requests wait for a model", waiting));
      line.append(String.format(" | dead letters %,d", (long) metrics.sum("deadLetters")));
      long refused = (long) metrics.sum("newWordsRefused");
      if (refused > 0) {
        line.append(String.format(" | vocabulary full: %,d new words refused", refused));
      }
      String checkpoint = metrics.text("lastCompletedCheckpointId");
      line.append(
          checkpoint == null || checkpoint.equals("-1")
              ? " | no checkpoint yet"
              : " | checkpoint " + checkpoint);
      return line.toString();
    }
  }
}
