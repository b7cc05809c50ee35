package io.streamner.kafka;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Marks a job as running, so that a second copy of it (the same {@code job.name}) is refused before
 * it touches anything the first one owns: its checkpoints, its consumer group's offsets, its
 * snapshots' namespace and its exactly-once producers' transactional ids.
 *
 * <p>The mark is a membership of the Kafka consumer group {@code <job.name>.running}, held by a
 * consumer that polls in the background for as long as the job runs. Kafka's group protocol does
 * the rest, with no clock or file shared between machines:
 *
 * <ul>
 *   <li>a process that stops cleanly leaves the group at once;
 *   <li>a process killed with kill -9 stays a member until its session ({@link #SESSION_TIMEOUT})
 *       expires: a successor joining meanwhile waits for that, because the group cannot form
 *       without the old member until the broker has given up on it;
 *   <li>a live holder rejoins within a poll: when a newcomer's join completes and the group has
 *       another member, that member is alive, and the newcomer is refused.
 * </ul>
 *
 * <p>Two copies that join at the same moment both see each other and are both refused: never two
 * running. The consumer subscribes to the job's snapshots topic only because a member of the
 * classic group protocol needs a subscription; it pauses whatever it is assigned and reads nothing.
 * The classic protocol, because its session timeout is the client's to choose (the newer one's is
 * the broker's, 45 s by default).
 */
public final class JobLock implements AutoCloseable {
  /**
   * How long Kafka keeps the membership of a killed process: what a restart after kill -9 waits at
   * most. The broker's {@code group.min.session.timeout.ms} (6 s by default) must allow it.
   */
  public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  /** How often the holder polls; a newcomer's join completes about this long after it asks. */
  private static final Duration POLL = Duration.ofMillis(200);

  /** Acquiring gives up after this: a dead predecessor's session plus the rebalances around it. */
  private static final Duration ACQUIRE_TIMEOUT = SESSION_TIMEOUT.multipliedBy(4);

  /** The consumer group whose membership marks a running copy of {@code jobName}. */
  public static String group(String jobName) {
    return jobName + ".running";
  }

  /** The job's other copy, when there is one. */
  public static final class AlreadyRunning extends Exception {
    AlreadyRunning(String message) {
      super(message);
    }
  }

  private final String group;
  private final Thread holder;
  private final CompletableFuture<String> joined = new CompletableFuture<>();
  private volatile boolean closed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  private JobLock(KafkaSettings kafka, String group, String topic) {
    this.group = group;
    this.holder = new Thread(() -> hold(kafka, topic), "streamner-job-lock " + group);
    holder.setDaemon(true);
  }

  /**
   * Joins the job's group and checks that no other copy is in it.
   *
   * @param topic a topic of the job that exists (its snapshots topic), to subscribe to
   * @param waiting told, in a sentence, when the group has a member before this joins: the join
   *     then takes up to {@link #SESSION_TIMEOUT} (a killed predecessor's session runs out)
   * @throws AlreadyRunning naming the other copy's client and host, when one is running
   * @throws KafkaAccessException when Kafka does not let this client use the group, or the join
   *     does not complete in time
   */
  public static JobLock acquire(
      KafkaSettings kafka, String jobName, String topic, Consumer<String> waiting)
      throws AlreadyRunning {
    String group = group(jobName);
    JobLock lock = new JobLock(kafka, group, topic);
    boolean held = false;
    try (Admin admin = TopicAdmin.admin(kafka, KafkaPreflight.TIMEOUT)) {
      Collection<MemberDescription> before = members(admin, group);
      if (!before.isEmpty()) {
        waiting.accept(
            "consumer group "
                + group
                + " has a member ("
                + describe(before)
                + "): a running copy of job "
                + jobName
                + ", or one that was killed; Kafka tells which within "
                + SESSION_TIMEOUT.toSeconds()
                + " s");
      }
      lock.holder.start();
      String self = lock.awaitJoin(kafka, jobName);
      List<MemberDescription> others = new ArrayList<>();
      for (MemberDescription member : members(admin, group)) {
        if (!member.consumerId().equals(self)) others.add(member);
      }
      if (!others.isEmpty()) {
        throw new AlreadyRunning(
            "job "
                + jobName
                + " is already running: "
                + describe(others)
                + " holds Kafka consumer group "
                + group
                + ". A second copy would read the same offsets, write into the same snapshot"
                + " namespace and checkpoint directory, and fence or be fenced by the first's"
                + " exactly-once producers. Stop the other copy first (its progress lines name the"
                + " same job), or give this one another job.name.");
      }
      held = true;
      return lock;
    } finally {
      if (!held) lock.close();
    }
  }

  /** This member's id, once its join has completed. */
  private String awaitJoin(KafkaSettings kafka, String jobName) {
    try {
      return joined.get(ACQUIRE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new KafkaAccessException(
          "Kafka at "
              + kafka.bootstrapServers()
              + " did not let this job join consumer group "
              + group
              + " within "
              + ACQUIRE_TIMEOUT.toSeconds()
              + " s (it tells whether job "
              + jobName
              + " already runs)",
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AuthorizationException) throw denied(group, cause);
      throw new KafkaAccessException(
          "could not join Kafka consumer group " + group + ": " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while joining consumer group " + group, e);
    }
  }

  /** The holder thread: the consumer is created, used and closed here only (it is not shared). */
  private void hold(KafkaSettings kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(properties(kafka, group))) {
      consumer = c;
      c.subscribe(
          List.of(topic),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              c.pause(partitions); // membership is the point; reading is not
              joined.complete(c.groupMetadata().memberId());
            }
          });
      while (!closed) c.poll(POLL);
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      joined.completeExceptionally(e);
    }
  }

  static Properties properties(KafkaSettings kafka, String group) {
    Properties p = KafkaClients.consumer(kafka, group, false);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    // A live holder hears of a newcomer's join at its next heartbeat and rejoins: a refusal comes
    // this quickly.
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    // Also the rebalance timeout: how long a newcomer's join waits for the holder to poll again.
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) ACQUIRE_TIMEOUT.toMillis());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return p;
  }

  /** What another copy's refusal names: this process and its machine. */
  private static String clientId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return "streamner-job-" + ProcessHandle.current().pid() + "@" + host;
  }

  private static Collection<MemberDescription> members(Admin admin, String group) {
    try {
      ConsumerGroupDescription description =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(KafkaPreflight.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return description.members();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) return List.of();
      if (e.getCause() instanceof AuthorizationException) throw denied(group, e.getCause());
      throw new KafkaAccessException(
          "could not describe Kafka consumer group " + group + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaAccessException(
          "Kafka did not describe consumer group "
              + group
              + " within "
              + KafkaPreflight.TIMEOUT.toSeconds()
              + " s",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while describing consumer group " + group, e);
    }
  }

  private static KafkaAccessException denied(String group, Throwable cause) {
    return new KafkaAccessException(
        "Kafka does not let this client use consumer group "
            + group
            + ", which tells whether the job already runs: allow it DESCRIBE and READ on that"
            + " group (or on groups with the job name as prefix): "
            + cause.getMessage(),
        cause);
  }

  private static String describe(Collection<MemberDescription> members) {
    List<String> names = new ArrayList<>();
    for (MemberDescription m : members) names.add(m.clientId() + " (from " + m.host() + ")");
    return String.join(", ", names);
  }

  /** Leaves the group: a successor can start at once. */
  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) c.wakeup();
    try {
      holder.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
