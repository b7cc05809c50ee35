package io.streamner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One quick question to Kafka before anything long starts: do these settings get an answer, and do
 * the topics exist? Without it, wrong credentials or a plaintext client on a SASL listener make
 * Kafka's clients retry until their own timeouts (a minute or more), and a Flink job restart over
 * and over; with it, the command fails within {@link #TIMEOUT} and says what to check.
 */
public final class KafkaPreflight {
  /** Long enough for a broker across a network; short enough to count as "at once" for a user. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private KafkaPreflight() {}

  /** {@link #check(KafkaSettings, Collection, Duration)} with {@link #TIMEOUT}. */
  public static void check(KafkaSettings kafka, Collection<String> topics) {
    check(kafka, topics, TIMEOUT);
  }

  /**
   * Describes the cluster, then the topics, with an admin client whose every call gives up after
   * {@code timeout}.
   *
   * @param topics topics that must exist; none to check only that Kafka answers
   * @throws KafkaAccessException when Kafka does not answer in time, refuses the connection's
   *     security settings or credentials, does not let the user see a topic, or lacks topics (all
   *     missing ones named)
   */
  public static void check(KafkaSettings kafka, Collection<String> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> missing = new ArrayList<>();
    try (Admin admin = TopicAdmin.admin(kafka, timeout)) {
      try {
        admin.describeCluster().clusterId().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw failure(kafka, e.getCause(), timeout);
      } catch (java.util.concurrent.TimeoutException e) {
        throw failure(kafka, e, timeout);
      }
      Map<String, KafkaFuture<TopicDescription>> described =
          admin.describeTopics(topics).topicNameValues();
      for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
        try {
          long left = Math.max(0, deadline - System.nanoTime());
          topic.getValue().get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) missing.add(topic.getKey());
          else throw failure(kafka, e.getCause(), timeout);
        } catch (java.util.concurrent.TimeoutException e) {
          throw failure(kafka, e, timeout);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while asking Kafka for the topics", e);
    }
    if (!missing.isEmpty()) {
      throw new KafkaAccessException(
          "Kafka at "
              + kafka.bootstrapServers()
              + " has no topic"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + ": create "
              + (missing.size() > 1 ? "them" : "it")
              + " first (see schemas/topics.md)",
          null);
    }
  }

  private static KafkaAccessException failure(
      KafkaSettings kafka, Throwable cause, Duration timeout) {
    String where = "Kafka at " + kafka.bootstrapServers();
    String settings = " (client settings: " + kafka.describe() + ")";
    if (cause instanceof AuthenticationException) {
      return new KafkaAccessException(
          where + " refused the connection: " + cause.getMessage() + settings, cause);
    }
    if (cause instanceof AuthorizationException) {
      return new KafkaAccessException(
          where + " does not allow this client to describe the topics: " + cause.getMessage(),
          cause);
    }
    if (cause instanceof java.util.concurrent.TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new KafkaAccessException(
          where
              + " did not answer within "
              + timeout.toSeconds()
              + " s"
              + settings
              + ". Check the address, and that security.protocol and the sasl.*/ssl.* settings"
              + " match the broker's listener: a listener that expects SASL or SSL never answers a"
              + " client that does not speak it.",
          cause);
    }
    return new KafkaAccessException(where + ": " + cause + settings, cause);
  }
}
