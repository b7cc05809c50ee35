package io.streamner.job;

/** A sentence addressed to one model, the key of the model operator. */
public class ModelInput {
  /** The model's name, e.g. PER, or LOC+ORG for a typed model: the key. */
  public String model;

  public ParsedRecord sentence;

  /**
   * Per token, a binary model's label (1 where the token is of its entity type) or a typed model's
   * gold tag id in its tag set; null for scoring input.
   */
  public int[] labels;

  public ModelInput() {}

  public ModelInput(String model, ParsedRecord sentence, int[] labels) {
    this.model = model;
    this.sentence = sentence;
    this.labels = labels;
  }
}
