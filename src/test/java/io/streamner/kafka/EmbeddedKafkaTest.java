package io.streamner.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker in this JVM: topics, idempotent and transactional producers, readAll,
 * shutdown.
 */
class EmbeddedKafkaTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    long t0 = System.nanoTime();
    kafka = EmbeddedKafka.start();
    System.err.printf(
        "EmbeddedKafka started in %d ms at %s%n",
        (System.nanoTime() - t0) / 1_000_000, kafka.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      long t0 = System.nanoTime();
      kafka.close();
      System.err.printf("EmbeddedKafka closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  @Test
  void idempotentProducerRecordsAreAllReadBack() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    TopicAdmin.create(bootstrap, List.of(TopicAdmin.topic("sentences", 3)));

    int n = 1000;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(producer.send(new ProducerRecord<>("sentences", bytes("k" + i), bytes("v" + i))));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    }

    Map<TopicPartition, Long> ends = TopicAdmin.endOffsets(bootstrap, "sentences");
    assertEquals(3, ends.size());
    assertEquals(n, ends.values().stream().mapToLong(Long::longValue).sum());

    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaClients.readAll(bootstrap, "sentences", false, READ_TIMEOUT);
    assertEquals(n, records.size());
    Set<String> values = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String key = string(r.key());
      String value = string(r.value());
      assertEquals(key.substring(1), value.substring(1), "key and value belong together");
      values.add(value);
    }
    assertEquals(n, values.size(), "no duplicates");
    assertTrue(
        records.stream().map(ConsumerRecord::partition).distinct().count() > 1,
        "keys spread over partitions");
    assertEquals(
        n,
        KafkaClients.readAll(bootstrap, "sentences", true, READ_TIMEOUT).size(),
        "read_committed sees non-transactional records");
  }

  @Test
  void readCommittedSkipsAnAbortedTransaction() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    TopicAdmin.create(bootstrap, List.of(TopicAdmin.topic("labels", 2)));

    Properties props = KafkaClients.producer(bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>("labels", bytes("c" + i), bytes("committed-" + i)));
      }
      producer.commitTransaction();

      producer.beginTransaction();
      for (int i = 0; i < 7; i++) {
        producer.send(new ProducerRecord<>("labels", bytes("a" + i), bytes("aborted-" + i)));
      }
      producer.flush();
      producer.abortTransaction();
    }

    // The topic ends with an abort marker: readAll must still terminate.
    List<String> committed = values(KafkaClients.readAll(bootstrap, "labels", true, READ_TIMEOUT));
    assertEquals(10, committed.size(), committed.toString());
    assertTrue(committed.stream().allMatch(v -> v.startsWith("committed-")), committed.toString());

    List<String> all = values(KafkaClients.readAll(bootstrap, "labels", false, READ_TIMEOUT));
    assertEquals(17, all.size(), all.toString());
    assertEquals(7, all.stream().filter(v -> v.startsWith("aborted-")).count());
  }

  @Test
  void topicCreationIsIdempotentAndCompactedTopicsAreCompacted() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    List<org.apache.kafka.clients.admin.NewTopic> topics =
        List.of(TopicAdmin.topic("tokens", 3), TopicAdmin.compacted("model-snapshots", 1));
    TopicAdmin.create(bootstrap, topics);
    TopicAdmin.create(bootstrap, topics);
    TopicAdmin.create(
        bootstrap, List.of(TopicAdmin.topic("tokens", 3), TopicAdmin.topic("tokens-2", 1)));

    assertEquals(3, TopicAdmin.endOffsets(bootstrap, "tokens").size());
    assertEquals(
        Map.of(new TopicPartition("model-snapshots", 0), 0L),
        TopicAdmin.endOffsets(bootstrap, "model-snapshots"));
    assertEquals(1, TopicAdmin.endOffsets(bootstrap, "tokens-2").size());

    try (Admin admin = Admin.create(KafkaClients.admin(bootstrap))) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "model-snapshots");
      Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertEquals(
          TopicConfig.CLEANUP_POLICY_COMPACT,
          config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
      assertEquals(
          Integer.toString(TopicAdmin.COMPACTED_MAX_MESSAGE_BYTES),
          config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TopicAdmin.create(bootstrap, List.of(TopicAdmin.topic("tokens", 5))));
    assertTrue(e.getMessage().contains("3 partitions"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> TopicAdmin.endOffsets(bootstrap, "no-such-topic"));
    assertThrows(
        IllegalArgumentException.class,
        () -> KafkaClients.readAll(bootstrap, "no-such-topic", false, Duration.ofSeconds(5)));
  }

  @Test
  void largeRecordsFitInCompactedTopics() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    TopicAdmin.create(bootstrap, List.of(TopicAdmin.compacted("vocabulary", 1)));
    byte[] big = new byte[3 * 1024 * 1024];
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap))) {
      producer.send(new ProducerRecord<>("vocabulary", bytes("v1"), big)).get();
      producer.send(new ProducerRecord<>("vocabulary", bytes("v1"), bytes("small"))).get();
    }
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaClients.readAll(bootstrap, "vocabulary", true, READ_TIMEOUT);
    assertEquals(2, records.size());
    assertEquals(big.length, records.get(0).value().length);
  }

  @Test
  void anUnreachableBrokerFailsWithinTheTimeoutAndSaysSo() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      deadPort = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    TimeoutException e =
        assertThrows(
            TimeoutException.class,
            () ->
                TopicAdmin.create(
                    "127.0.0.1:" + deadPort,
                    List.of(TopicAdmin.topic("never", 1)),
                    Duration.ofSeconds(2)));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(
        e.getMessage().contains("never") && e.getMessage().contains("2000 ms"), e.getMessage());
    assertTrue(millis < 10_000, "gave up after " + millis + " ms");
  }

  @Test
  void closeFreesThePortAndDeletesTheTemporaryDirectory() throws Exception {
    EmbeddedKafka first = EmbeddedKafka.start();
    int port = first.port();
    Path dir = first.dataDir();
    assertTrue(Files.isDirectory(dir));
    TopicAdmin.create(first.bootstrapServers(), List.of(TopicAdmin.topic("t", 1)));
    first.close();
    first.close(); // idempotent
    assertFalse(Files.exists(dir), "temporary data directory deleted");
    try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(port, s.getLocalPort(), "port free again");
    }
    try (EmbeddedKafka second = EmbeddedKafka.start()) {
      TopicAdmin.create(second.bootstrapServers(), List.of(TopicAdmin.topic("t", 1)));
      assertEquals(
          Map.of(new TopicPartition("t", 0), 0L),
          TopicAdmin.endOffsets(second.bootstrapServers(), "t"));
    }
  }

  @Test
  void aPersistentDataDirectoryKeepsTopicsAndRecordsAcrossRestarts(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafka first = EmbeddedKafka.start(dir)) {
      TopicAdmin.create(first.bootstrapServers(), List.of(TopicAdmin.topic("kept", 1)));
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(KafkaClients.producer(first.bootstrapServers()))) {
        producer.send(new ProducerRecord<>("kept", bytes("k"), bytes("still here"))).get();
      }
    }
    assertTrue(Files.isDirectory(dir), "a given data directory is kept");
    try (EmbeddedKafka second = EmbeddedKafka.start(dir)) {
      TopicAdmin.create(second.bootstrapServers(), List.of(TopicAdmin.topic("kept", 1)));
      assertEquals(
          List.of("still here"),
          values(KafkaClients.readAll(second.bootstrapServers(), "kept", true, READ_TIMEOUT)));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, UTF_8);
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(string(r.value())));
    return out;
  }
}
