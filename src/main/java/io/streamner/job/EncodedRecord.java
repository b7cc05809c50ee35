package io.streamner.job;

/**
 * A record ready for Kafka: key and value already in their wire format. Operators encode their
 * output themselves so that the sinks only move bytes and every topic's format lives in {@code
 * io.streamner.kafka.wire}.
 */
public class EncodedRecord {
  public byte[] key;
  public byte[] value;

  /**
   * Records with the same partition key go to the same partition (snapshots: the model); null: by
   * key.
   */
  public String partitionKey;

  public EncodedRecord() {}

  public EncodedRecord(byte[] key, byte[] value, String partitionKey) {
    this.key = key;
    this.value = value;
    this.partitionKey = partitionKey;
  }
}
