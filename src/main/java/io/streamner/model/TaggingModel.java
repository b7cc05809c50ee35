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

  /**
   * The kernel of the model's precision and output layer on its own L, E and dense parameters, one
   * window at a time, for scoring and for training. It holds one window's activations: one per
   * thread.
   */
  interface Steps {
    /**
     * The outputs for the window: P(centre word is the entity) alone for a binary model, P(tag) of
     * every tag in tag id order for a typed one. Changes nothing; the array is overwritten by the
     * next call.
     *
     * @param classes the window's capitalisation classes, null without capitalisation features
     */
    double[] outputs(int[] window, int[] classes);

    /**
     * One SGD step on the window with label {@code label} (1 = entity, or a tag id), updating the
     * model; the loss before the step.
     */
    double sgdStep(int[] window, int[] classes, int label, double learningRate, double decay);
  }

  /** The kernel on this model, for one thread (see {@link Steps}). */
  default Steps steps() {
    return KernelSteps.of(input(), weights());
  }

  /** The canonical entity types it tags: one for a binary model. */
  List<String> types();

  /** Training windows the parameters have seen. */
  long examplesTrained();

  /** Passes over a corpus so far. */
  int epochsTrained();

  /** Counts training that was done on the model's parameters. */
  void recordTraining(long examples, int epochs);
}
