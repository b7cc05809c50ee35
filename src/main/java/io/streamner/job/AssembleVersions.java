package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a serving job: turns the snapshots topic, read in order, into one {@link ModelUpdate} per
 * model version of the followed job (its namespace): the version's dense chunks and word vectors,
 * sent when its manifest closes it. On a compacted topic the first manifest read closes every
 * vector that survived before it, which is the whole model.
 *
 * <p>Runs at parallelism 1 (snapshots are few, and every record of a model sits in one partition in
 * the order written). Records of a version whose manifest has not come yet are kept in operator
 * state: the source's checkpointed offsets are past them. A record that is not a snapshot record is
 * logged and counted ({@code snapshotRecordsRefused}), and the replicas stay as they were.
 */
final class AssembleVersions extends ProcessFunction<RawRecord, ModelUpdate>
    implements CheckpointedFunction {
  private static final Logger LOG = LoggerFactory.getLogger(AssembleVersions.class);

  /** The open versions' records, as the topic holds them. */
  private static final ListStateDescriptor<byte[]> PENDING =
      new ListStateDescriptor<>(
          "pending-snapshot-records", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  private final String namespace;
  private final List<String> models;

  /** Per model, the records of its open version, in topic order. */
  private transient Map<String, List<SnapshotRecord>> pending;

  private transient ListState<byte[]> pendingState;
  private transient Counter refused;

  AssembleVersions(String namespace, List<String> models) {
    this.namespace = namespace;
    this.models = List.copyOf(models);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    pendingState = context.getOperatorStateStore().getListState(PENDING);
    pending = new LinkedHashMap<>();
    for (byte[] value : pendingState.get()) {
      SnapshotRecord record = SnapshotCodec.decodeSnapshot(value);
      pending.computeIfAbsent(record.model(), m -> new ArrayList<>()).add(record);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    List<byte[]> all = new ArrayList<>();
    for (List<SnapshotRecord> records : pending.values()) {
      for (SnapshotRecord r : records) all.add(SnapshotCodec.encode(r));
    }
    pendingState.update(all);
  }

  @Override
  public void open(OpenContext context) {
    refused = getRuntimeContext().getMetricGroup().counter("snapshotRecordsRefused");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<ModelUpdate> out) {
    SnapshotRecord record;
    try {
      record = SnapshotCodec.decodeSnapshot(raw.value);
    } catch (IllegalArgumentException e) {
      skip(raw, e.getMessage());
      return;
    }
    if (!record.namespace().equals(namespace) || !models.contains(record.model())) return;
    List<SnapshotRecord> open = pending.computeIfAbsent(record.model(), m -> new ArrayList<>());
    if (!(record instanceof SnapshotRecord.Manifest manifest)) {
      open.add(record);
      return;
    }
    pending.remove(record.model());
    try {
      out.collect(update(manifest, open));
    } catch (IllegalArgumentException e) {
      skip(
          raw,
          "version "
              + manifest.version()
              + " of model "
              + manifest.model()
              + ": "
              + e.getMessage());
    }
  }

  /** The update of one version: its manifest, its dense chunks, the vectors read before it. */
  private static ModelUpdate update(
      SnapshotRecord.Manifest manifest, List<SnapshotRecord> records) {
    Map<String, double[]> columns = new LinkedHashMap<>();
    List<SnapshotRecord.DenseChunk> chunks = new ArrayList<>();
    for (SnapshotRecord r : records) {
      if (r instanceof SnapshotRecord.Column c) columns.put(c.word(), c.vector());
      else if (r instanceof SnapshotRecord.DenseChunk d && d.version() == manifest.version()) {
        chunks.add(d);
      }
    }
    double[] dense = SnapshotCodec.assembleDense(chunks);
    return new ModelUpdate(
        manifest,
        dense,
        columns.keySet().toArray(new String[0]),
        columns.values().toArray(new double[0][]));
  }

  private void skip(RawRecord raw, String why) {
    refused.inc();
    LOG.warn(
        "skipped snapshot record {}/{}/{}: {}; the replicas stay as they were",
        raw.topic,
        raw.partition,
        raw.offset,
        why);
  }
}
