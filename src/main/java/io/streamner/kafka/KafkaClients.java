package io.streamner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client configurations used across streamner, and reading a whole topic. Keys and values are
 * bytes. Each configuration is streamner's own settings with the {@link KafkaSettings}' client
 * settings (security, ...) on top: those win where both set a key.
 */
public final class KafkaClients {

  private KafkaClients() {}

  /** An {@code Admin} client's configuration for a broker that needs no client settings. */
  public static Properties admin(String bootstrapServers) {
    return admin(KafkaSettings.plain(bootstrapServers));
  }

  /** An {@code Admin} client's configuration. */
  public static Properties admin(KafkaSettings kafka) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return kafka.applyTo(p);
  }

  /**
   * A producer: {@code acks=all} and idempotence on (no duplicates or reordering on retries),
   * {@code byte[]} keys and values, and {@code max.request.size} raised to {@link
   * TopicAdmin#COMPACTED_MAX_MESSAGE_BYTES} so large records can go to compacted topics (each
   * topic's {@code max.message.bytes} still applies). For a transactional producer add {@code
   * transactional.id}, and keep {@code transaction.timeout.ms} at most the broker's {@code
   * transaction.max.timeout.ms} (15 minutes by default).
   */
  public static Properties producer(KafkaSettings kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(TopicAdmin.COMPACTED_MAX_MESSAGE_BYTES));
    return kafka.applyTo(p);
  }

  /** {@link #producer(KafkaSettings)} for a broker that needs no client settings. */
  public static Properties producer(String bootstrapServers) {
    return producer(KafkaSettings.plain(bootstrapServers));
  }

  /**
   * A consumer: {@code byte[]} keys and values, {@code auto.offset.reset=earliest}, no auto-commit.
   *
   * @param groupIdOrNull the consumer group, or {@code null} for a consumer that only uses {@code
   *     assign} and commits nothing
   * @param readCommitted {@code isolation.level=read_committed} (skip aborted transactions and stop
   *     at the last stable offset) rather than {@code read_uncommitted}
   */
  public static Properties consumer(
      KafkaSettings kafka, String groupIdOrNull, boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    if (groupIdOrNull != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupIdOrNull);
    }
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        (readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED)
            .toString());
    return kafka.applyTo(p);
  }

  /** {@link #consumer(KafkaSettings, String, boolean)} for a broker that needs no settings. */
  public static Properties consumer(
      String bootstrapServers, String groupIdOrNull, boolean readCommitted) {
    return consumer(KafkaSettings.plain(bootstrapServers), groupIdOrNull, readCommitted);
  }

  /**
   * Reads a topic from the beginning up to the end offsets it had when this started, without a
   * consumer group, and returns the records sorted by partition, then offset.
   *
   * <p>The end is the consumer's own end offset: the high watermark under {@code read_uncommitted},
   * the last stable offset under {@code read_committed}. A partition is done when the consumer's
   * position reaches it; the position also moves past aborted records and transaction markers that
   * are never returned, so this ends even when a topic ends with an aborted transaction. Records
   * written after the start are left out.
   *
   * @throws IllegalArgumentException if the topic does not exist
   * @throws TimeoutException if the end is not reached within {@code timeout}
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrapServers, String topic, boolean readCommitted, Duration timeout) {
    return readAll(KafkaSettings.plain(bootstrapServers), topic, readCommitted, timeout);
  }

  /** {@link #readAll(String, String, boolean, Duration)} with client settings. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      KafkaSettings kafka, String topic, boolean readCommitted, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    readEach(kafka, topic, readCommitted, timeout, records::add);
    records.sort(
        Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    return records;
  }

  /**
   * {@link #readAll(KafkaSettings, String, boolean, Duration)} record by record, holding none: each
   * partition's records reach {@code each} in offset order (the partitions interleaved), so that a
   * reader that keeps only a little of a large topic needs only that little memory.
   */
  public static void readEach(
      KafkaSettings kafka,
      String topic,
      boolean readCommitted,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(consumer(kafka, null, readCommitted))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("no topic " + topic + " on " + kafka.bootstrapServers());
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));

      Set<TopicPartition> pending = new HashSet<>(partitions);
      while (true) {
        pending.removeIf(tp -> consumer.position(tp, remaining(deadline)) >= ends.get(tp));
        if (pending.isEmpty()) {
          break;
        }
        if (System.nanoTime() >= deadline) {
          StringBuilder where = new StringBuilder();
          for (TopicPartition tp : pending) {
            where
                .append(' ')
                .append(tp)
                .append(" at ")
                .append(consumer.position(tp))
                .append(" of ")
                .append(ends.get(tp))
                .append(';');
          }
          throw new TimeoutException(
              "reading "
                  + topic
                  + " did not reach its end within "
                  + timeout.toMillis()
                  + " ms:"
                  + where);
        }
        for (ConsumerRecord<byte[], byte[]> r :
            consumer.poll(min(remaining(deadline), Duration.ofMillis(200)))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            each.accept(r);
          }
        }
      }
    }
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
