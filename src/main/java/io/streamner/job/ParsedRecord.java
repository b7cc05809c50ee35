package io.streamner.job;

/**
 * A record of the train or score topic that the parser accepted: its sentence (labelled when it
 * came from the train topic), its id, and where it came from with its bytes, which a model that
 * cannot use it dead-letters. Not a {@link io.streamner.text.Sentence}, which is a corpus sentence:
 * this is the job's message between operators, a Flink POJO (public fields and a no-argument
 * constructor) so that it crosses the network without Kryo.
 */
public class ParsedRecord {
  public String id;
  public String[] tokens;

  /** Gold tags as given; null for scoring input. */
  public String[] tags;

  /** Models a scoring request asks for; null means all. */
  public String[] models;

  /** Event time in epoch milliseconds, or null. */
  public Long eventTime;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;

  /**
   * The record's value as read from Kafka: a model that cannot use the sentence dead-letters these
   * bytes, so that the record can be replayed as it was sent.
   */
  public byte[] raw;

  public ParsedRecord() {}

  /** From the train topic: it carries gold tags. */
  public boolean labelled() {
    return tags != null;
  }
}
