package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.Sentence;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Scoring latency and capacity. The job runs unbounded with one model; it first trains on btc.train
 * (so the model and the JIT are warm, and the scoring replicas hold a trained version). Then:
 *
 * <ul>
 *   <li>{@link #latency}: a producer sends score requests at a fixed rate, optionally right after a
 *       backlog of training sentences, so that the same model trains flat out while it is scored; a
 *       consumer on the predictions topic matches each prediction to its request by id (the
 *       prediction's key). Latency = the consumer's receipt of the prediction - the moment just
 *       before the producer's {@code send}, both {@link System#nanoTime()} of this JVM. The first
 *       seconds of requests are a warm-up and left out; every request must be answered once.
 *   <li>{@link #capacity}: a burst of score requests, sent as fast as the producer can, and the
 *       rate at which they are answered: requests / (last answer - first send).
 * </ul>
 *
 * <p>The latency producer does not batch ({@code linger.ms=0}): its send time is the client's, and
 * waiting to fill a batch would be the producer's latency, not the job's. Requests that fall behind
 * the schedule are sent at once, and their latency is still counted from their actual send.
 */
final class ScoringLatency {
  private ScoringLatency() {}

  record Result(
      int rate,
      int scoringParallelism,
      long bufferTimeoutMs,
      double achievedRate,
      double warmupSeconds,
      double measuredSeconds,
      int requests,
      int answered,
      int lost,
      int duplicates,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      double meanMs,
      long warmTrainingSentences,
      long backlogSentences,
      long examplesSeenAtStart,
      long examplesSeenAtEnd,
      long examplesInAll,
      double trainingWindowsPerSecond,
      double p50ToModelMs,
      double p50FromModelMs,
      List<Slice> slices) {

    /** Whether the model still had training windows left when the last request was answered. */
    boolean trainedThroughout() {
      return backlogSentences > 0 && examplesSeenAtEnd < examplesInAll;
    }
  }

  /**
   * The latencies of the requests sent in one 5-second slice of the measurement: flat, or growing?
   */
  record Slice(double fromSecond, int requests, double p50Ms, double p99Ms, double maxMs) {}

  /**
   * A burst's answer rate, and the CPU seconds the busiest threads of this JVM (Kafka, Flink, the
   * suite's own clients) spent meanwhile: on a machine of few cores, what scoring shares them with.
   */
  record Capacity(
      int scoringParallelism,
      int requests,
      int answered,
      double seconds,
      double perSecond,
      Map<String, Double> busiestThreadsCpuSeconds) {}

  /**
   * Score requests at {@code rate} per second; with a non-empty {@code backlog}, those training
   * sentences are produced right before the first request, so the model trains while it scores.
   */
  static Result latency(
      EmbeddedKafka kafka,
      List<Sentence> warmTraining,
      List<Sentence> backlog,
      List<Sentence> toScore,
      int rate,
      int scoringParallelism,
      double warmupSeconds,
      double measureSeconds,
      Progress progress)
      throws Exception {
    int warmup = (int) Math.round(rate * warmupSeconds);
    int requests = warmup + (int) Math.round(rate * measureSeconds);
    try (WarmJob job =
        WarmJob.start(
            kafka, "bench-latency", warmTraining, scoringParallelism, requests, progress)) {
      Answers answers = job.answers;
      if (!backlog.isEmpty()) {
        progress.info("producing a backlog of %,d training sentences", backlog.size());
        BenchKafka.produce(kafka.bootstrapServers(), job.topics.train(), 1, encode(backlog, "b-"));
      }
      progress.info(
          "sending %,d score requests at %,d/s (the first %.0f s are warm-up)",
          requests, rate, warmupSeconds);

      Properties props = KafkaClients.producer(kafka.bootstrapServers());
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      byte[][] values = scoreRequests(toScore, requests);
      long[] sentAt = new long[requests];
      long[] sentAtMillis = new long[requests];
      long period = 1_000_000_000L / rate;
      long start;
      long end;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        producer.partitionsFor(job.topics.score()); // fetch metadata before the clock starts
        start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          long due = start + i * period;
          long now;
          while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
          sentAtMillis[i] = System.currentTimeMillis();
          sentAt[i] = System.nanoTime();
          producer.send(new ProducerRecord<>(job.topics.score(), values[i]));
          if (i > 0 && i % (rate * 10) == 0) progress.info("sent %,d", i);
        }
        end = System.nanoTime();
        producer.flush();
      }
      double achieved = (requests - 1) / ((end - start) / 1e9);
      answers.awaitAll(Duration.ofSeconds(30));
      job.stop();

      double[] latencies = new double[requests - warmup];
      double[] toModel = new double[requests - warmup];
      double[] fromModel = new double[requests - warmup];
      int answered = 0;
      for (int i = warmup; i < requests; i++) {
        long r = answers.receivedAt.get(i);
        if (r == 0) continue;
        latencies[answered] = (r - sentAt[i]) / 1e6;
        toModel[answered] = answers.processedAt.get(i) - sentAtMillis[i];
        fromModel[answered++] = answers.receivedAtMillis.get(i) - answers.processedAt.get(i);
      }
      latencies = Arrays.copyOf(latencies, answered);
      toModel = Arrays.copyOf(toModel, answered);
      fromModel = Arrays.copyOf(fromModel, answered);
      List<Slice> slices = slices(sentAt, answers.receivedAt, warmup, requests, rate * 5, rate);
      Arrays.sort(toModel);
      Arrays.sort(fromModel);
      Arrays.sort(latencies);
      long seenAtStart = answers.examplesSeen.get(warmup);
      long seenAtEnd = answers.examplesSeen.get(requests - 1);
      double measuredNanos = sentAt[requests - 1] - sentAt[warmup];
      int lost = requests - answers.count(0, requests);
      Result result =
          new Result(
              rate,
              scoringParallelism,
              job.definition.bufferTimeout().toMillis(),
              achieved,
              warmupSeconds,
              measureSeconds,
              requests - warmup,
              answered,
              lost,
              answers.duplicates.get(),
              quantile(latencies, 0.50),
              quantile(latencies, 0.90),
              quantile(latencies, 0.99),
              quantile(latencies, 0.999),
              latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1],
              Arrays.stream(latencies).average().orElse(Double.NaN),
              warmTraining.size(),
              backlog.size(),
              seenAtStart,
              seenAtEnd,
              windows(warmTraining) + windows(backlog),
              (seenAtEnd - seenAtStart) / (measuredNanos / 1e9),
              quantile(toModel, 0.5),
              quantile(fromModel, 0.5),
              slices);
      progress.info(
          "latency over %,d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms; lost %d, duplicates %d",
          answered, result.p50Ms(), result.p99Ms(), result.maxMs(), lost, result.duplicates());
      if (!backlog.isEmpty()) {
        progress.info(
            "training meanwhile: %,.0f windows/s; %,d of %,d windows trained at the last answer",
            result.trainingWindowsPerSecond(), seenAtEnd, result.examplesInAll());
      }
      return result;
    }
  }

  /** A burst of {@code requests} score requests, and how fast one model answers them. */
  static Capacity capacity(
      EmbeddedKafka kafka,
      List<Sentence> warmTraining,
      List<Sentence> toScore,
      int requests,
      int scoringParallelism,
      Progress progress)
      throws Exception {
    try (WarmJob job =
        WarmJob.start(
            kafka, "bench-capacity", warmTraining, scoringParallelism, requests, progress)) {
      progress.info(
          "sending %,d score requests at once, scoring.parallelism %d",
          requests, scoringParallelism);
      Map<String, Long> cpuBefore = threadCpu();
      long start = System.nanoTime();
      BenchKafka.produce(
          kafka.bootstrapServers(),
          job.topics.score(),
          1,
          Arrays.asList(scoreRequests(toScore, requests)));
      job.answers.awaitAll(Duration.ofMinutes(5));
      Map<String, Long> cpu = threadCpu();
      cpu.replaceAll((thread, nanos) -> nanos - cpuBefore.getOrDefault(thread, 0L));
      job.stop();
      int answered = job.answers.count(0, requests);
      long last = 0;
      for (int i = 0; i < requests; i++) last = Math.max(last, job.answers.receivedAt.get(i));
      double seconds = (last - start) / 1e9;
      Map<String, Double> busiest = new LinkedHashMap<>();
      cpu.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8)
          .forEach(e -> busiest.put(e.getKey(), e.getValue() / 1e9));
      Capacity c =
          new Capacity(
              scoringParallelism, requests, answered, seconds, answered / seconds, busiest);
      progress.info("CPU seconds of the busiest threads meanwhile: %s", busiest);
      progress.info(
          "%,d of %,d answered in %.1f s: %,.0f sentences/s",
          answered, requests, seconds, c.perSecond());
      return c;
    }
  }

  /** A job trained on {@code warmTraining}, with a consumer matching its score predictions. */
  private static final class WarmJob implements AutoCloseable {
    final JobDefinition.Topics topics;
    final JobDefinition definition;
    final Answers answers;
    private final Path checkpoints;
    private final FlinkRun run;
    private final Thread consumer;
    private boolean stopped;

    private WarmJob(
        JobDefinition.Topics topics,
        JobDefinition definition,
        Answers answers,
        Path checkpoints,
        FlinkRun run,
        Thread consumer) {
      this.topics = topics;
      this.definition = definition;
      this.answers = answers;
      this.checkpoints = checkpoints;
      this.run = run;
      this.consumer = consumer;
    }

    static WarmJob start(
        EmbeddedKafka kafka,
        String prefix,
        List<Sentence> warmTraining,
        int scoringParallelism,
        int requests,
        Progress progress)
        throws Exception {
      String name = prefix + "-" + System.nanoTime();
      JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
      Path checkpoints = Files.createTempDirectory("streamner-" + prefix);
      Properties p = BenchSetup.properties(kafka, topics, name, checkpoints, windows(warmTraining));
      p.setProperty("source.bounded", "false");
      p.setProperty("state.backend", "hashmap");
      p.setProperty("scoring.parallelism", String.valueOf(scoringParallelism));
      // -Dbench.scoring.set="key=value;key=value": definition keys on top, for experiments.
      for (String pair : System.getProperty("bench.scoring.set", "").split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) p.setProperty(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      JobDefinition definition = JobDefinition.parse(p, "speed suite scoring");
      Answers answers = new Answers(requests);
      FlinkRun run = FlinkRun.start(definition, new Configuration());
      Thread consumer =
          new Thread(() -> answers.consume(kafka, topics.predictions()), "scoring-consumer");
      consumer.setDaemon(true);
      consumer.start();
      WarmJob job = new WarmJob(topics, definition, answers, checkpoints, run, consumer);
      try {
        progress.info(
            "job %s running; warming it with %,d training sentences",
            run.jobId(), warmTraining.size());
        BenchKafka.produce(kafka.bootstrapServers(), topics.train(), 1, encode(warmTraining, "w-"));
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (answers.trainPredictions.get() < warmTraining.size()) {
          if (System.nanoTime() > deadline || run.status().isGloballyTerminalState()) {
            throw new IllegalStateException(
                "the job did not train on the warm-up sentences ("
                    + answers.trainPredictions.get()
                    + " of "
                    + warmTraining.size()
                    + "), status "
                    + run.status());
          }
          Thread.sleep(200);
        }
        // The replicas take up the trained model within scoring.refresh-ms; give them that.
        Thread.sleep(2 * definition.scoring().refreshInterval().toMillis() + 500);
        return job;
      } catch (Exception e) {
        job.close();
        throw e;
      }
    }

    void stop() throws Exception {
      if (stopped) return;
      stopped = true;
      answers.stop.set(true);
      consumer.join(10_000);
      run.cancel();
    }

    @Override
    public void close() throws Exception {
      try {
        stop();
      } finally {
        run.close();
        BenchSetup.deleteQuietly(checkpoints);
      }
    }
  }

  /** What the consumer saw of each request {@code q-i}: when, made when, by which model state. */
  private static final class Answers {
    final AtomicLongArray receivedAt;
    final AtomicLongArray receivedAtMillis;
    // Wall-clock milliseconds: sent -> the model made the prediction (its processed_at) ->
    // received. Coarser than the nanosecond latency, but splits it in two.
    final AtomicLongArray processedAt;
    final AtomicLongArray examplesSeen;
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger trainPredictions = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();

    Answers(int requests) {
      receivedAt = new AtomicLongArray(requests);
      receivedAtMillis = new AtomicLongArray(requests);
      processedAt = new AtomicLongArray(requests);
      examplesSeen = new AtomicLongArray(requests);
    }

    /** Reads predictions as they arrive; score answers are stamped with their arrival time. */
    void consume(EmbeddedKafka kafka, String topic) {
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(), null, false))) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        while (!stop.get()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            String id = new String(r.key(), StandardCharsets.UTF_8);
            if (!id.startsWith("q-")) {
              trainPredictions.incrementAndGet();
              continue;
            }
            int i = Integer.parseInt(id.substring(2));
            if (!receivedAt.compareAndSet(i, 0, now)) {
              duplicates.incrementAndGet();
              continue;
            }
            receivedAtMillis.set(i, System.currentTimeMillis());
            PredictionRecord p = WireFormat.decodePrediction(r.value());
            processedAt.set(i, p.processedAt());
            examplesSeen.set(i, p.examplesSeen());
          }
        }
      }
    }

    int count(int from, int to) {
      int n = 0;
      for (int i = from; i < to; i++) if (receivedAt.get(i) != 0) n++;
      return n;
    }

    void awaitAll(Duration timeout) throws InterruptedException {
      int requests = receivedAt.length();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count(0, requests) < requests && System.nanoTime() < deadline) Thread.sleep(100);
    }
  }

  private static List<byte[]> encode(List<Sentence> sentences, String idPrefix) {
    List<byte[]> values = new ArrayList<>(sentences.size());
    for (int i = 0; i < sentences.size(); i++) {
      Sentence s = sentences.get(i);
      values.add(WireFormat.encode(new TrainRecord(idPrefix + i, s.tokens(), s.tags(), null)));
    }
    return values;
  }

  private static byte[][] scoreRequests(List<Sentence> toScore, int requests) {
    byte[][] values = new byte[requests][];
    for (int i = 0; i < requests; i++) {
      values[i] =
          WireFormat.encode(
              new ScoreRecord("q-" + i, toScore.get(i % toScore.size()).tokens(), null, null));
    }
    return values;
  }

  /** CPU nanoseconds of every live thread of this JVM, by name (threads of one name summed). */
  private static Map<String, Long> threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> cpu = new HashMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t == null) continue;
      long nanos = threads.getThreadCpuTime(t.getThreadId());
      if (nanos > 0) cpu.merge(t.getThreadName(), nanos, Long::sum);
    }
    return cpu;
  }

  private static long windows(List<Sentence> sentences) {
    return sentences.stream().mapToLong(Sentence::size).sum();
  }

  private static List<Slice> slices(
      long[] sentAt, AtomicLongArray receivedAt, int from, int to, int size, int rate) {
    List<Slice> slices = new ArrayList<>();
    for (int s = from; s < to; s += size) {
      int e = Math.min(to, s + size);
      double[] l = new double[e - s];
      int n = 0;
      for (int i = s; i < e; i++)
        if (receivedAt.get(i) != 0) l[n++] = (receivedAt.get(i) - sentAt[i]) / 1e6;
      l = Arrays.copyOf(l, n);
      Arrays.sort(l);
      slices.add(
          new Slice(
              (double) (s - from) / rate,
              n,
              quantile(l, 0.5),
              quantile(l, 0.99),
              n == 0 ? Double.NaN : l[n - 1]));
    }
    return slices;
  }

  /** The q-quantile of sorted values (nearest rank), NaN when there are none. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
