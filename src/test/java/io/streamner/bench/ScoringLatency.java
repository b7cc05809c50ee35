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
import java.io.IOException;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
   * The best burst's answer rate (and every round's), and the CPU seconds the busiest threads of
   * this JVM (Kafka, Flink, the suite's own clients) spent meanwhile: on a machine of few cores,
   * what scoring shares them with.
   */
  record Capacity(
      int scoringParallelism,
      int requests,
      int answered,
      double seconds,
      double perSecond,
      List<Double> perSecondEachRound,
      double processCpuSeconds,
      double machineCpuSeconds,
      double gcSeconds,
      double jitCompilerCpuSeconds,
      Map<String, Double> busiestThreadsCpuSeconds) {

    /** Cores this JVM (the job, the broker and the suite's clients) kept busy during the burst. */
    double coresBusy() {
      return processCpuSeconds / seconds;
    }

    /** Cores the whole machine kept busy during the burst (every process: a cluster's too). */
    double machineCoresBusy() {
      return machineCpuSeconds / seconds;
    }
  }

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
            JobRunner.IN_PROCESS,
            kafka,
            "bench-latency",
            warmTraining,
            scoringParallelism,
            requests,
            true,
            progress)) {
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

  /**
   * Bursts of {@code requests} score requests, and how fast one model answers them: the best of
   * {@code rounds} bursts, each sent once the one before it is answered. A first burst as large,
   * untimed, warms the new job's operators (their buffers and producers) and the compiled code of
   * the broker and the clients; the best round leaves out a round that a collection, a checkpoint
   * or the JIT compiler slowed.
   */
  static Capacity capacity(
      JobRunner runner,
      EmbeddedKafka kafka,
      List<Sentence> warmTraining,
      List<Sentence> toScore,
      int requests,
      int rounds,
      int scoringParallelism,
      Progress progress)
      throws Exception {
    int warmup = requests;
    int total = warmup + rounds * requests;
    try (WarmJob job =
        WarmJob.start(
            runner,
            kafka,
            "bench-capacity",
            warmTraining,
            scoringParallelism,
            total,
            false,
            progress)) {
      byte[][] all = scoreRequests(toScore, total);
      progress.info("warm-up burst of %,d score requests", warmup);
      burst(kafka, job, all, 0, warmup);
      Capacity best = null;
      List<Double> perRound = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        int from = warmup + round * requests;
        Map<String, Long> cpuBefore = threadCpu();
        long compilerBefore = compilerCpuNanos();
        long processBefore = processCpuNanos();
        long machineBefore = machineCpuNanos();
        long gcBefore = gcMillis();
        long start = System.nanoTime();
        burst(kafka, job, all, from, from + requests);
        double processCpu = (processCpuNanos() - processBefore) / 1e9;
        double machineCpu = (machineCpuNanos() - machineBefore) / 1e9;
        double gc = (gcMillis() - gcBefore) / 1e3;
        Map<String, Long> cpu = threadCpu();
        cpu.replaceAll((thread, nanos) -> nanos - cpuBefore.getOrDefault(thread, 0L));
        double compiler = (compilerCpuNanos() - compilerBefore) / 1e9;
        int answered = job.answers.count(from, from + requests);
        long last = 0;
        for (int i = from; i < from + requests; i++) {
          last = Math.max(last, job.answers.receivedAt.get(i));
        }
        double seconds = (last - start) / 1e9;
        perRound.add(answered / seconds);
        Map<String, Double> busiest = new LinkedHashMap<>();
        cpu.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(Integer.getInteger("bench.scoring.threads", 8))
            .forEach(e -> busiest.put(e.getKey(), e.getValue() / 1e9));
        progress.info(
            "burst %d of %d: %,d of %,d answered in %.2f s: %,.0f sentences/s; the machine kept"
                + " %.2f cores busy, this JVM %.2f (collections %.2f s, JIT compilers %.2f s);"
                + " CPU seconds of its busiest threads: %s",
            round + 1,
            rounds,
            answered,
            requests,
            seconds,
            answered / seconds,
            machineCpu / seconds,
            processCpu / seconds,
            gc,
            compiler,
            busiest);
        if (best == null || answered / seconds > best.perSecond()) {
          best =
              new Capacity(
                  scoringParallelism,
                  requests,
                  answered,
                  seconds,
                  answered / seconds,
                  perRound,
                  processCpu,
                  machineCpu,
                  gc,
                  compiler,
                  busiest);
        }
      }
      job.stop();
      return best;
    }
  }

  /** Sends requests {@code from} to {@code to} at once and waits until they are answered. */
  private static void burst(EmbeddedKafka kafka, WarmJob job, byte[][] all, int from, int to)
      throws InterruptedException {
    BenchKafka.produce(
        kafka.bootstrapServers(),
        job.topics.score(),
        1,
        Arrays.asList(Arrays.copyOfRange(all, from, to)));
    job.answers.awaitRange(from, to, Duration.ofMinutes(5));
  }

  /** A job trained on {@code warmTraining}, with a consumer matching its score predictions. */
  private static final class WarmJob implements AutoCloseable {
    final JobDefinition.Topics topics;
    final JobDefinition definition;
    final Answers answers;
    private final Path checkpoints;
    private final JobRunner.Running run;
    private final Thread consumer;
    private boolean stopped;

    private WarmJob(
        JobDefinition.Topics topics,
        JobDefinition definition,
        Answers answers,
        Path checkpoints,
        JobRunner.Running run,
        Thread consumer) {
      this.topics = topics;
      this.definition = definition;
      this.answers = answers;
      this.checkpoints = checkpoints;
      this.run = run;
      this.consumer = consumer;
    }

    static WarmJob start(
        JobRunner runner,
        EmbeddedKafka kafka,
        String prefix,
        List<Sentence> warmTraining,
        int scoringParallelism,
        int requests,
        boolean decode,
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
      Answers answers = new Answers(requests, decode);
      JobRunner.Running run = runner.start(p, definition);
      Thread consumer =
          new Thread(() -> answers.consume(kafka, topics.predictions()), "scoring-consumer");
      consumer.setDaemon(true);
      consumer.start();
      WarmJob job = new WarmJob(topics, definition, answers, checkpoints, run, consumer);
      try {
        progress.info(
            "job %s running; warming it with %,d training sentences",
            run.id(), warmTraining.size());
        BenchKafka.produce(kafka.bootstrapServers(), topics.train(), 1, encode(warmTraining, "w-"));
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (answers.trainPredictions.get() < warmTraining.size()) {
          if (System.nanoTime() > deadline || run.ended()) {
            throw new IllegalStateException(
                "the job did not train on the warm-up sentences ("
                    + answers.trainPredictions.get()
                    + " of "
                    + warmTraining.size()
                    + ")"
                    + (run.ended() ? ": the job has ended" : ""));
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

    /**
     * Whether each answer is decoded for its processed_at and examples seen. The capacity burst
     * needs only arrival times: decoding 50,000 predictions would take a core's second from the
     * job.
     */
    private final boolean decode;

    Answers(int requests, boolean decode) {
      this.decode = decode;
      receivedAt = new AtomicLongArray(requests);
      receivedAtMillis = new AtomicLongArray(requests);
      processedAt = new AtomicLongArray(requests);
      examplesSeen = new AtomicLongArray(requests);
    }

    /** Reads predictions as they arrive; score answers are stamped with their arrival time. */
    void consume(EmbeddedKafka kafka, String topic) {
      Properties props = KafkaClients.consumer(kafka.bootstrapServers(), null, false);
      if (!decode) {
        // A burst's answers are counted, not timed one by one: fetching them in large batches
        // keeps the broker's request handlers, which share the cores with the job, for the job.
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(1024 * 1024));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
      }
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
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
            if (!decode) continue;
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
      awaitRange(0, receivedAt.length(), timeout);
    }

    void awaitRange(int from, int to, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count(from, to) < to - from && System.nanoTime() < deadline) Thread.sleep(20);
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

  /**
   * CPU nanoseconds of the JIT compiler threads, from /proc (the JVM does not list them as
   * threads); 0 where there is no /proc. A fresh JVM compiles the broker's and the clients' code
   * for minutes on two cores, and that time is taken from the job.
   */
  private static long compilerCpuNanos() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) continue;
          // After the name: fields 3 onwards of proc(5); utime and stime are 14 and 15.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** CPU nanoseconds of this JVM: every thread's, the collector's and the compiler's too. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU nanoseconds every core of the machine has spent busy since boot (all processes), from the
   * first line of /proc/stat: all time but idle and waiting for I/O; 0 where there is no /proc.
   */
  private static long machineCpuNanos() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      // user nice system idle iowait irq softirq steal; guest time is within user already
      for (int i = 1; i <= 8 && i < cpu.length; i++) {
        if (i != 4 && i != 5) busy += Long.parseLong(cpu[i]);
      }
      return busy * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Milliseconds this JVM's collectors have spent collecting (pauses and concurrent work). */
  private static long gcMillis() {
    long ms = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
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
