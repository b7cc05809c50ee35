package io.streamner.demo;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobOptions;
import io.streamner.job.LocalFlink;
import io.streamner.job.StreamnerJob;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaPreflight;
import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.TopicAdmin;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Continuous training on one machine, from nothing: a real Kafka broker in this process, a local
 * Flink with its web UI, the job of {@code flink-jobs/demo.properties}, a producer that streams a
 * labelled corpus at a steady rate (with sentences to score in between), and a monitor that reads
 * the predictions topic and prints the prequential score as the model learns. At the end the job is
 * stopped with a draining savepoint (so it writes its final snapshot), the model is exported from
 * the snapshots topic, and the learning curve is drawn.
 */
public final class Demo {
  /** The demo's own job definition, from the working directory or, failing that, from the jar. */
  public static final String DEFINITION = "flink-jobs/demo.properties";

  /**
   * @param train labelled sentences to stream into the train topic
   * @param score sentences to stream into the score topic, one after every {@code scoreEvery}
   * @param vectors GloVe file the model starts from, or null
   * @param rate train sentences per second
   * @param follow keep running after the input is exhausted, until Ctrl-C
   * @param kafkaDir the broker's data directory, or null for a temporary one
   * @param outDir where the model file and the learning curve go
   * @param webUiPort the web UI's port if free (web.port)
   * @param kafka an existing Kafka to use, or null for a broker in this process
   */
  public record Settings(
      List<Sentence> train,
      List<Sentence> score,
      Path vectors,
      double rate,
      int scoreEvery,
      boolean follow,
      Path kafkaDir,
      Path outDir,
      int webUiPort,
      Duration progressEvery,
      KafkaSettings kafka) {}

  private final Settings settings;
  private final PrintWriter out;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  public Demo(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * Ctrl-C: the main loop stops feeding, ends the job in order and cleans up; the hook waits for
   * that.
   */
  public void stopOnInterrupt() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (finished.getCount() == 0) return;
                  stopRequested.set(true);
                  try {
                    finished.await(90, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "streamner-demo-stop"));
  }

  /**
   * Runs the demo; returns the path of the exported model, or null when there was none to export.
   */
  public Path run() throws Exception {
    // A broker in this process unless the user gave one (a null resource is not closed).
    try (EmbeddedKafka embedded =
        settings.kafka() == null ? EmbeddedKafka.start(settings.kafkaDir()) : null) {
      KafkaSettings kafka =
          embedded != null ? KafkaSettings.plain(embedded.bootstrapServers()) : settings.kafka();
      if (embedded == null) KafkaPreflight.check(kafka, List.of());
      JobDefinition definition = definition(kafka);
      String model = definition.models().get(0);
      createTopics(kafka, definition.topics());
      if (embedded != null) {
        out.printf(
            "kafka: %s (in this process, data in %s)%n",
            embedded.bootstrapServers(), embedded.dataDir());
      } else {
        out.printf("kafka: %s%n", kafka);
      }

      Path checkpoints = Files.createTempDirectory("streamner-demo-checkpoints");
      Configuration conf = LocalFlink.configuration(definition);
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
      JobClient job = LocalFlink.start(conf, definition);
      out.printf(
          "flink: job %s running, web UI at %s%n", definition.name(), LocalFlink.webUi(conf));
      out.printf(
          "streaming %,d labelled sentences at %,.0f/s into %s, and %,d to score into %s%n",
          settings.train().size(),
          settings.rate(),
          definition.topics().train(),
          scoreCount(),
          definition.topics().score());
      out.flush();

      Files.createDirectories(settings.outDir());
      Path savepoints = Files.createTempDirectory("streamner-savepoints");
      try (PrequentialMonitor monitor =
          new PrequentialMonitor(
              kafka,
              definition.topics().predictions(),
              definition.topics().deadLetter(),
              definition.topics().train(),
              model,
              2_000)) {
        Feeder feeder = new Feeder(kafka, definition.topics());
        Thread feeding = new Thread(feeder, "streamner-demo-producer");
        feeding.setDaemon(true);
        feeding.start();
        watch(job, feeder, monitor);
        feeder.stop.set(true);
        feeding.join(10_000);

        out.println("stopping the job with a draining savepoint (it writes its final snapshot)...");
        out.flush();
        try {
          job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
              .get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
          // Ctrl-C while the job was still starting, or Flink's own shutdown racing ours.
          out.println(
              "the job could not be drained ("
                  + StreamnerJob.failureMessage(e)
                  + "); using its last committed snapshot");
          cancelIfRunning(job);
        }
        monitor.poll(Duration.ofMillis(500));

        Path png = settings.outDir().resolve("learning-curve.png");
        monitor.finish().writePng(png, "streamner: " + model + ", prequential (test-then-train)");
        Path modelFile = settings.outDir().resolve(model.toLowerCase() + ".model");
        try {
          SnapshotExport.Exported exported =
              SnapshotExport.export(
                  kafka,
                  definition.topics().snapshots(),
                  definition.name(),
                  model,
                  Duration.ofSeconds(60));
          ModelFile.write(exported.model(), modelFile);
          out.printf(
              "final: %,d examples, model version %d, prequential F1 %.3f over the whole stream%n",
              exported.manifest().examplesSeen(),
              exported.manifest().version(),
              monitor.total().f1());
          out.printf(
              "model:          %s   (try: bin/streamner tag --model %s)%n", modelFile, modelFile);
        } catch (IOException noSnapshot) {
          out.println("no model to export: " + noSnapshot.getMessage());
          modelFile = null;
        }
        if (monitor.deadLetters() > 0) {
          out.printf(
              "dead letters: %,d records could not be used (%,d train, %,d score); commonest: %s;"
                  + " see the topic %s%n",
              monitor.deadLetters(),
              monitor.trainDeadLetters(),
              monitor.scoreDeadLetters(),
              monitor.commonestReasons(3),
              definition.topics().deadLetter());
        }
        out.printf("learning curve: %s%n", png);
        out.flush();
        return modelFile;
      } finally {
        cancelIfRunning(job);
        deleteQuietly(savepoints);
        deleteQuietly(checkpoints);
      }
    } finally {
      finished.countDown();
    }
  }

  /** Prints progress until the input is trained on (or, with follow, until Ctrl-C). */
  private void watch(JobClient job, Feeder feeder, PrequentialMonitor monitor) throws Exception {
    long lastPrint = System.nanoTime();
    long lastExamples = 0;
    while (!stopRequested.get()) {
      monitor.poll(Duration.ofMillis(200));
      JobStatus status;
      try {
        status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      } catch (Exception gone) {
        status = JobStatus.FAILED; // a local cluster shuts down with its failed job
      }
      if (status.isGloballyTerminalState())
        throw new IllegalStateException("the job stopped: " + failure(job));
      if (feeder.failure.get() != null)
        throw new IllegalStateException("feeding failed", feeder.failure.get());
      long now = System.nanoTime();
      if (now - lastPrint >= settings.progressEvery().toNanos()) {
        double seconds = (now - lastPrint) / 1e9;
        out.printf(
            "examples %,9d | %,6.0f/s | prequential F1 %.3f (recent %.3f) | loss %.4f | model v%d | "
                + "scored %,d | dead letters %,d%n",
            monitor.examplesSeen(),
            (monitor.examplesSeen() - lastExamples) / seconds,
            monitor.total().f1(),
            monitor.recentF1(),
            monitor.meanLoss(),
            monitor.modelVersion(),
            monitor.scorePredictions(),
            monitor.deadLetters());
        out.flush();
        lastPrint = now;
        lastExamples = monitor.examplesSeen();
      }
      boolean allTrained =
          feeder.done.get()
              && monitor.trainPredictions() + monitor.trainDeadLetters() >= feeder.trainSent.get()
              && monitor.scorePredictions() + monitor.scoreDeadLetters() >= feeder.scoreSent.get();
      if (allTrained && !settings.follow()) return;
    }
    out.println("stop requested");
  }

  private int scoreCount() {
    return settings.score().isEmpty() ? 0 : settings.train().size() / settings.scoreEvery();
  }

  /**
   * Streams the corpus at the configured rate, a scoring sentence after every scoreEvery labelled
   * ones.
   */
  private final class Feeder implements Runnable {
    final AtomicBoolean done = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong trainSent = new AtomicLong();
    final AtomicLong scoreSent = new AtomicLong();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    private final KafkaSettings kafka;
    private final JobDefinition.Topics topics;

    Feeder(KafkaSettings kafka, JobDefinition.Topics topics) {
      this.kafka = kafka;
      this.topics = topics;
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(kafka))) {
        List<Sentence> train = settings.train();
        for (int i = 0; i < train.size() && !stop.get() && !stopRequested.get(); i++) {
          Sentence s = train.get(i);
          producer.send(
              new ProducerRecord<>(
                  topics.train(),
                  WireFormat.encode(
                      new TrainRecord("train-" + (i + 1), s.tokens(), s.tags(), null))));
          trainSent.incrementAndGet();
          if (!settings.score().isEmpty() && (i + 1) % settings.scoreEvery() == 0) {
            Sentence q = settings.score().get((int) (scoreSent.get() % settings.score().size()));
            producer.send(
                new ProducerRecord<>(
                    topics.score(),
                    WireFormat.encode(
                        new ScoreRecord(
                            "score-" + (scoreSent.get() + 1), q.tokens(), null, null))));
            scoreSent.incrementAndGet();
          }
          long due = start + (long) ((i + 1) / settings.rate() * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure.set(e);
      } finally {
        done.set(true);
      }
    }
  }

  /** The demo's definition, on the demo's Kafka and web UI port. */
  private JobDefinition definition(KafkaSettings kafka) throws IOException {
    Properties p = new Properties();
    Path file = Path.of(DEFINITION);
    try (InputStream in =
        Files.isRegularFile(file)
            ? Files.newInputStream(file)
            : Demo.class.getResourceAsStream("/" + DEFINITION)) {
      if (in == null)
        throw new IOException(DEFINITION + " not found in the working directory or the jar");
      try (Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
        p.load(reader);
      }
    }
    p.setProperty(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
    kafka
        .properties()
        .forEach(
            (key, value) -> p.setProperty(JobOptions.KAFKA_PROPERTIES.key() + "." + key, value));
    p.setProperty(JobOptions.WEB_PORT.key(), String.valueOf(settings.webUiPort()));
    if (settings.vectors() != null) {
      p.setProperty("model.vectors", settings.vectors().toAbsolutePath().toString());
      p.setProperty("model.dim", String.valueOf(vectorDimension(settings.vectors())));
    }
    return JobDefinition.parse(p, DEFINITION);
  }

  private static int vectorDimension(Path vectors) throws IOException {
    try (var lines = Files.lines(vectors, StandardCharsets.UTF_8)) {
      String first =
          lines
              .filter(l -> !l.isBlank())
              .findFirst()
              .orElseThrow(() -> new IOException(vectors + " is empty"));
      return first.trim().split(" +").length - 1;
    }
  }

  private static void createTopics(KafkaSettings kafka, JobDefinition.Topics topics) {
    TopicAdmin.create(
        kafka,
        List.of(
            TopicAdmin.topic(topics.train(), 1), // one partition: the model trains in topic order
            TopicAdmin.topic(topics.score(), 1),
            TopicAdmin.topic(topics.predictions(), 1),
            TopicAdmin.compacted(topics.snapshots(), 1),
            TopicAdmin.topic(topics.deadLetter(), 1)),
        TopicAdmin.DEFAULT_TIMEOUT);
  }

  /** The root cause of a job's failure, in one line. */
  private static String failure(JobClient job) {
    try {
      job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
      return "it finished";
    } catch (Exception e) {
      return StreamnerJob.failureMessage(e);
    }
  }

  /**
   * After a failure on the way: cancel the job if it still runs (a finished local job has no
   * cluster left to ask).
   */
  private static void cancelIfRunning(JobClient job) {
    try {
      if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
        job.cancel().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception finished) {
      // the local cluster shut down with the job: nothing left to cancel
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is not worth failing the demo for
    }
  }
}
