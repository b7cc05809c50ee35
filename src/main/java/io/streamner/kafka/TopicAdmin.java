package io.streamner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creating topics so that they can be used at once, and reading their end offsets: the admin side
 * of topics (their names, per job, are {@code io.streamner.job.JobDefinition.Topics}).
 *
 * <p>A topic that {@code createTopics} has just acknowledged may not yet accept records: producing
 * to it right away has been seen to fail with {@code NOT_LEADER_OR_FOLLOWER}, and an idempotent
 * producer then stalls until its delivery timeout. Waiting for a leader is not enough; {@link
 * #create} therefore waits until {@code listOffsets(latest)} succeeds on every partition.
 */
public final class TopicAdmin {

  /** How long {@link #create(String, Collection)} waits for the topics to be usable. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * {@code max.message.bytes} of {@link #compacted} topics: 8 MiB. A compacted topic holds the
   * latest value per key (a model snapshot, a vocabulary, a checkpoint), which can outgrow Kafka's
   * default limit of about 1 MiB; {@link KafkaClients#producer} raises the producer's {@code
   * max.request.size} to match. Other topics keep the broker's default, which suits the small
   * records of a stream.
   */
  public static final int COMPACTED_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  private static final long RETRY_MILLIS = 100;

  private TopicAdmin() {}

  /**
   * A topic with the given number of partitions and the cluster's default replication factor (1 on
   * {@link EmbeddedKafka}).
   */
  public static NewTopic topic(String name, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "a topic needs at least one partition, got " + partitions + " for " + name);
    }
    return new NewTopic(name, Optional.of(partitions), Optional.empty());
  }

  /**
   * A log-compacted topic ({@code cleanup.policy=compact}) that accepts records of up to {@link
   * #COMPACTED_MAX_MESSAGE_BYTES}. The other settings are Kafka's defaults, so the active segment
   * (up to 1 GiB or 7 days) is not compacted: readers see every value, the latest per key last.
   */
  public static NewTopic compacted(String name, int partitions) {
    return topic(name, partitions)
        .configs(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(COMPACTED_MAX_MESSAGE_BYTES)));
  }

  /** {@link #create(String, Collection, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static void create(String bootstrapServers, Collection<NewTopic> topics) {
    create(KafkaSettings.plain(bootstrapServers), topics, DEFAULT_TIMEOUT);
  }

  /** {@link #create(KafkaSettings, Collection, Duration)} for a broker that needs no settings. */
  public static void create(
      String bootstrapServers, Collection<NewTopic> topics, Duration timeout) {
    create(KafkaSettings.plain(bootstrapServers), topics, timeout);
  }

  /**
   * Creates the topics that do not exist yet and returns once every partition of every given topic
   * answers {@code listOffsets(latest)}, so records can be produced to it at once.
   *
   * <p>Idempotent: a topic that already exists is left as it is (its configs are not compared or
   * changed), but if it has a different number of partitions than asked for, this fails, since
   * keyed records would then be spread differently from what the caller expects.
   *
   * @throws IllegalStateException if a topic cannot be created or exists with another partition
   *     count
   * @throws TimeoutException if the topics are not usable within {@code timeout}
   */
  public static void create(KafkaSettings kafka, Collection<NewTopic> topics, Duration timeout) {
    String bootstrapServers = kafka.bootstrapServers();
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Integer> wanted = new LinkedHashMap<>();
    for (NewTopic t : topics) {
      wanted.put(t.name(), t.numPartitions());
    }
    try (Admin admin = admin(kafka, timeout)) {
      Map<String, KafkaFuture<Void>> created = admin.createTopics(topics).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : created.entrySet()) {
        try {
          e.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
          }
        } catch (java.util.concurrent.TimeoutException ex) {
          throw new TimeoutException(
              "topic "
                  + e.getKey()
                  + " was not created within "
                  + timeout.toMillis()
                  + " ms (broker "
                  + bootstrapServers
                  + ")",
              ex);
        }
      }
      awaitUsable(admin, bootstrapServers, wanted, deadline, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + wanted.keySet(), e);
    }
  }

  private static void awaitUsable(
      Admin admin,
      String bootstrapServers,
      Map<String, Integer> wanted,
      long deadline,
      Duration timeout)
      throws InterruptedException {
    Set<String> names = new TreeSet<>(wanted.keySet());
    Throwable lastError = null;
    Set<TopicPartition> waitingOn = Set.of();
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(names)
                .allTopicNames()
                .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : described.values()) {
          int expected = wanted.get(d.name());
          int actual = d.partitions().size();
          if (expected > 0 && actual != expected) {
            throw new IllegalStateException(
                "topic "
                    + d.name()
                    + " exists with "
                    + actual
                    + " partitions, not the "
                    + expected
                    + " asked for");
          }
          d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        ListOffsetsResult offsets = admin.listOffsets(latest);
        Set<TopicPartition> failed = new LinkedHashSet<>();
        for (TopicPartition tp : partitions) {
          try {
            offsets.partitionResult(tp).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
          } catch (ExecutionException e) {
            failed.add(tp);
            lastError = rethrowUnlessRetriable(e);
          }
        }
        if (failed.isEmpty()) {
          return;
        }
        waitingOn = failed;
      } catch (ExecutionException e) {
        lastError = rethrowUnlessRetriable(e);
      } catch (java.util.concurrent.TimeoutException e) {
        lastError = e;
      }
      if (remainingMillis(deadline) <= RETRY_MILLIS) {
        throw new TimeoutException(
            "topics "
                + names
                + " on "
                + bootstrapServers
                + " were not ready within "
                + timeout.toMillis()
                + " ms"
                + (waitingOn.isEmpty() ? "" : "; partitions without offsets: " + waitingOn)
                + (lastError == null ? "" : "; last error: " + lastError),
            lastError);
      }
      Thread.sleep(RETRY_MILLIS);
    }
  }

  /**
   * The latest offset (the high watermark) of every partition of a topic, in partition order.
   *
   * @throws IllegalArgumentException if the topic does not exist
   */
  public static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic) {
    try (Admin admin = admin(KafkaSettings.plain(bootstrapServers), DEFAULT_TIMEOUT)) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
      d.partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
          admin.listOffsets(latest).all().get();
      Map<TopicPartition, Long> ends = new LinkedHashMap<>();
      for (TopicPartition tp : latest.keySet()) {
        ends.put(tp, result.get(tp).offset());
      }
      return ends;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalArgumentException(
            "no topic " + topic + " on " + bootstrapServers, e.getCause());
      }
      throw new IllegalStateException(
          "cannot read the end offsets of " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the end offsets of " + topic, e);
    }
  }

  /** An admin client whose calls, and so its close, take at most {@code timeout}. */
  static Admin admin(KafkaSettings kafka, Duration timeout) {
    Properties props = KafkaClients.admin(kafka);
    long ms = Math.max(1000, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(ms));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(ms, 30_000)));
    return Admin.create(props);
  }

  private static Throwable rethrowUnlessRetriable(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RetriableException) {
      return cause;
    }
    throw new IllegalStateException("topic readiness check failed: " + cause, cause);
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
