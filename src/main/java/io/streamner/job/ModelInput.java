package io.streamner.job;

/** A sentence addressed to one model, the key of the model operator. */
public class ModelInput {
  /** The model's entity type, e.g. PER: the key. */
  public String model;

  public ParsedRecord sentence;

  /** 1 where the token is of the model's entity type; null for scoring input. */
  public int[] labels;

  public ModelInput() {}

  public ModelInput(String model, ParsedRecord sentence, int[] labels) {
    this.model = model;
    this.sentence = sentence;
    this.labels = labels;
  }
}
