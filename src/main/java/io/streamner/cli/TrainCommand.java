package io.streamner.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.streamner.eval.EntityScores;
import io.streamner.eval.Evaluator;
import io.streamner.eval.LookupBaseline;
import io.streamner.eval.TokenDecisions;
import io.streamner.eval.TypedScores;
import io.streamner.json.Json;
import io.streamner.model.FloatKernel;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.Trainer;
import io.streamner.model.TrainingSet;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.EntityTags;
import io.streamner.text.PretrainedVectors;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamner train}: offline training of a binary model of one entity type ({@code --entity})
 * or a typed model of several ({@code --types}), with per-epoch progress.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Train a tagger and write the model file: a binary one for one entity type (--entity), or"
            + " one typed model for several (--types).")
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

  @ArgGroup(exclusive = true, multiplicity = "1")
  Kind kind;

  /** What to tag: one type (a binary model) or several (a typed model). */
  static final class Kind {
    @Option(
        names = "--entity",
        required = true,
        paramLabel = "TYPE",
        description =
            "A binary model of one entity type, e.g. PER (PERSON, B-PER, I-person... all count).")
    String entity;

    @Option(
        names = "--types",
        required = true,
        paramLabel = "TYPES",
        description =
            "A typed model of these types, comma-separated (PER,LOC,ORG,MISC), or 'all': every"
                + " type in the training data.")
    String types;
  }

  @Option(
      names = "--scheme",
      paramLabel = "BIO|BIOES",
      description = "Tag scheme of a typed model (default: BIOES).")
  String scheme;

  @Option(
      names = "--calibrate",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "With --types and --dev: after training, choose on the dev set the weight of the O tag in"
              + " decoding (one of 0.05 to 2) that gives the best strict entity F1, and keep it in"
              + " the model (default: on; --no-calibrate keeps the model as trained).")
  boolean calibrate;

  @Option(
      names = "--caps",
      negatable = true,
      description =
          "Capitalisation features: a learned vector per capitalisation class of each window word"
              + " (default: on for --types, off for --entity).")
  Boolean caps;

  @Option(
      names = "--caps-dim",
      paramLabel = "K",
      description = "Values per capitalisation vector (default: 5).")
  Integer capsDim;

  @Option(
      names = "--features",
      paramLabel = "LIST",
      description =
          "Token features beside the capitalisation class, comma-separated: shape (X/x/d with"
              + " runs collapsed, punctuation kept), prefix and suffix (the 2-, 3- and"
              + " 4-character affixes), each a learned vector hashed into a bounded table; needs"
              + " capitalisation features; none for none (default: shape,prefix,suffix for"
              + " --types with capitalisation features, none for --entity).")
  String features;

  @Option(
      names = "--feature-buckets",
      paramLabel = "B",
      description =
          "Rows of the hashed token feature table, 1 to "
              + TokenFeatures.MAX_BUCKETS
              + " (default: "
              + TokenFeatures.DEFAULT_BUCKETS
              + ").")
  Integer featureBuckets;

  @Mixin CorpusFormatOption format;

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
      names = "--lr-decay",
      paramLabel = "D",
      description =
          "Step size schedule: the step after t windows is lr / (1 + D t) (default: "
              + Hyperparameters.DEFAULT_TYPED_LEARNING_RATE_DECAY
              + " for a typed model, 0 for a binary one: the specification's constant step); with"
              + " --init, the model's unless given.")
  Double learningRateDecay;

  @Option(
      names = "--vector-lr-factor",
      paramLabel = "F",
      description =
          "The word and capitalisation vectors step at F times the learning rate, the rest of"
              + " the network at the learning rate (default: "
              + Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR
              + " for a typed model, 1 for a binary one: the specification's one step size); with"
              + " --init, the model's unless given.")
  Double vectorLearningRateFactor;

  @Option(
      names = "--reg",
      paramLabel = "C",
      description = "L2 regularisation C of the cost (default: 0.0001).")
  Double regularization;

  @Option(
      names = "--precision",
      paramLabel = "P",
      description =
          "float (default: the SIMD kernel, several times faster, half the memory) or double"
              + " (the specification's model, bit for bit), for binary (--entity) and typed"
              + " (--types) models; with --init the model keeps its precision unless this is"
              + " given (double to float rounds once).")
  String precision;

  /** Epochs unless --epochs says: the dev sets chose more for a typed model (with its schedule). */
  static final int BINARY_EPOCHS = 2;

  static final int TYPED_EPOCHS = 8;

  @Option(
      names = "--epochs",
      paramLabel = "K",
      description =
          "Epochs (default: "
              + BINARY_EPOCHS
              + " for a binary model, "
              + TYPED_EPOCHS
              + " for a typed one).")
  Integer epochs;

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

  @Mixin ModelOutOption modelOut;

  @Option(names = "--json", description = "End stdout with one JSON object of the results.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (epochs != null && epochs < 0)
      throw new UserError("--epochs must be zero or more, got " + epochs);
    if (capsDim != null && capsDim < 1) {
      throw new UserError("--caps-dim must be 1 or more, got " + capsDim);
    }
    precision(); // a wrong --precision is said before the corpus and vectors are read
    return kind.entity != null ? trainBinary() : trainTyped();
  }

  private int trainBinary() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (scheme != null) throw new UserError("--scheme is for typed models (--types)");
    String type = canonical(kind.entity);
    List<Sentence> training = Corpora.readLabelled(train, format.name, type, true, err);
    List<Sentence> development =
        dev == null ? null : Corpora.readLabelled(dev, format.name, type, false, err);

    NerModel model = init != null ? warmStart(type, err) : fresh(type, training, out);
    TrainingSet data = TrainingSet.of(model, training);
    out.printf(
        "train: %s: %,d sentences, %,d windows, %,d of them %s%n",
        train, training.size(), data.size(), data.positives(), type);
    describe(out, type, model.input());

    EntityScores baseline = null;
    if (development != null) {
      LookupBaseline lookup = LookupBaseline.train(training, type, model.normalizer());
      baseline = Evaluator.evaluate(type, development, lookup::tag);
      out.printf("dev baseline (majority label per word): token %s%n", baseline.token());
    }
    Progress progress = new Progress(out);
    Trainer.train(
        model,
        data,
        epochs != null ? epochs : BINARY_EPOCHS,
        shuffle,
        progress.listener(
            development == null
                ? null
                : () -> {
                  EntityScores s =
                      Evaluator.evaluate(
                          type, development, Tagging.decisions(model, TokenDecisions.THRESHOLD));
                  return new DevScores(
                      s,
                      "  dev token " + s.token() + String.format("  span F1 %.4f", s.span().f1()));
                }));
    return finish(model, data, new Result(type, null, null, baseline, null), progress);
  }

  private int trainTyped() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Sentence> training = Corpora.readLabelled(train, format.name, err);
    List<String> types = types(training);
    Corpora.requireTypes(train, training, types, true, err);
    List<Sentence> development =
        dev == null ? null : Corpora.readLabelled(dev, format.name, types, false, err);

    TypedModel model = init != null ? warmStartTyped(types) : freshTyped(types, training, out);
    TrainingSet data = TrainingSet.of(model, training);
    String name = String.join(",", model.types());
    out.printf(
        "train: %s: %,d sentences, %,d windows, %,d of them in an entity of %s%n",
        train, training.size(), data.size(), data.positives(), name);
    describe(
        out,
        name + " (" + model.tagSet().scheme() + ", " + model.tagSet().size() + " tags)",
        model.input());

    TypedScores baseline = null;
    if (development != null) {
      LookupBaseline lookup =
          LookupBaseline.train(training, model.tagSet(), model.input().normalizer());
      baseline =
          Evaluator.evaluateTyped(
              model.types(), development, tokens -> model.tagSet().labels(lookup.labels(tokens)));
      out.printf(
          "dev baseline (majority tag per word): entity %s%n", baseline.entities().overall());
    }
    Progress progress = new Progress(out);
    Function<List<String>, List<String>> labels =
        Tagging.of(model, TokenDecisions.THRESHOLD).andThen(Tagging.Tagged::labels);
    Trainer.train(
        model,
        data,
        epochs != null ? epochs : TYPED_EPOCHS,
        shuffle,
        progress.listener(
            development == null
                ? null
                : () -> {
                  TypedScores s = Evaluator.evaluateTyped(model.types(), development, labels);
                  return new DevScores(
                      s,
                      "  dev entity "
                          + s.entities().overall()
                          + String.format("  token F1 %.4f", s.tokens().overall().f1()));
                }));
    OutsideWeight.Choice calibration = null;
    if (development != null && calibrate) {
      OutsideWeight.Choice chosen = OutsideWeight.calibrate(model, development);
      // The figure the written model gives, as eval prints it (the shift is rounded in float).
      double after =
          Evaluator.evaluateTyped(model.types(), development, labels).entities().overall().f1();
      calibration = new OutsideWeight.Choice(chosen.weight(), chosen.devF1Before(), after);
      out.printf(
          "calibrated on dev: weight of O %s%s: dev entity F1 %.4f -> %.4f%n",
          chosen.weight(),
          chosen.weight() == 1 ? " (the model as trained)" : " (b2 of O += ln w)",
          chosen.devF1Before(),
          after);
    }
    Result result =
        new Result(null, model.types(), model.tagSet().scheme().name(), baseline, calibration);
    return finish(model, data, result, progress);
  }

  /** The model's line: its types, shape and settings. */
  private static void describe(PrintWriter out, String what, WindowInput input) {
    Hyperparameters hp = input.hyperparameters();
    out.printf(
        "model: %s  C=%d n=%d%s H=%d lr=%s%s reg=%s seed=%d%s  vocabulary %,d words%n",
        what,
        hp.windowSize(),
        hp.dim(),
        (input.capitalizationDim() > 0 ? " caps k=" + input.capitalizationDim() : "")
            + (hp.tokenFeatures() == null
                ? ""
                : " features="
                    + hp.tokenFeatures().keys()
                    + " buckets="
                    + hp.tokenFeatures().buckets()),
        hp.hidden(),
        hp.learningRate(),
        (hp.learningRateDecay() == null ? "" : " lr-decay=" + hp.learningRateDecay())
            + (hp.vectorLearningRateFactor() == null
                ? ""
                : " vector-lr-factor=" + hp.vectorLearningRateFactor()),
        hp.regularization(),
        hp.seed(),
        " precision=" + hp.precision(),
        input.vocabulary().size());
    out.println("kernel: " + kernel(hp.precision()));
  }

  /** Which loops train: a user who forgot the Vector API sees it here, not only in a log line. */
  static String kernel(Precision precision) {
    return precision == Precision.DOUBLE
        ? "double (the specification's model, exact)"
        : "float, " + FloatKernel.fastestDescription();
  }

  /** Writes the model, and with --json the results. */
  private int finish(TaggingModel model, TrainingSet data, Result kindResult, Progress progress)
      throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ModelFile.write(model, modelOut.path);
    out.printf("wrote %s (%,d examples trained in all)%n", modelOut.path, model.examplesTrained());
    if (json) {
      Object lastDev =
          progress.epochs.isEmpty() ? null : progress.epochs.get(progress.epochs.size() - 1).dev();
      out.println(
          Json.MAPPER.writeValueAsString(
              new JsonResult(
                  kindResult.entity(),
                  kindResult.types(),
                  kindResult.scheme(),
                  modelOut.path.toString(),
                  progress.examplesPerSecond,
                  data.size(),
                  model.input().vocabulary().size(),
                  lastDev,
                  kindResult.devBaseline(),
                  kindResult.calibration(),
                  progress.epochs)));
    }
    return 0;
  }

  /** What kind of model --json reports on: one entity, or types and a scheme. */
  private record Result(
      String entity,
      List<String> types,
      String scheme,
      Object devBaseline,
      OutsideWeight.Choice calibration) {}

  /** What --json prints; the dev scores are those of the last epoch. */
  private record JsonResult(
      String entity,
      List<String> types,
      String scheme,
      String model,
      double examplesPerSecond,
      long trainingWindows,
      int vocabulary,
      Object dev,
      Object devBaseline,
      @JsonInclude(JsonInclude.Include.NON_NULL) OutsideWeight.Choice calibration,
      List<Epoch> epochs) {}

  /** One epoch in --json. */
  private record Epoch(
      int epoch,
      double seconds,
      double examplesPerSecond,
      double meanLoss,
      double cost,
      Object dev) {}

  /** An epoch's scores on the dev set, for --json, and as its line shows them. */
  private record DevScores(Object scores, String line) {}

  /** Prints each epoch's line and keeps it for --json. */
  private static final class Progress {
    final PrintWriter out;
    final List<Epoch> epochs = new ArrayList<>();
    double examplesPerSecond;

    Progress(PrintWriter out) {
      this.out = out;
    }

    /** Prints each epoch, with the dev scores {@code dev} gives when there is a dev set. */
    Trainer.Listener listener(Supplier<DevScores> dev) {
      return report -> epoch(report, dev == null ? new DevScores(null, "") : dev.get());
    }

    private void epoch(Trainer.EpochReport report, DevScores dev) {
      out.println(
          String.format(
                  "epoch %d/%d  %.1f s  %,.0f examples/s  cost %.5f",
                  report.epoch(),
                  report.epochs(),
                  report.seconds(),
                  report.examplesPerSecond(),
                  report.cost())
              + dev.line());
      out.flush();
      epochs.add(
          new Epoch(
              report.epoch(),
              report.seconds(),
              report.examplesPerSecond(),
              report.meanLoss(),
              report.cost(),
              dev.scores()));
      examplesPerSecond = report.examplesPerSecond();
    }
  }

  /** The types of --types: as listed (canonical, no repeats), or with 'all' every type present. */
  private List<String> types(List<Sentence> training) {
    if (kind.types.strip().equalsIgnoreCase("all")) {
      List<String> present = new ArrayList<>(EntityTags.countTypes(training).keySet());
      if (present.isEmpty()) throw new UserError(train + ": no token is tagged with any type");
      present.sort(null);
      return present;
    }
    Set<String> types = new LinkedHashSet<>();
    for (String type : kind.types.split(",", -1)) {
      if (!types.add(canonical(type))) {
        throw new UserError("--types names " + canonical(type) + " twice");
      }
    }
    return new ArrayList<>(types);
  }

  private NerModel fresh(String type, List<Sentence> training, PrintWriter out) throws IOException {
    WindowInput input = freshInput(training, Boolean.TRUE.equals(caps), false, out).in(precision());
    return NerModel.initialise(
        type, withSchedule(input, learningRateDecay, vectorLearningRateFactor));
  }

  private TypedModel freshTyped(List<String> types, List<Sentence> training, PrintWriter out)
      throws IOException {
    TagSet.Scheme s =
        UserError.ifRefused(
            () -> scheme == null ? TagSet.Scheme.BIOES : TagSet.Scheme.parse(scheme));
    WindowInput input =
        freshInput(training, !Boolean.FALSE.equals(caps), true, out).in(precision());
    Double decay =
        learningRateDecay != null
            ? learningRateDecay
            : Hyperparameters.DEFAULT_TYPED_LEARNING_RATE_DECAY;
    Double factor =
        vectorLearningRateFactor != null
            ? vectorLearningRateFactor
            : Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR;
    return TypedModel.initialise(new TagSet(s, types), withSchedule(input, decay, factor));
  }

  private static WindowInput withSchedule(WindowInput input, Double decay, Double factor) {
    Hyperparameters hp =
        UserError.ifRefused(
            "--lr-decay: ", () -> input.hyperparameters().withLearningRateDecay(decay));
    return UserError.ifRefused(
        "--vector-lr-factor: ", () -> input.with(hp.withVectorLearningRateFactor(factor)));
  }

  /**
   * Vocabulary, L (and E) and hyper-parameters of a new model, from the options, in double (a float
   * model rounds them: {@link WindowInput#in}).
   */
  private WindowInput freshInput(
      List<Sentence> training, boolean capitalization, boolean typed, PrintWriter out)
      throws IOException {
    if (!capitalization && capsDim != null) {
      throw new UserError("--caps-dim sets capitalisation features, which are off (--caps)");
    }
    TokenFeatures tokenFeatures = tokenFeatures(typed && capitalization);
    if (!capitalization && tokenFeatures != null) {
      throw new UserError(
          "--features needs capitalisation features, which are off (--caps): the token feature"
              + " vectors are rows of the same table");
    }
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
            seed != null ? seed : Hyperparameters.DEFAULT_SEED);
    hp = hp.withTokenFeatures(tokenFeatures);

    Set<String> words = new LinkedHashSet<>();
    if (vocab != null) {
      words.addAll(PretrainedVectors.readWords(vocab));
    } else {
      if (pretrained != null) words.addAll(pretrained.words());
      words.addAll(VocabularyBuilder.frequentWords(training, normalizer, minCount));
    }
    Vocabulary vocabulary = Vocabulary.of(words);
    double[][] l = WordVectors.initialise(vocabulary, pretrained, hp.seed(), hp.dim());
    int k =
        !capitalization ? 0 : capsDim != null ? capsDim : WindowInput.DEFAULT_CAPITALIZATION_DIM;
    return new WindowInput(
        hp, normalizer, vocabulary, l, WindowInput.initialCapitals(hp.features(), k, hp.seed()));
  }

  /**
   * --features and --feature-buckets, or null for none.
   *
   * @param byDefault whether the model has token features unless --features says otherwise
   */
  private TokenFeatures tokenFeatures(boolean byDefault) {
    Set<TokenFeatures.Kind> kinds =
        features == null
            ? (byDefault ? TokenFeatures.typedDefault().kinds() : Set.of())
            : UserError.ifRefused("--features: ", () -> TokenFeatures.parse(features));
    if (kinds.isEmpty()) {
      if (featureBuckets != null) {
        throw new UserError(
            "--feature-buckets sizes the token features, which are off (--features)");
      }
      return null;
    }
    int buckets = featureBuckets != null ? featureBuckets : TokenFeatures.DEFAULT_BUCKETS;
    return UserError.ifRefused("--feature-buckets: ", () -> new TokenFeatures(kinds, buckets));
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
    TaggingModel base = warmBase();
    if (!(base instanceof NerModel binary)) {
      throw new UserError(
          init
              + " is a typed model of "
              + String.join(", ", base.types())
              + "; continue it with --types, not --entity");
    }
    if (!binary.entity().equals(type)) {
      throw new UserError(init + " is a model for " + binary.entity() + ", not " + type);
    }
    if (precision != null) binary = binary.in(precision());
    return new NerModel(
        type,
        warmInput(binary.input()),
        binary.weights(),
        binary.examplesTrained(),
        binary.epochsTrained());
  }

  /** --init of a typed model: its tag set must have the types asked for. */
  private TypedModel warmStartTyped(List<String> types) throws IOException {
    TaggingModel base = warmBase();
    if (!(base instanceof TypedModel typed)) {
      throw new UserError(
          init
              + " is a binary model of "
              + base.types().get(0)
              + "; continue it with --entity, not --types");
    }
    if (!new HashSet<>(typed.types()).equals(new HashSet<>(types))) {
      throw new UserError(
          init
              + " is a model of "
              + String.join(",", typed.types())
              + ", not "
              + String.join(",", types));
    }
    if (scheme != null && TagSet.Scheme.parse(scheme) != typed.tagSet().scheme()) {
      throw new UserError(init + " uses the scheme " + typed.tagSet().scheme() + ", not " + scheme);
    }
    if (precision != null) typed = typed.in(precision());
    return new TypedModel(
        typed.tagSet(),
        warmInput(typed.input()),
        typed.weights(),
        typed.examplesTrained(),
        typed.epochsTrained());
  }

  private TaggingModel warmBase() throws IOException {
    for (Object shapeOption :
        new Object[] {
          vectors, vocab, window, hidden, dim, caps, capsDim, features, featureBuckets
        }) {
      if (shapeOption != null) {
        throw new UserError(
            "--init takes the model's vocabulary and shape; drop --vectors, --vocab, --window, "
                + "--hidden, --dim, --caps, --caps-dim, --features and --feature-buckets");
      }
    }
    return ModelFile.readModel(init);
  }

  /**
   * The input of a model file, with learning rate, regularisation and seed from the options (its
   * shape and precision stay).
   */
  private WindowInput warmInput(WindowInput old) {
    Hyperparameters o = old.hyperparameters();
    return old.with(
        new Hyperparameters(
            o.windowSize(),
            o.dim(),
            o.hidden(),
            learningRate != null ? learningRate : o.learningRate(),
            regularization != null ? regularization : o.regularization(),
            seed != null ? seed : o.seed(),
            o.precision(),
            learningRateDecay != null ? learningRateDecay : o.learningRateDecay(),
            vectorLearningRateFactor != null
                ? vectorLearningRateFactor
                : o.vectorLearningRateFactor(),
            o.tokenFeatures()));
  }

  /** --precision, float when not given. */
  private Precision precision() {
    if (precision == null) return Precision.FLOAT;
    return UserError.ifRefused("--precision: ", () -> Precision.of(precision));
  }

  static String canonical(String entity) {
    return UserError.ifRefused(() -> EntityTags.canonicalEntity(entity));
  }
}
