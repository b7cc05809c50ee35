package io.streamner.job;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.kafka.common.TopicPartition;

/**
 * A bounded {@link KafkaSource} that also ends after a restore.
 *
 * <p>Why: flink-connector-kafka 5.0.0-2.2 never tells the readers of a bounded source restored from
 * a checkpoint or savepoint that no more splits will come (FLINK-31006, fix proposed in
 * apache/flink-connector-kafka#318): its restored enumerator finds no new partition and returns
 * before the one place that sets "no more splits". The readers then read to their stopping offsets
 * and wait forever, so a resumed bounded job would never finish. This wrapper sends that signal
 * when, and only when, the connector's discovery after a restore found nothing new (in every other
 * case the connector sends it itself). Remove it when the connector carries the fix: both would
 * then signal, and a second signal to a finished reader fails the job.
 */
final class ResumableBoundedKafkaSource<T>
    implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
  private final KafkaSource<T> source;

  ResumableBoundedKafkaSource(KafkaSource<T> source) {
    if (source.getBoundedness() != Boundedness.BOUNDED) {
      throw new IllegalArgumentException("only a bounded source needs this");
    }
    this.source = source;
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
      throws Exception {
    if (!state.initialDiscoveryFinished()) return source.restoreEnumerator(context, state);
    Set<TopicPartition> known = new HashSet<>();
    state.assignedSplits().forEach(s -> known.add(s.getTopicPartition()));
    state.unassignedSplits().forEach(s -> known.add(s.getTopicPartition()));
    SignallingContext signalling = new SignallingContext(context, known);
    return new Enumerator(source.restoreEnumerator(signalling, state), signalling);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
    return source.createEnumerator(context);
  }

  @Override
  public Boundedness getBoundedness() {
    return source.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
      throws Exception {
    return source.createReader(context);
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return source.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return source.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return source.getProducedType();
  }

  /** The restored enumerator, with readers that register late told too. */
  private static final class Enumerator
      implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> inner;
    private final SignallingContext context;

    Enumerator(
        SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> inner,
        SignallingContext context) {
      this.inner = inner;
      this.context = context;
    }

    @Override
    public void start() {
      inner.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
      inner.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
      inner.addSplitsBack(splits, subtaskId); // the reader is told again when it registers again
    }

    @Override
    public void addReader(int subtaskId) {
      inner.addReader(subtaskId);
      if (context.nothingNew) context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
      return inner.snapshotState(checkpointId);
    }

    @Override
    public void close() throws java.io.IOException {
      inner.close();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      inner.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
      inner.handleSourceEvent(subtaskId, sourceEvent);
    }
  }

  /**
   * The enumerator's context, watching the result of its partition discovery: the connector runs it
   * through {@link #callAsync} and hands the fetched partitions to its handler. When they are all
   * partitions the restored state already knows, the connector's handler returns without
   * signalling, so this does.
   */
  private static final class SignallingContext
      implements SplitEnumeratorContext<KafkaPartitionSplit> {
    private final SplitEnumeratorContext<KafkaPartitionSplit> inner;
    private final Set<TopicPartition> known;
    volatile boolean nothingNew;

    SignallingContext(
        SplitEnumeratorContext<KafkaPartitionSplit> inner, Set<TopicPartition> known) {
      this.inner = inner;
      this.known = known;
    }

    @Override
    public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
      inner.callAsync(callable, watch(handler));
    }

    @Override
    public <R> void callAsync(
        Callable<R> callable, BiConsumer<R, Throwable> handler, long initialDelay, long period) {
      inner.callAsync(callable, watch(handler), initialDelay, period);
    }

    private <R> BiConsumer<R, Throwable> watch(BiConsumer<R, Throwable> handler) {
      return (result, error) -> {
        handler.accept(result, error);
        if (error == null
            && !nothingNew
            && result instanceof Set<?> fetched
            && known.containsAll(fetched)) {
          nothingNew = true;
          inner.registeredReaders().keySet().forEach(inner::signalNoMoreSplits);
        }
      };
    }

    @Override
    public SplitEnumeratorMetricGroup metricGroup() {
      return inner.metricGroup();
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
      inner.sendEventToSourceReader(subtaskId, event);
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
      inner.sendEventToSourceReader(subtaskId, attemptNumber, event);
    }

    @Override
    public int currentParallelism() {
      return inner.currentParallelism();
    }

    @Override
    public Map<Integer, ReaderInfo> registeredReaders() {
      return inner.registeredReaders();
    }

    @Override
    public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
      return inner.registeredReadersOfAttempts();
    }

    @Override
    public void assignSplits(SplitsAssignment<KafkaPartitionSplit> newSplitAssignments) {
      inner.assignSplits(newSplitAssignments);
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
      inner.signalNoMoreSplits(subtask);
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
      inner.runInCoordinatorThread(runnable);
    }

    @Override
    public void setIsProcessingBacklog(boolean isProcessingBacklog) {
      inner.setIsProcessingBacklog(isProcessingBacklog);
    }
  }
}
