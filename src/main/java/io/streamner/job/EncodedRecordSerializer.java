package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link EncodedRecord}s to one topic. A record with a partition key goes to the partition
 * the key hashes to, so all snapshot records of one model stay in order in one partition and a
 * reader can tell where a version ends.
 */
final class EncodedRecordSerializer implements KafkaRecordSerializationSchema<EncodedRecord> {
  private final String topic;

  EncodedRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      EncodedRecord record, KafkaSinkContext context, Long timestamp) {
    Integer partition = null;
    if (record.partitionKey != null) {
      int[] partitions = context.getPartitionsForTopic(topic);
      partition = partitions[SnapshotCodec.partition(record.partitionKey, partitions.length)];
    }
    return new ProducerRecord<>(topic, partition, null, record.key, record.value);
  }
}
