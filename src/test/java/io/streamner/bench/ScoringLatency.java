package io.streamner.bench;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobHarness;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.Sentence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Scoring latency (issue #5, part 3). The job runs unbounded with one model; it first trains on
 * btc.train (so the model and the JIT are warm), then a producer sends score requests at a fixed
 * rate and a consumer on the predictions topic matches each prediction to its request by id (the
 * prediction's key). Latency = the consumer's receipt of the prediction - the moment just before
 * the producer's {@code send}, both {@link System#nanoTime()} of this JVM. The first seconds of
 * requests are a warm-up and left out; every request must be answered exactly once.
 *
 * <p>The request producer does not batch ({@code linger.ms=0}): its send time is the client's, and
 * waiting to fill a batch would be the producer's latency, not the job's. Requests that fall behind
 * the schedule are sent at once, and their latency is still counted from their actual send.
 */
final class ScoringLatency {
  private ScoringLatency() {}

  record Result(
      int rate,
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
      double p50ToModelMs,
      double p50FromModelMs,
      List<Slice> slices) {}

  /**
   * The latencies of the requests sent in one 5-second slice of the measurement: flat, or growing?
   */
  record Slice(double fromSecond, int requests, double p50Ms, double p99Ms, double maxMs) {}

  static Result run(
      EmbeddedKafka kafka,
      List<Sentence> warmTraining,
      List<Sentence> toScore,
      int rate,
      double warmupSeconds,
      double measureSeconds,
      Progress progress)
      throws Exception {
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, "bench-latency");
    Path checkpoints = Files.createTempDirectory("streamner-bench-latency");
    int warmup = (int) Math.round(rate * warmupSeconds);
    int requests = warmup + (int) Math.round(rate * measureSeconds);
    long[] sentAt = new long[requests];
    AtomicLongArray receivedAt = new AtomicLongArray(requests);
    // Where the time goes, in wall-clock milliseconds: sent -> the model made the prediction
    // (its processed_at) -> received. Coarser than the nanosecond latency, but splits it in two.
    long[] sentAtMillis = new long[requests];
    AtomicLongArray processedAt = new AtomicLongArray(requests);
    AtomicLongArray receivedAtMillis = new AtomicLongArray(requests);
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger trainPredictions = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    try {
      Properties p =
          BenchSetup.properties(
              kafka,
              topics,
              "bench-latency",
              checkpoints,
              warmTraining.stream().mapToLong(Sentence::size).sum());
      p.setProperty("source.bounded", "false");
      p.setProperty("state.backend", "hashmap");
      JobDefinition definition = JobDefinition.parse(p, "speed suite latency");

      try (FlinkRun run = FlinkRun.start(definition, new Configuration())) {
        Thread consumer =
            new Thread(
                () ->
                    consume(
                        kafka,
                        topics.predictions(),
                        receivedAt,
                        processedAt,
                        receivedAtMillis,
                        duplicates,
                        trainPredictions,
                        stop),
                "latency-consumer");
        consumer.setDaemon(true);
        consumer.start();

        List<byte[]> train = new ArrayList<>();
        for (int i = 0; i < warmTraining.size(); i++) {
          Sentence s = warmTraining.get(i);
          train.add(WireFormat.encode(new TrainRecord("train-" + i, s.tokens(), s.tags(), null)));
        }
        progress.info(
            "job %s running; warming it with %,d training sentences", run.jobId(), train.size());
        BenchKafka.produce(kafka.bootstrapServers(), topics.train(), 1, train);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (trainPredictions.get() < train.size()) {
          if (System.nanoTime() > deadline || run.status().isGloballyTerminalState()) {
            throw new IllegalStateException(
                "the job did not train on the warm-up sentences ("
                    + trainPredictions.get()
                    + " of "
                    + train.size()
                    + "), status "
                    + run.status());
          }
          Thread.sleep(200);
        }
        progress.info(
            "warm; sending %,d score requests at %,d/s (the first %.0f s are warm-up)",
            requests, rate, warmupSeconds);

        Properties props = KafkaClients.producer(kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        byte[][] values = new byte[requests][];
        for (int i = 0; i < requests; i++) {
          values[i] =
              WireFormat.encode(
                  new ScoreRecord("q-" + i, toScore.get(i % toScore.size()).tokens(), null, null));
        }
        long period = 1_000_000_000L / rate;
        long start;
        long end;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
          producer.partitionsFor(topics.score()); // fetch metadata before the clock starts
          start = System.nanoTime();
          for (int i = 0; i < requests; i++) {
            long due = start + i * period;
            long now;
            while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
            sentAtMillis[i] = System.currentTimeMillis();
            sentAt[i] = System.nanoTime();
            producer.send(new ProducerRecord<>(topics.score(), values[i]));
            if (i > 0 && i % (rate * 10) == 0) progress.info("sent %,d", i);
          }
          end = System.nanoTime();
          producer.flush();
        }
        double achieved = (requests - 1) / ((end - start) / 1e9);

        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answered(receivedAt, 0, requests) < requests && System.nanoTime() < deadline)
          Thread.sleep(100);
        stop.set(true);
        consumer.join(10_000);
        run.cancel();

        double[] latencies = new double[requests - warmup];
        int answered = 0;
        for (int i = warmup; i < requests; i++) {
          long r = receivedAt.get(i);
          if (r != 0) latencies[answered++] = (r - sentAt[i]) / 1e6;
        }
        latencies = Arrays.copyOf(latencies, answered);
        List<Slice> slices = slices(sentAt, receivedAt, warmup, requests, rate * 5, rate);
        double[] toModel = new double[answered];
        double[] fromModel = new double[answered];
        int split = 0;
        for (int i = warmup; i < requests; i++) {
          if (receivedAt.get(i) == 0) continue;
          toModel[split] = processedAt.get(i) - sentAtMillis[i];
          fromModel[split++] = receivedAtMillis.get(i) - processedAt.get(i);
        }
        Arrays.sort(toModel);
        Arrays.sort(fromModel);
        Arrays.sort(latencies);
        int lost = requests - answered(receivedAt, 0, requests);
        Result result =
            new Result(
                rate,
                definition.bufferTimeout().toMillis(),
                achieved,
                warmupSeconds,
                measureSeconds,
                requests - warmup,
                answered,
                lost,
                duplicates.get(),
                quantile(latencies, 0.50),
                quantile(latencies, 0.90),
                quantile(latencies, 0.99),
                quantile(latencies, 0.999),
                latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1],
                Arrays.stream(latencies).average().orElse(Double.NaN),
                train.size(),
                quantile(toModel, 0.5),
                quantile(fromModel, 0.5),
                slices);
        progress.info(
            "latency over %,d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms; lost %d, duplicates %d",
            answered, result.p50Ms(), result.p99Ms(), result.maxMs(), lost, duplicates.get());
        progress.info(
            "median split: %.0f ms from send to the model's prediction, %.0f ms from there to the consumer",
            result.p50ToModelMs(), result.p50FromModelMs());
        return result;
      }
    } finally {
      stop.set(true);
      BenchSetup.deleteQuietly(checkpoints);
    }
  }

  /** Reads predictions as they arrive; score answers are stamped with their arrival time. */
  private static void consume(
      EmbeddedKafka kafka,
      String topic,
      AtomicLongArray receivedAt,
      AtomicLongArray processedAt,
      AtomicLongArray receivedAtMillis,
      AtomicInteger duplicates,
      AtomicInteger trainPredictions,
      AtomicBoolean stop) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(), null, false))) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          String id = new String(r.key(), StandardCharsets.UTF_8);
          if (id.startsWith("q-")) {
            int i = Integer.parseInt(id.substring(2));
            if (!receivedAt.compareAndSet(i, 0, now)) {
              duplicates.incrementAndGet();
            } else {
              receivedAtMillis.set(i, System.currentTimeMillis());
              processedAt.set(i, WireFormat.decodePrediction(r.value()).processedAt());
            }
          } else {
            trainPredictions.incrementAndGet();
          }
        }
      }
    }
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

  private static int answered(AtomicLongArray receivedAt, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) if (receivedAt.get(i) != 0) n++;
    return n;
  }

  /** The q-quantile of sorted values (nearest rank), NaN when there are none. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
