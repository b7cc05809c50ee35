package io.streamner.cli;

import io.streamner.eval.Evaluator;
import io.streamner.eval.LookupBaseline;
import io.streamner.eval.Scores;
import io.streamner.eval.TokenDecisions;
import io.streamner.json.Json;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.Trainer;
import io.streamner.model.TrainingSet;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.EntityTags;
import io.streamner.text.PretrainedVectors;
import io.streamner.text.Sentence;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamner train}: offline training of one binary model, with per-epoch progress. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Train a binary tagger for one entity type and write the model file.")
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--train",
      required = true,
      paramLabel = "FILE",
      description = "Labelled training corpus.")
  Path train;

  @Option(
      names = "--dev",
      paramLabel = "FILE",
      description = "Labelled corpus scored after every epoch.")
  Path dev;

  @Option(
      names = "--entity",
      required = true,
      paramLabel = "TYPE",
      description = "Entity type to tag, e.g. PER (PERSON, B-PER, I-person... all count).")
  String entity;

  @Option(
      names = "--format",
      paramLabel = "NAME",
      description = "Force the corpus format: conll, tsv, jsonl.")
  String format;

  @Option(
      names = "--vectors",
      paramLabel = "FILE",
      description =
          "Pretrained word vectors: GloVe text, or with --vocab the aligned wordVectors.txt.")
  Path vectors;

  @Option(
      names = "--vocab",
      paramLabel = "FILE",
      description = "Vocabulary, one word a line (with --vectors: the aligned vocab.txt).")
  Path vocab;

  @Option(
      names = "--min-count",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Training words seen at least N times get a vector of their own (default: ${DEFAULT-VALUE}); "
              + "with --vocab the vocabulary is exactly the file's.")
  int minCount;

  @Option(names = "--numbers", description = "Map every number to one token.")
  boolean numbers;

  @Option(names = "--window", paramLabel = "C", description = "Window size, odd (default: 5).")
  Integer window;

  @Option(names = "--hidden", paramLabel = "H", description = "Hidden units (default: 100).")
  Integer hidden;

  @Option(
      names = "--dim",
      paramLabel = "N",
      description = "Word vector size (default: the vectors' size, else 50).")
  Integer dim;

  @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.01).")
  Double learningRate;

  @Option(
      names = "--reg",
      paramLabel = "C",
      description = "L2 regularisation C of the cost (default: 0.0001).")
  Double regularization;

  @Option(
      names = "--precision",
      paramLabel = "P",
      description =
          "double (the specification's model, default) or float (the SIMD kernel: about 4x faster,"
              + " half the memory); with --init the model is converted (rounded once to float).")
  String precision;

  @Option(
      names = "--epochs",
      paramLabel = "K",
      defaultValue = "2",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of initialisation and shuffling (default: 42).")
  Long seed;

  @Option(
      names = "--shuffle",
      description = "Shuffle the windows every epoch (default: corpus order).")
  boolean shuffle;

  @Option(
      names = "--init",
      paramLabel = "MODEL",
      description = "Continue training this model file.")
  Path init;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL",
      description = "Where to write the model file.")
  Path out;

  @Option(names = "--json", description = "End stdout with one JSON object of the results.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (epochs < 0) throw new UserError("--epochs must be zero or more, got " + epochs);
    String type = canonical(entity);

    List<Sentence> training = Corpora.readLabelled(train, format, type, true, err);
    List<Sentence> development =
        dev == null ? null : Corpora.readLabelled(dev, format, type, false, err);

    NerModel model = init != null ? warmStart(type, err) : fresh(type, training, out);
    Hyperparameters hp = model.hyperparameters();
    TrainingSet data = TrainingSet.of(model, training);
    out.printf(
        "train: %s: %,d sentences, %,d windows, %,d of them %s%n",
        train, training.size(), data.size(), data.positives(), type);
    out.printf(
        "model: %s  C=%d n=%d H=%d lr=%s reg=%s seed=%d%s  vocabulary %,d words%n",
        type,
        hp.windowSize(),
        hp.dim(),
        hp.hidden(),
        hp.learningRate(),
        hp.regularization(),
        hp.seed(),
        hp.precision() == Precision.DOUBLE ? "" : " precision=" + hp.precision(),
        model.vocabulary().size());

    Scores baseline = null;
    if (development != null) {
      LookupBaseline lookup = LookupBaseline.train(training, type, model.normalizer());
      baseline = Evaluator.evaluate(type, development, lookup::tag);
      out.printf("dev baseline (majority label per word): token %s%n", baseline.token());
    }

    List<Epoch> epochReports = new ArrayList<>();
    List<Scores> devScores = new ArrayList<>();
    double[] speed = new double[1];
    Trainer.train(
        model,
        data,
        epochs,
        shuffle,
        report -> {
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      "epoch %d/%d  %.1f s  %,.0f examples/s  cost %.5f",
                      report.epoch(),
                      report.epochs(),
                      report.seconds(),
                      report.examplesPerSecond(),
                      report.cost()));
          Scores s = null;
          if (development != null) {
            s =
                Evaluator.evaluate(
                    type, development, Tagging.tagger(model, TokenDecisions.THRESHOLD));
            devScores.add(s);
            line.append("  dev token ")
                .append(s.token())
                .append("  span F1 ")
                .append(String.format("%.4f", s.span().f1()));
          }
          epochReports.add(
              new Epoch(
                  report.epoch(),
                  report.seconds(),
                  report.examplesPerSecond(),
                  report.meanLoss(),
                  report.cost(),
                  s));
          speed[0] = report.examplesPerSecond();
          out.println(line);
          out.flush();
        });

    ModelFile.write(model, this.out);
    out.printf("wrote %s (%,d examples trained in all)%n", this.out, model.examplesTrained());
    if (json) {
      Result result =
          new Result(
              type,
              this.out.toString(),
              speed[0],
              data.size(),
              model.vocabulary().size(),
              devScores.isEmpty() ? null : devScores.get(devScores.size() - 1),
              baseline,
              epochReports);
      out.println(Json.MAPPER.writeValueAsString(result));
    }
    return 0;
  }

  /** What --json prints; the dev scores are those of the last epoch. */
  private record Result(
      String entity,
      String model,
      double examplesPerSecond,
      long trainingWindows,
      int vocabulary,
      Scores dev,
      Scores devBaseline,
      List<Epoch> epochs) {}

  /** One epoch in --json. */
  private record Epoch(
      int epoch,
      double seconds,
      double examplesPerSecond,
      double meanLoss,
      double cost,
      Scores dev) {}

  private NerModel fresh(String type, List<Sentence> training, PrintWriter out) throws IOException {
    TokenNormalizer normalizer = new TokenNormalizer(numbers);
    PretrainedVectors pretrained = loadVectors(out);
    int n;
    if (pretrained != null) {
      if (dim != null && dim != pretrained.dim()) {
        throw new UserError(
            "--dim "
                + dim
                + " does not match the vectors in "
                + vectors
                + ", which have "
                + pretrained.dim()
                + " dimensions");
      }
      n = pretrained.dim();
    } else {
      n = dim != null ? dim : Hyperparameters.DEFAULT_DIM;
    }
    Hyperparameters hp =
        new Hyperparameters(
            window != null ? window : Hyperparameters.DEFAULT_WINDOW,
            n,
            hidden != null ? hidden : Hyperparameters.DEFAULT_HIDDEN,
            learningRate != null ? learningRate : Hyperparameters.DEFAULT_LEARNING_RATE,
            regularization != null ? regularization : Hyperparameters.DEFAULT_REGULARIZATION,
            seed != null ? seed : Hyperparameters.DEFAULT_SEED,
            precision());

    Set<String> words = new LinkedHashSet<>();
    if (vocab != null) {
      words.addAll(PretrainedVectors.readWords(vocab));
    } else {
      if (pretrained != null) words.addAll(pretrained.words());
      words.addAll(VocabularyBuilder.frequentWords(training, normalizer, minCount));
    }
    Vocabulary vocabulary = Vocabulary.of(words);
    double[][] l = WordVectors.initialise(vocabulary, pretrained, hp.seed(), hp.dim());
    return NerModel.initialise(type, hp, normalizer, vocabulary, l);
  }

  private PretrainedVectors loadVectors(PrintWriter out) throws IOException {
    if (vectors == null) return null;
    long start = System.nanoTime();
    PretrainedVectors v =
        vocab != null
            ? PretrainedVectors.readAligned(vocab, vectors)
            : PretrainedVectors.readGlove(vectors);
    out.printf(
        "vectors: %s: %,d words, n=%d (%.1f s)%n",
        vectors, v.words().size(), v.dim(), (System.nanoTime() - start) / 1e9);
    if (!v.problems().isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "warning: %s: skipped %d lines, first: %s%n",
              vectors, v.problems().size(), v.problems().get(0));
    }
    return v;
  }

  /**
   * --init: the model file's shape and vocabulary; learning rate, regularisation and seed may be
   * changed.
   */
  private NerModel warmStart(String type, PrintWriter err) throws IOException {
    for (Object shapeOption : new Object[] {vectors, vocab, window, hidden, dim}) {
      if (shapeOption != null) {
        throw new UserError(
            "--init takes the model's vocabulary and shape; drop --vectors, --vocab, --window, "
                + "--hidden and --dim");
      }
    }
    NerModel base = ModelFile.read(init);
    if (!base.entity().equals(type)) {
      throw new UserError(init + " is a model for " + base.entity() + ", not " + type);
    }
    if (precision != null) base = base.in(precision());
    Hyperparameters old = base.hyperparameters();
    Hyperparameters hp =
        new Hyperparameters(
            old.windowSize(),
            old.dim(),
            old.hidden(),
            learningRate != null ? learningRate : old.learningRate(),
            regularization != null ? regularization : old.regularization(),
            seed != null ? seed : old.seed(),
            old.precision());
    return new NerModel(
        type,
        hp,
        base.normalizer(),
        base.vocabulary(),
        base.parameters(),
        base.examplesTrained(),
        base.epochsTrained());
  }

  /** --precision, double when not given. */
  private Precision precision() {
    if (precision == null) return Precision.DOUBLE;
    try {
      return Precision.of(precision);
    } catch (IllegalArgumentException e) {
      throw new UserError("--precision: " + e.getMessage());
    }
  }

  static String canonical(String entity) {
    try {
      return EntityTags.canonicalEntity(entity);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
