package io.streamner.bench;

import io.streamner.model.DenseParameters;
import io.streamner.model.DoubleKernel;
import io.streamner.model.FloatKernel;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.ReferenceNetwork;
import io.streamner.model.Trainer;
import io.streamner.model.TrainingSet;
import io.streamner.model.WordVectors;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The honest yardstick of issue 12: every SGD kernel of the project timed on the same real windows
 * against {@link PlainLoop}, the double loop anyone would write.
 *
 * <p>The windows: btc.train, PER, C=5, H=100, n=50, the whole vocabulary of the corpus (every word,
 * min count 1) with random vectors ({@link WordVectors}, no pretrained ones), one pass in corpus
 * order, so each step reads and updates the columns of L a real epoch touches (20,575 words, 8 MB
 * of double vectors, rather than the 5,000 random words of the JMH benchmark). Each contender
 * starts from a copy of the same model, warms up on the first {@link #WARM_UP} windows of a
 * throwaway copy (so the timed pass runs compiled code), then trains one timed pass on a fresh
 * copy. {@code rounds} passes each, interleaved; the fastest is reported (the machines are shared:
 * a neighbour slows a pass, never speeds it up) with every pass in the details.
 *
 * <p>Contenders: the plain loop; {@link DoubleKernel} (double, fused); {@link ReferenceNetwork}
 * (EJML, allocates per step); {@link Trainer}'s epoch, what {@code streamner train --precision
 * float} runs (the target) and what {@code streamner train} runs by default (double); {@link
 * FloatKernel} (float, Vector API when the JVM has the module) and {@link FloatKernel#scalar}
 * (float, its scalar fallback).
 *
 * <p>{@code -Dbench.yardstick.export=FILE} also writes the windows and the starting model to FILE
 * for an outside program (a C version, say) to time the same work: see {@link #export}.
 */
final class Yardstick {
  static final String ENTITY = "PER";
  static final int WARM_UP = 20_000;
  static final double LEARNING_RATE = Hyperparameters.DEFAULT_LEARNING_RATE;

  /** The windows and the model every contender starts from. */
  record Windows(NerModel start, TrainingSet data, double decay) {
    static Windows of(Path btcTrain) throws IOException {
      List<Sentence> sentences = CorpusReader.read(btcTrain, null).sentences();
      Hyperparameters hp =
          new Hyperparameters(
              BenchSetup.WINDOW,
              BenchSetup.DIM,
              BenchSetup.HIDDEN,
              LEARNING_RATE,
              Hyperparameters.DEFAULT_REGULARIZATION,
              Hyperparameters.DEFAULT_SEED);
      TokenNormalizer normalizer = TokenNormalizer.defaults();
      Vocabulary vocabulary =
          Vocabulary.of(VocabularyBuilder.frequentWords(sentences, normalizer, 1));
      NerModel model =
          NerModel.initialise(
              ENTITY,
              hp,
              normalizer,
              vocabulary,
              WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim()));
      TrainingSet data = TrainingSet.of(model, sentences);
      return new Windows(model, data, hp.regularization() / data.size());
    }

    int size() {
      return data.size();
    }

    double[][] doubleVectors() {
      double[][] l = start.vectors();
      double[][] copy = new double[l.length][];
      for (int v = 0; v < l.length; v++) copy[v] = l[v].clone();
      return copy;
    }

    float[][] floatVectors() {
      double[][] l = start.vectors();
      float[][] copy = new float[l.length][];
      for (int v = 0; v < l.length; v++) {
        copy[v] = new float[l[v].length];
        for (int d = 0; d < l[v].length; d++) copy[v][d] = (float) l[v][d];
      }
      return copy;
    }
  }

  /**
   * One implementation on the windows. {@link #reset} puts it back at the starting model; {@link
   * #step} takes the SGD step of one window, whose word ids are {@code ids[i]}, and returns its
   * loss.
   */
  abstract static class Contender {
    final String key;
    final String name;
    final int[][] ids;
    final int[] labels;
    final double decay;

    Contender(String key, String name, Windows w) {
      this.key = key;
      this.name = name;
      this.ids = w.data().windows();
      this.labels = w.data().labels();
      this.decay = w.decay();
    }

    abstract void reset();

    abstract double step(int i);

    /** The steps of windows [from, to) in order; their summed loss. */
    double train(int from, int to) {
      double loss = 0;
      for (int i = from; i < to; i++) loss += step(i);
      return loss;
    }

    /** Seconds for one pass over all windows, after a warm-up on a throwaway copy. */
    double timePass(int windows) {
      reset();
      train(0, Math.min(WARM_UP, windows));
      reset();
      long start = System.nanoTime();
      double loss = 0;
      // in chunks, so the loop is compiled as a method and not only by on-stack replacement
      for (int i = 0; i < windows; i += 1000) loss += train(i, Math.min(windows, i + 1000));
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!(loss / windows < 10)) throw new IllegalStateException(name + " diverged: " + loss);
      return seconds;
    }
  }

  /** The columns of {@code l} for the word ids of one window, into {@code columns}. */
  static double[][] gather(double[][] l, int[] window, double[][] columns) {
    for (int c = 0; c < window.length; c++) columns[c] = l[window[c]];
    return columns;
  }

  static float[][] gather(float[][] l, int[] window, float[][] columns) {
    for (int c = 0; c < window.length; c++) columns[c] = l[window[c]];
    return columns;
  }

  static List<Contender> contenders(Windows w) {
    DenseParameters dense = w.start().dense();
    Hyperparameters hp = w.start().hyperparameters();
    List<Contender> all = new ArrayList<>();

    all.add(
        new Contender("plain", "plain Java double loop over double[][] (the yardstick)", w) {
          PlainLoop loop;
          double[][] l;
          final double[][] columns = new double[hp.windowSize()][];

          @Override
          void reset() {
            loop = new PlainLoop(dense);
            l = w.doubleVectors();
          }

          @Override
          double step(int i) {
            return loop.step(gather(l, ids[i], columns), labels[i], LEARNING_RATE, decay);
          }
        });

    all.add(
        new Contender("fast", "double fused fast path (DoubleKernel)", w) {
          DenseParameters p;
          double[][] l;
          final double[][] columns = new double[hp.windowSize()][];
          final DoubleKernel ws = new DoubleKernel(hp);

          @Override
          void reset() {
            p = dense.copy();
            l = w.doubleVectors();
          }

          @Override
          double step(int i) {
            return ws.sgdStep(p, gather(l, ids[i], columns), labels[i], LEARNING_RATE, decay);
          }
        });

    all.add(
        new Contender(
            "reference", "double EJML reference (ReferenceNetwork, allocates per step)", w) {
          ReferenceNetwork.Parameters p;
          double[][] l;
          final double[][] columns = new double[hp.windowSize()][];

          @Override
          void reset() {
            p = ReferenceNetwork.Parameters.of(dense);
            l = w.doubleVectors();
          }

          @Override
          double step(int i) {
            return ReferenceNetwork.sgdStep(
                p, gather(l, ids[i], columns), labels[i], LEARNING_RATE, decay);
          }
        });

    all.add(
        trainContender(
            w, "train", "streamner train (float, the default): its epoch", Precision.FLOAT));
    all.add(
        trainContender(
            w, "train_double", "streamner train --precision double: its epoch", Precision.DOUBLE));

    all.add(
        floatContender(
            w,
            "float_fastest",
            "float kernel (FloatKernel), " + FloatKernel.fastestDescription(),
            new FloatKernel(hp)));
    all.add(
        floatContender(
            w,
            "float_scalar",
            "float kernel, its scalar fallback",
            FloatKernel.scalar(hp.inputSize(), hp.hidden(), 1)));
    return all;
  }

  /** {@link Trainer}'s epoch on a model of {@code precision}, timed by the epoch's own clock. */
  static Contender trainContender(Windows w, String key, String name, Precision precision) {
    Hyperparameters hp = w.start().hyperparameters();
    DenseParameters dense = w.start().dense();
    return new Contender(key, name, w) {
      NerModel model;

      @Override
      void reset() {
        NerModel m = w.start();
        model =
            new NerModel(
                    m.entity(),
                    hp,
                    m.normalizer(),
                    m.vocabulary(),
                    w.doubleVectors(),
                    dense.copy(),
                    0,
                    0)
                .in(precision);
      }

      @Override
      double step(int i) {
        throw new UnsupportedOperationException("Trainer trains whole epochs");
      }

      /** The warm-up: an epoch of the windows [from, to), whose C/m has m = to - from. */
      @Override
      double train(int from, int to) {
        double[] loss = new double[1];
        Trainer.train(
            model,
            new TrainingSet(
                Arrays.copyOfRange(ids, from, to), null, Arrays.copyOfRange(labels, from, to)),
            1,
            false,
            r -> loss[0] = r.meanLoss() * r.examples());
        return loss[0];
      }

      /** The epoch's own clock, as {@code train} prints it; its decay is C / m of all. */
      @Override
      double timePass(int windows) {
        reset();
        train(0, Math.min(WARM_UP, windows));
        reset();
        double[] seconds = new double[1];
        Trainer.train(model, w.data(), 1, false, r -> seconds[0] = r.seconds());
        return seconds[0];
      }
    };
  }

  static Contender floatContender(Windows w, String key, String name, FloatKernel ws) {
    Hyperparameters hp = w.start().hyperparameters();
    return new Contender(key, name, w) {
      FloatParameters p;
      float[][] l;
      final float[][] columns = new float[hp.windowSize()][];

      @Override
      void reset() {
        p = FloatParameters.of(w.start().dense());
        l = w.floatVectors();
      }

      @Override
      double step(int i) {
        return ws.sgdStep(p, gather(l, ids[i], columns), labels[i], LEARNING_RATE, decay);
      }
    };
  }

  /**
   * One contender's figures: the fastest pass in windows/s, its ratio to the plain loop's fastest,
   * and every pass.
   */
  record Result(
      String key, String name, double windowsPerSecond, double overPlain, List<Double> passes) {}

  /** What the yardstick measured. */
  record Report(
      String corpus,
      int windows,
      int vocabulary,
      int rounds,
      String floatKernel,
      Map<String, Result> results) {}

  /** Builds the windows from {@code btcTrain} and times every contender {@code rounds} times. */
  static Report run(Path btcTrain, int rounds, Progress progress) throws IOException {
    Windows w = Windows.of(btcTrain);
    progress.info(
        "yardstick: %s, %,d windows (%s), vocabulary %,d words, n=%d",
        btcTrain,
        w.size(),
        ENTITY,
        w.start().vocabulary().size(),
        w.start().hyperparameters().dim());
    String export = System.getProperty("bench.yardstick.export");
    if (export != null && !export.isBlank()) {
      export(w, Path.of(export));
      progress.info("yardstick: windows and starting model written to %s", export);
    }
    List<Contender> contenders = contenders(w);
    Map<String, List<Double>> passes = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (Contender contender : contenders) {
        double seconds = contender.timePass(w.size());
        double perSecond = w.size() / seconds;
        passes.computeIfAbsent(contender.key, k -> new ArrayList<>()).add(perSecond);
        progress.info(
            "yardstick: pass %d of %d, %-14s %,9.0f windows/s (%.1f s)",
            round, rounds, contender.key, perSecond, seconds);
      }
    }
    double plain = best(passes.get("plain"));
    Map<String, Result> results = new LinkedHashMap<>();
    for (Contender contender : contenders) {
      double best = best(passes.get(contender.key));
      results.put(
          contender.key,
          new Result(contender.key, contender.name, best, best / plain, passes.get(contender.key)));
    }
    return new Report(
        btcTrain.toString(),
        w.size(),
        w.start().vocabulary().size(),
        rounds,
        FloatKernel.fastestDescription(),
        results);
  }

  private static double best(List<Double> passes) {
    return passes.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /**
   * Writes the windows and the starting model for an outside program, little-endian: int32 m, C, n,
   * H, V; float64 learning rate, decay; int32 word ids (m x C, window by window); int32 labels (m);
   * float64 W (H x nC, row-major), b1 (H), U (H), b2; float64 L (V x n, word by word).
   */
  static void export(Windows w, Path file) throws IOException {
    Hyperparameters hp = w.start().hyperparameters();
    DenseParameters d = w.start().dense();
    double[][] l = w.start().vectors();
    try (DataOutputStream out =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : new int[] {w.size(), hp.windowSize(), hp.dim(), hp.hidden(), l.length})
        out.write(b.clear().putInt(v).array(), 0, 4);
      for (double v : new double[] {LEARNING_RATE, w.decay()})
        out.write(b.clear().putDouble(v).array(), 0, 8);
      for (int[] window : w.data().windows())
        for (int id : window) out.write(b.clear().putInt(id).array(), 0, 4);
      for (int y : w.data().labels()) out.write(b.clear().putInt(y).array(), 0, 4);
      for (double v : d.flatten()) out.write(b.clear().putDouble(v).array(), 0, 8);
      for (double[] vector : l)
        for (double v : vector) out.write(b.clear().putDouble(v).array(), 0, 8);
    }
  }

  /**
   * The yardstick alone: {@code Yardstick [rounds]} (default 1), on the btc.train of {@code
   * streamner.shared.data}.
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    Report r = run(SharedData.root().resolve("btc/btc.train"), rounds, new Progress());
    for (Result result : r.results().values()) {
      System.out.printf(
          Locale.ROOT,
          "%-14s %,9.0f windows/s  %5.2fx plain  %s%n",
          result.key(),
          result.windowsPerSecond(),
          result.overPlain(),
          result.name());
    }
  }
}
