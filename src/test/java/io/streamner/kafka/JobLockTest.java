package io.streamner.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link JobLock} on a real broker: one holder per job name, a clean stop frees it at once, and a
 * holder that vanished without leaving (as kill -9 leaves it) frees it when Kafka ends its session.
 * The same with {@code streamner job} processes is in JobRestartTest.
 */
class JobLockTest {
  private static EmbeddedKafka kafka;
  private static KafkaSettings settings;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    settings = KafkaSettings.plain(kafka.bootstrapServers());
    TopicAdmin.create(kafka.bootstrapServers(), List.of(TopicAdmin.topic("lock.snapshots", 1)));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) kafka.close();
  }

  private static JobLock acquire(String job, List<String> told) throws Exception {
    return JobLock.acquire(settings, job, "lock.snapshots", told::add);
  }

  @Test
  void aSecondHolderOfOneJobIsRefusedAndAnotherJobIsNot() throws Exception {
    try (JobLock first = acquire("alpha", new ArrayList<>())) {
      List<String> told = new ArrayList<>();
      JobLock.AlreadyRunning refused =
          assertThrows(JobLock.AlreadyRunning.class, () -> acquire("alpha", told));
      assertTrue(
          refused
              .getMessage()
              .startsWith(
                  "job alpha is already running: streamner-job-"
                      + ProcessHandle.current().pid()
                      + "@"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("consumer group alpha.running"));
      assertEquals(1, told.size(), "it said that the group had a member: " + told);
      try (JobLock other = acquire("beta", new ArrayList<>())) {
        // another job name is another group
      }
      // The refused copy left the group: the holder is alone again and still refuses.
      assertThrows(JobLock.AlreadyRunning.class, () -> acquire("alpha", new ArrayList<>()));
    }
    try (JobLock again = acquire("alpha", new ArrayList<>())) {
      // a holder that stopped cleanly left at once
    }
  }

  @Test
  void aHolderThatVanishedWithoutLeavingIsWaitedOut() throws Exception {
    // A member that stops polling and heartbeating without a LeaveGroup: what kill -9 leaves.
    KafkaConsumer<byte[], byte[]> killed =
        new KafkaConsumer<>(JobLock.properties(settings, JobLock.group("gamma")));
    AtomicBoolean assigned = new AtomicBoolean();
    killed.subscribe(
        List.of("lock.snapshots"),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> p) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> p) {
            assigned.set(true);
          }
        });
    while (!assigned.get()) {
      killed.poll(Duration.ofMillis(100));
    }
    killed.close(
        CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));

    List<String> told = new ArrayList<>();
    try (JobLock successor = acquire("gamma", told)) {
      assertEquals(1, told.size(), "it said why it waits: " + told);
      assertTrue(told.get(0).contains("or one that was killed"), told.get(0));
    }
  }
}
