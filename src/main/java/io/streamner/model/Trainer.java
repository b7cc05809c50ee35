package io.streamner.model;

import java.util.SplittableRandom;

/**
 * Offline training: epochs of per-example SGD over a {@link TrainingSet}, in corpus order or
 * shuffled (seeded), with the model's own kernel ({@link TaggingModel#steps()}: its precision and
 * output layer); the streaming job runs the same kernels per window.
 */
public final class Trainer {

  /**
   * What one epoch did.
   *
   * @param meanLoss mean loss of the windows (logistic, or cross-entropy for a typed model), each
   *     measured just before its own step
   * @param cost eq. (1) (or (34)) estimated as meanLoss + C/(2m) (sum W^2 + sum U^2) at the epoch's
   *     end
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

  /**
   * Trains {@code model} with its own kernel ({@link TaggingModel#steps()}) for {@code epochs}
   * epochs.
   */
  public static void train(
      TaggingModel model, TrainingSet data, int epochs, boolean shuffle, Listener listener) {
    TaggingModel.Steps steps = model.steps();
    double decay = decay(model, data);
    Hyperparameters hp = model.input().hyperparameters();
    int[][] windows = data.windows();
    int[] labels = data.labels();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    SplittableRandom random = new SplittableRandom(hp.seed());
    for (int epoch = 1; epoch <= epochs; epoch++) {
      if (shuffle) shuffle(order, random);
      long start = System.nanoTime();
      double loss = 0;
      long trained = model.examplesTrained();
      for (int i : order) {
        double learningRate = hp.learningRateAt(trained++);
        loss += steps.sgdStep(windows[i], data.capitals(i), labels[i], learningRate, decay);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      model.recordTraining(data.size(), 1);
      double meanLoss = loss / data.size();
      double cost = meanLoss + decay / 2 * model.weights().squaredWeights();
      listener.epochDone(new EpochReport(epoch, epochs, data.size(), seconds, meanLoss, cost));
    }
  }

  /** C/m: the regularisation constant spread over the training windows. */
  private static double decay(TaggingModel model, TrainingSet data) {
    if (data.size() == 0) throw new IllegalArgumentException("no training windows");
    return model.input().hyperparameters().regularization() / data.size();
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
