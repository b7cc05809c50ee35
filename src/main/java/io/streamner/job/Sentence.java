package io.streamner.job;

/**
 * A valid input sentence, labelled (from the train topic) or not (from the score topic). A Flink
 * POJO: public fields and a no-argument constructor, so it crosses the network without Kryo.
 */
public class Sentence {
  public static final String TRAIN = "train";
  public static final String SCORE = "score";

  /** {@link #TRAIN} or {@link #SCORE}. */
  public String kind;

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

  public Sentence() {}

  public boolean labelled() {
    return TRAIN.equals(kind);
  }
}
