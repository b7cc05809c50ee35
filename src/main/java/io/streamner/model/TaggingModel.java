package io.streamner.model;

import java.util.List;

/**
 * A trained tagger as a model file holds it: a binary {@link NerModel} (one entity type, a sigmoid
 * output) or a {@link TypedModel} (several types, a softmax over their tags). Both read a window
 * the same way ({@link #input()}: vocabulary, L, optionally capitalisation vectors) and count their
 * training the same way; they differ in their dense parameters and what they predict.
 */
public sealed interface TaggingModel permits NerModel, TypedModel {
  /** The vocabulary, lookup tables and hyper-parameters: how a sentence becomes windows. */
  WindowInput input();

  /**
   * The dense parameters in the model's precision: one output for a binary model, one per tag for a
   * typed one. Mutable: training updates them.
   */
  Dense weights();

  /** The canonical entity types it tags: one for a binary model. */
  List<String> types();

  /** Training windows the parameters have seen. */
  long examplesTrained();

  /** Passes over a corpus so far. */
  int epochsTrained();

  /** Counts training that was done on the model's parameters. */
  void recordTraining(long examples, int epochs);
}
