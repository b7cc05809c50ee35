package io.streamner.model;

import java.util.SplittableRandom;

/**
 * Offline training: epochs of per-example SGD over a {@link TrainingSet}, in corpus order or
 * shuffled (seeded), with the kernel of the model's precision ({@link NerModel#steps()}: {@link
 * WindowNetwork} in double, {@link FloatNetwork} in float). The streaming job runs the same kernel
 * per window.
 */
public final class Trainer {

  /**
   * What one epoch did.
   *
   * @param meanLoss mean logistic loss of the windows, each measured just before its own step
   * @param cost eq. (1) estimated as meanLoss + C/(2m) (sum W^2 + sum U^2) at the epoch's end
   */
  public record EpochReport(
      int epoch, int epochs, long examples, double seconds, double meanLoss, double cost) {
    public double examplesPerSecond() {
      return seconds > 0 ? examples / seconds : 0;
    }
  }

  /** Told after every epoch; may evaluate the model (it is not being trained meanwhile). */
  @FunctionalInterface
  public interface Listener {
    void epochDone(EpochReport report);
  }

  private Trainer() {}

  public static void train(
      NerModel model, TrainingSet data, int epochs, boolean shuffle, Listener listener) {
    if (data.size() == 0) throw new IllegalArgumentException("no training windows");
    Hyperparameters hp = model.hyperparameters();
    double decay = hp.regularization() / data.size();
    NerModel.Steps steps = model.steps();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    SplittableRandom random = new SplittableRandom(hp.seed());
    for (int epoch = 1; epoch <= epochs; epoch++) {
      if (shuffle) shuffle(order, random);
      long start = System.nanoTime();
      double loss = 0;
      for (int i : order) {
        loss += steps.sgdStep(data.windows()[i], data.labels()[i], hp.learningRate(), decay);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      model.recordTraining(data.size(), 1);
      double meanLoss = loss / data.size();
      double cost = meanLoss + decay / 2 * model.parameters().dense().squaredWeights();
      listener.epochDone(new EpochReport(epoch, epochs, data.size(), seconds, meanLoss, cost));
    }
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
