package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.job.StreamnerJob;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;

/**
 * Training throughput of the whole job (issue #5, part 2): the train topic is filled with a corpus
 * before the job starts, the job runs bounded and ends by itself, and
 *
 * <pre>
 *   windows/s = windows trained by all models / (job finished - first prediction made)
 * </pre>
 *
 * "Windows trained" is the sum of the models' final manifests' {@code examples_seen} (what the job
 * says it trained, checked against the corpus); "first prediction made" is the smallest {@code
 * processed_at} on the predictions topic, the moment the first record had passed the source, the
 * parser and the model (the job's start-up is left out); "job finished" is when Flink marked the
 * job FINISHED, which is after the final checkpoint committed the last snapshot. Both clocks are
 * this JVM's wall clock: the job runs in this process.
 *
 * <p>Right before each job, {@link KernelLoop} times the bare SGD step in this JVM at the job's
 * hyper-parameters, and the job's figure is reported as a fraction of it.
 */
final class JobThroughput {
  private JobThroughput() {}

  /** btc.train repeated until it holds at least the windows asked for, as encoded train records. */
  record Corpus(List<byte[]> records, long windows, int repeats, int sentencesPerRepeat) {
    static Corpus of(Path btcTrain, long minWindows) throws Exception {
      List<Sentence> sentences = CorpusReader.read(btcTrain, null).sentences();
      long perRepeat = sentences.stream().mapToLong(Sentence::size).sum();
      int repeats = (int) Math.max(1, (minWindows + perRepeat - 1) / perRepeat);
      List<byte[]> records = new ArrayList<>(sentences.size() * repeats);
      for (int r = 0; r < repeats; r++) {
        for (int i = 0; i < sentences.size(); i++) {
          Sentence s = sentences.get(i);
          records.add(
              WireFormat.encode(new TrainRecord("r" + r + "-" + i, s.tokens(), s.tags(), null)));
        }
      }
      return new Corpus(records, perRepeat * repeats, repeats, sentences.size());
    }
  }

  /** One scenario's figures; all of them go into the JSON. */
  record Result(
      String scenario,
      String stateBackend,
      List<String> models,
      int parallelism,
      int trainPartitions,
      List<List<String>> modelsBySubtask,
      long corpusWindows,
      long windowsTrained,
      double seconds,
      double windowsPerSecond,
      double kernelWindowsPerSecond,
      double jobOverKernel,
      double trainingSeconds,
      double windowsPerSecondTraining,
      long finalCommitMillis,
      long startupMillis,
      long predictions,
      Map<String, Object> checkpoints) {}

  /**
   * @param settings job definition keys that differ from the suite's defaults
   */
  static Result run(
      EmbeddedKafka kafka,
      Corpus corpus,
      String scenario,
      String backend,
      List<String> models,
      int parallelism,
      Map<String, String> settings,
      Progress progress)
      throws Exception {
    String name = "bench-" + scenario;
    // As many train partitions as source subtasks, so that at parallelism 2 both read and parse.
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name, parallelism);
    progress.info(
        "filling %s: %,d sentences (btc.train x %d), %,d windows, %d partition(s)",
        topics.train(), corpus.records().size(), corpus.repeats(), corpus.windows(), parallelism);
    BenchKafka.produce(kafka.bootstrapServers(), topics.train(), parallelism, corpus.records());

    Path checkpoints = Files.createTempDirectory("streamner-bench-" + scenario);
    try {
      Properties p = BenchSetup.properties(kafka, topics, name, checkpoints, corpus.windows());
      p.setProperty("models", String.join(",", models));
      p.setProperty("state.backend", backend);
      p.setProperty("parallelism", String.valueOf(parallelism));
      settings.forEach(p::setProperty);
      JobDefinition definition = JobDefinition.parse(p, "speed suite " + scenario);

      progress.info(
          "kernel in this JVM at C=%d H=%d n=%d (3 s warm-up, the fastest of 5 one-second slices)...",
          definition.hyperparameters().windowSize(),
          definition.hyperparameters().hidden(),
          definition.hyperparameters().dim());
      KernelLoop.Speed kernel = KernelLoop.measure(definition, 3, 5);
      progress.info("kernel: %,.0f windows/s", kernel.windowsPerSecond());

      long expectedPredictions = (long) corpus.records().size() * models.size();
      ArchivedExecutionGraph archive;
      try (FlinkRun run = FlinkRun.start(definition, new Configuration())) {
        progress.info(
            "job %s submitted: %s state, parallelism %d, models by subtask %s",
            run.jobId(), backend, parallelism, StreamnerJob.modelsBySubtask(definition));
        long lastPrint = System.nanoTime();
        while (!run.status().isGloballyTerminalState()) {
          Thread.sleep(500);
          if (System.nanoTime() - lastPrint > 10e9) {
            lastPrint = System.nanoTime();
            long done =
                TopicAdmin.endOffsets(kafka.bootstrapServers(), topics.predictions())
                    .values()
                    .stream()
                    .mapToLong(Long::longValue)
                    .sum();
            progress.info("predictions written: %,d of %,d", done, expectedPredictions);
          }
        }
        archive = run.awaitFinished(Duration.ofMinutes(1));
      }
      long finished = FlinkRun.timestamp(archive, JobStatus.FINISHED);
      long running = FlinkRun.timestamp(archive, JobStatus.RUNNING);

      long[] first = {Long.MAX_VALUE};
      long[] last = {0};
      long[] count = {0};
      BenchKafka.forEachPrediction(
          kafka.bootstrapServers(),
          topics.predictions(),
          prediction -> {
            first[0] = Math.min(first[0], prediction.processedAt());
            last[0] = Math.max(last[0], prediction.processedAt());
            count[0]++;
          });
      Map<String, SnapshotRecord.Manifest> manifests =
          BenchKafka.finalManifests(kafka.bootstrapServers(), topics.snapshots());
      long windows = 0;
      for (String model : models) {
        SnapshotRecord.Manifest m = manifests.get(model);
        if (m == null || m.examplesSeen() != corpus.windows()) {
          throw new IllegalStateException(
              "model "
                  + model
                  + " trained "
                  + (m == null ? "nothing" : m.examplesSeen())
                  + " windows, not the corpus's "
                  + corpus.windows()
                  + ": the measurement is void");
        }
        windows += m.examplesSeen();
      }
      if (count[0] < expectedPredictions) {
        throw new IllegalStateException(count[0] + " predictions, expected " + expectedPredictions);
      }
      double seconds = (finished - first[0]) / 1000.0;
      double perSecond = windows / seconds;
      // Besides the figure of the issue: the rate while sentences flowed (first to last
      // prediction),
      // and how long the end took (last sentence's windows, final snapshot, the final checkpoint,
      // which waits for the next checkpoint trigger, and the commit).
      double training = (last[0] - first[0]) / 1000.0;
      progress.info(
          "%,d windows in %.1f s (first prediction to job finished): %,.0f windows/s, %.2f of the kernel",
          windows, seconds, perSecond, perSecond / kernel.windowsPerSecond());
      progress.info(
          "(first to last prediction %.1f s: %,.0f windows/s; last prediction to job finished %.1f s)",
          training, windows / training, (finished - last[0]) / 1000.0);

      return new Result(
          scenario,
          backend,
          models,
          parallelism,
          parallelism,
          StreamnerJob.modelsBySubtask(definition),
          corpus.windows(),
          windows,
          seconds,
          perSecond,
          kernel.windowsPerSecond(),
          perSecond / kernel.windowsPerSecond(),
          training,
          windows / training,
          finished - last[0],
          first[0] - running,
          count[0],
          FlinkRun.checkpoints(archive));
    } finally {
      BenchSetup.deleteQuietly(checkpoints);
    }
  }
}
