package io.streamner.bench;

import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The suite's Kafka chores: filling a topic fast, and reading what the job wrote without holding it
 * all.
 */
final class BenchKafka {
  private BenchKafka() {}

  /**
   * The project's producer settings with big batches: the topics are filled before the job starts,
   * so only the time to fill them matters, not the latency of one record.
   */
  static Properties bulkProducer(String bootstrapServers) {
    Properties p = KafkaClients.producer(bootstrapServers);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
    return p;
  }

  /**
   * Sends the values round-robin over {@code partitions} partitions (value i to partition i mod
   * partitions, so each partition keeps the values' order) and waits until all are acknowledged.
   */
  static void produce(
      String bootstrapServers, String topic, int partitions, Iterable<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(bulkProducer(bootstrapServers))) {
      int i = 0;
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, i++ % partitions, null, value));
      }
      producer.flush();
    }
  }

  /**
   * Calls {@code action} on every record of {@code topic} from the beginning up to the end offsets
   * it had when this started (read_committed), keeping none of them: {@link KafkaClients#readEach}
   * with larger fetches, since a snapshots topic may hold gigabytes of columns.
   */
  static void forEach(
      String bootstrapServers,
      String topic,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    KafkaSettings kafka =
        new KafkaSettings(
            bootstrapServers,
            Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(8 * 1024 * 1024)));
    KafkaClients.readEach(kafka, topic, true, timeout, action);
  }

  /**
   * Calls {@code action} on every prediction of {@code predictionsTopic}, decoded, as {@link
   * #forEach} reads them: what the job scenarios measure their throughput and learning speed from,
   * given ten minutes.
   */
  static void forEachPrediction(
      String bootstrapServers, String predictionsTopic, Consumer<PredictionRecord> action) {
    forEach(
        bootstrapServers,
        predictionsTopic,
        Duration.ofMinutes(10),
        r -> action.accept(WireFormat.decodePrediction(r.value())));
  }

  /**
   * The last manifest of every model on the snapshots topic, by model: it closes the model's final
   * snapshot version, and says how many windows the model trained and how many columns it has. Only
   * manifest records are decoded (the columns may be gigabytes).
   */
  static Map<String, SnapshotRecord.Manifest> finalManifests(
      String bootstrapServers, String snapshotsTopic) {
    Map<String, SnapshotRecord.Manifest> last = new TreeMap<>();
    forEach(
        bootstrapServers,
        snapshotsTopic,
        Duration.ofMinutes(10),
        r -> {
          if (r.key() != null
              && new String(r.key(), StandardCharsets.UTF_8).endsWith("/manifest")
              && SnapshotCodec.decodeSnapshot(r.value()) instanceof SnapshotRecord.Manifest m) {
            last.put(m.model(), m);
          }
        });
    return last;
  }
}
