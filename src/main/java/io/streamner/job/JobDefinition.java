package io.streamner.job;

import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.Secrets;
import io.streamner.model.Hyperparameters;
import io.streamner.text.ModelName;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;

/**
 * One deployable job, read from a {@code .properties} file in {@code flink-jobs/}: topics, models
 * and their hyper-parameters, snapshots, checkpointing, state backend, parallelism, Kafka client
 * and Flink settings. Every key is declared in {@link JobOptions} (type, default, allowed values,
 * description) and listed in {@code flink-jobs/README.md}; an unknown key is an error, so a typo
 * never silently falls back to a default, and every value outside its range is an error that says
 * the range, the file and the key.
 *
 * <p>{@link #toString} hides secrets: the values of Kafka settings typed PASSWORD and of Flink keys
 * Flink counts as sensitive.
 *
 * @param countTtl how long the count of a word below the minimum count lives without a new
 *     occurrence; zero: for ever
 * @param maxVocabulary the most word vectors a model holds
 * @param kafkaProperties Kafka client settings for every client of the job ({@code
 *     kafka.properties.*})
 * @param flinkProperties Flink configuration set after streamner's own ({@code flink.*})
 */
public record JobDefinition(
    String name,
    String bootstrapServers,
    String groupId,
    Topics topics,
    StartingOffsets startingOffsets,
    boolean bounded,
    List<String> models,
    Hyperparameters hyperparameters,
    TypedSettings typed,
    long regularizationExamples,
    int minCount,
    Duration countTtl,
    int maxVocabulary,
    boolean numbers,
    String vectors,
    Map<String, String> initModels,
    int maxTokens,
    long snapshotEveryExamples,
    Duration snapshotInterval,
    Duration checkpointInterval,
    String checkpointDirectory,
    StateBackend stateBackend,
    int parallelism,
    int restartAttempts,
    Duration restartDelay,
    boolean predictionsExactlyOnce,
    String finalModelDirectory,
    int columnCache,
    Duration bufferTimeout,
    Duration predictionsLinger,
    Map<String, String> kafkaProperties,
    Map<String, String> flinkProperties,
    String webBindAddress,
    int webPort,
    Scoring scoring)
    implements Serializable {

  /**
   * The exactly-once sinks' {@code transaction.timeout.ms} unless {@code
   * kafka.properties.transaction.timeout.ms} says otherwise: below the broker's default maximum (15
   * minutes), which refuses the Flink sink's own default of an hour.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  /**
   * What the typed models of {@code models} (types joined by {@code +}) share: their tag scheme and
   * capitalisation features ({@code model.tag-scheme}, {@code model.caps-dim}).
   *
   * @param capitalizationDim k, 0 for none
   * @param learningRateDecay d of a typed model's step size schedule ({@code
   *     model.learning-rate-decay}, else {@link Hyperparameters#DEFAULT_TYPED_LEARNING_RATE_DECAY})
   * @param vectorLearningRateFactor f of a typed model's lookup tables ({@code
   *     model.vector-learning-rate-factor}, else {@link
   *     Hyperparameters#DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR})
   * @param tokenFeatures {@code model.token-features} and {@code model.feature-buckets}; null for
   *     none
   */
  public record TypedSettings(
      TagSet.Scheme scheme,
      int capitalizationDim,
      double learningRateDecay,
      double vectorLearningRateFactor,
      TokenFeatures tokenFeatures)
      implements Serializable {
    public TypedSettings {
      if (tokenFeatures != null && tokenFeatures.kinds().isEmpty()) tokenFeatures = null;
    }

    /** With the default schedule and no token features. */
    public TypedSettings(TagSet.Scheme scheme, int capitalizationDim) {
      this(
          scheme,
          capitalizationDim,
          Hyperparameters.DEFAULT_TYPED_LEARNING_RATE_DECAY,
          Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR,
          null);
    }

    /** The tag set of a typed model's name ({@code LOC+ORG}), or null for a binary model. */
    public TagSet tagSet(String model) {
      return ModelName.isTyped(model) ? new TagSet(scheme, ModelName.types(model)) : null;
    }
  }

  /**
   * The scoring tier: the operator that answers score requests from read-only replicas of the
   * models, apart from training.
   *
   * @param parallelism its subtasks
   * @param refreshExamples a model refreshes its replicas after this many training windows (0: by
   *     time only)
   * @param refreshInterval ... or after this long, whichever comes first
   * @param bufferTimeout longest wait of a score request in a network buffer
   * @param linger the score predictions producer's {@code linger.ms}
   * @param serveName the name of a serving job ({@code streamner serve}) of this definition
   * @param follow in a serving job, the namespace (training job name) whose snapshots it follows;
   *     null in a training job, whose replicas follow its own models
   * @param inTrainer whether the training job answers the score topic (serving jobs always do)
   */
  public record Scoring(
      int parallelism,
      long refreshExamples,
      Duration refreshInterval,
      Duration bufferTimeout,
      Duration linger,
      String serveName,
      String follow,
      boolean inTrainer)
      implements Serializable {
    /** Whether this is a serving job, which trains nothing. */
    public boolean serving() {
      return follow != null;
    }
  }

  public record Topics(
      String train, String score, String predictions, String snapshots, String deadLetter)
      implements Serializable {}

  /** Spelled in lower case in a definition, as {@code toString} gives them. */
  public enum StartingOffsets {
    EARLIEST,
    COMMITTED,
    LATEST;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum StateBackend {
    HASHMAP,
    ROCKSDB;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Of the predictions sink: {@code at-least-once} or {@code exactly-once}. */
  public enum Delivery {
    AT_LEAST_ONCE,
    EXACTLY_ONCE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static JobDefinition load(Path file) throws IOException {
    return load(file, Map.of());
  }

  /**
   * Reads a definition file with some keys replaced or added, as the command line gives them
   * ({@code kafka.bootstrap.servers} from {@code --bootstrap-servers}, {@code kafka.properties.*}
   * from {@code --kafka-property}); every key is checked as if it were in the file.
   */
  public static JobDefinition load(Path file, Map<String, String> overrides) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("job definition not found: " + file);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(in);
      properties.putAll(overrides);
      return parse(properties, file.toString());
    }
  }

  /** Builds a definition from properties; {@code source} names them in error messages. */
  public static JobDefinition parse(Properties properties, String source) {
    Map<String, String> values = new TreeMap<>();
    Set<String> unknown = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key).trim());
      if (JobOptions.find(key) == null) unknown.add(key);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + ": unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (see flink-jobs/README.md for the keys a job definition takes)");
    }
    Values r = new Values(Configuration.fromMap(values), source);

    List<String> models = new ArrayList<>();
    for (String m : r.get(JobOptions.MODELS).split(",")) {
      if (!m.isBlank()) {
        String type = canonical(m.trim(), source, JobOptions.MODELS.key());
        if (models.contains(type)) throw r.error(JobOptions.MODELS, "lists " + type + " twice");
        models.add(type);
      }
    }
    if (models.isEmpty()) throw r.error(JobOptions.MODELS, "names no entity type");
    Map<String, String> initModels = new LinkedHashMap<>();
    r.get(JobOptions.INIT_MODELS)
        .forEach(
            (type, file) -> {
              String key = JobOptions.INIT_MODELS.key() + "." + type;
              String canonical = canonical(type, source, key);
              if (!models.contains(canonical))
                throw new IllegalArgumentException(
                    source + ": " + key + " names a model not in 'models'");
              initModels.put(canonical, file);
            });

    Hyperparameters hp =
        new Hyperparameters(
            r.get(JobOptions.WINDOW),
            r.get(JobOptions.DIM),
            r.get(JobOptions.HIDDEN),
            r.get(JobOptions.LEARNING_RATE),
            r.get(JobOptions.REGULARIZATION),
            r.get(JobOptions.SEED),
            r.get(JobOptions.PRECISION),
            r.get(JobOptions.LEARNING_RATE_DECAY),
            r.get(JobOptions.VECTOR_LEARNING_RATE_FACTOR),
            null); // the typed models' features: hyperparameters(true)
    TypedSettings typed =
        new TypedSettings(
            r.get(JobOptions.TAG_SCHEME),
            r.get(JobOptions.CAPS_DIM),
            r.get(JobOptions.LEARNING_RATE_DECAY) != null
                ? r.get(JobOptions.LEARNING_RATE_DECAY)
                : Hyperparameters.DEFAULT_TYPED_LEARNING_RATE_DECAY,
            r.get(JobOptions.VECTOR_LEARNING_RATE_FACTOR) != null
                ? r.get(JobOptions.VECTOR_LEARNING_RATE_FACTOR)
                : Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR,
            tokenFeatures(r));
    if (typed.tokenFeatures() != null && typed.capitalizationDim() == 0) {
      throw r.error(
          JobOptions.TOKEN_FEATURES,
          "needs model.caps-dim above 0: the token feature vectors are rows of the capitalisation"
              + " table");
    }

    Map<String, String> kafkaProperties = r.get(JobOptions.KAFKA_PROPERTIES);
    kafkaProperties.forEach(
        (key, value) -> {
          if (KafkaSettings.isSecret(key)) Secrets.remember(value);
        });
    Map<String, String> flinkProperties = r.get(JobOptions.FLINK_PROPERTIES);
    checkFlinkProperties(flinkProperties, source);

    Duration checkpointInterval = Duration.ofMillis(r.get(JobOptions.CHECKPOINT_INTERVAL_MS));
    Duration transactionTimeout = transactionTimeout(kafkaProperties, source);
    if (checkpointInterval.compareTo(transactionTimeout.dividedBy(2)) > 0) {
      throw r.error(
          JobOptions.CHECKPOINT_INTERVAL_MS,
          "must be at most "
              + Allowed.number(transactionTimeout.toMillis() / 2)
              + ", half the sinks' transaction timeout of "
              + Allowed.number(transactionTimeout.toMillis())
              + " ms (kafka.properties.transaction.timeout.ms): a transaction stays open for an"
              + " interval and the checkpoint that commits it, got "
              + Allowed.number(checkpointInterval.toMillis()));
    }

    String name = r.get(JobOptions.JOB_NAME);
    String group = r.get(JobOptions.GROUP_ID);
    return new JobDefinition(
        name,
        r.get(JobOptions.BOOTSTRAP_SERVERS),
        group == null || group.isEmpty() ? name : group,
        new Topics(
            r.get(JobOptions.TOPIC_TRAIN),
            r.get(JobOptions.TOPIC_SCORE),
            r.get(JobOptions.TOPIC_PREDICTIONS),
            r.get(JobOptions.TOPIC_SNAPSHOTS),
            r.get(JobOptions.TOPIC_DEAD_LETTER)),
        r.get(JobOptions.STARTING_OFFSETS),
        r.get(JobOptions.BOUNDED),
        List.copyOf(models),
        hp,
        typed,
        r.get(JobOptions.REGULARIZATION_EXAMPLES),
        r.get(JobOptions.MIN_COUNT),
        Duration.ofSeconds(r.get(JobOptions.COUNT_TTL_SECONDS)),
        r.get(JobOptions.MAX_VOCABULARY),
        r.get(JobOptions.NUMBERS),
        emptyToNull(r.get(JobOptions.VECTORS)),
        Map.copyOf(initModels),
        r.get(JobOptions.MAX_TOKENS),
        r.get(JobOptions.SNAPSHOT_EVERY_EXAMPLES),
        Duration.ofSeconds(r.get(JobOptions.SNAPSHOT_EVERY_SECONDS)),
        checkpointInterval,
        emptyToNull(r.get(JobOptions.CHECKPOINT_DIR)),
        r.get(JobOptions.STATE_BACKEND),
        r.get(JobOptions.PARALLELISM),
        r.get(JobOptions.RESTART_ATTEMPTS),
        Duration.ofMillis(r.get(JobOptions.RESTART_DELAY_MS)),
        r.get(JobOptions.PREDICTIONS_DELIVERY) == Delivery.EXACTLY_ONCE,
        emptyToNull(r.get(JobOptions.FINAL_MODEL_DIR)),
        r.get(JobOptions.COLUMN_CACHE),
        Duration.ofMillis(r.get(JobOptions.BUFFER_TIMEOUT_MS)),
        Duration.ofMillis(r.get(JobOptions.PREDICTIONS_LINGER_MS)),
        sorted(kafkaProperties),
        sorted(flinkProperties),
        r.get(JobOptions.WEB_BIND_ADDRESS),
        r.get(JobOptions.WEB_PORT),
        new Scoring(
            r.get(JobOptions.SCORING_PARALLELISM) != null
                ? r.get(JobOptions.SCORING_PARALLELISM)
                : r.get(JobOptions.PARALLELISM),
            r.get(JobOptions.SCORING_REFRESH_EXAMPLES),
            Duration.ofMillis(r.get(JobOptions.SCORING_REFRESH_MS)),
            Duration.ofMillis(r.get(JobOptions.SCORING_BUFFER_TIMEOUT_MS)),
            Duration.ofMillis(r.get(JobOptions.SCORING_LINGER_MS)),
            r.get(JobOptions.SERVE_NAME) != null ? r.get(JobOptions.SERVE_NAME) : name + "-serve",
            null,
            r.get(JobOptions.SCORING_IN_TRAINER)));
  }

  /**
   * A {@code flink.<key>} must not set what a definition key decides: the definition's key would
   * silently lose, and its checks (the checkpoint interval against the transaction timeout) with
   * it.
   */
  private static void checkFlinkProperties(Map<String, String> flink, String source) {
    for (JobOptions.Key<?> k : JobOptions.keys()) {
      for (ConfigOption<?> decided : k.flinkOptions()) {
        List<String> names = new ArrayList<>(List.of(decided.key()));
        for (FallbackKey fallback : decided.fallbackKeys()) names.add(fallback.getKey());
        for (String name : names) {
          if (flink.containsKey(name)) {
            throw new IllegalArgumentException(
                source
                    + ": flink."
                    + name
                    + " is what "
                    + k.option().key()
                    + " sets: set "
                    + k.option().key()
                    + " instead");
          }
        }
      }
    }
    flink.forEach(
        (key, value) -> {
          if (GlobalConfiguration.isSensitive(key)) Secrets.remember(value);
        });
  }

  private static Duration transactionTimeout(Map<String, String> kafka, String source) {
    String value = kafka.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    if (value == null) return DEFAULT_TRANSACTION_TIMEOUT;
    try {
      long ms = Long.parseLong(value);
      if (ms >= 1) return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        source
            + ": kafka.properties."
            + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG
            + " must be a whole number of milliseconds, at least 1, got '"
            + value
            + "'");
  }

  /**
   * The tag set of a typed model of {@link #models} ({@code LOC+ORG}: O, B-LOC, I-LOC, B-ORG, I-ORG
   * in BIO, E- and S- tags too in BIOES), or null for a binary model.
   */
  public TagSet tagSet(String model) {
    return typed.tagSet(model);
  }

  /** C/m of the gradient: the regularisation constant over the configured number of examples. */
  public double decay() {
    return hyperparameters.regularization() / regularizationExamples;
  }

  /** Where Kafka is and the client settings every client of the job gets. */
  public KafkaSettings kafka() {
    return new KafkaSettings(bootstrapServers, kafkaProperties);
  }

  /**
   * The exactly-once sinks' transaction timeout: {@code kafka.properties.transaction.timeout.ms},
   * else {@link #DEFAULT_TRANSACTION_TIMEOUT}.
   */
  public Duration transactionTimeout() {
    String ms = kafkaProperties.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    return ms == null ? DEFAULT_TRANSACTION_TIMEOUT : Duration.ofMillis(Long.parseLong(ms));
  }

  /** A copy with other Kafka servers: the CLI's --bootstrap-servers. */
  public JobDefinition withBootstrapServers(String servers) {
    return copy(name, servers, groupId, scoring);
  }

  /**
   * The serving job of this definition ({@code streamner serve}): named {@code serve.name}, it
   * follows the snapshots of this definition's job (its namespace) and trains nothing. Its consumer
   * group is its own name unless the definition sets one.
   */
  /**
   * The hyper-parameters of one of the job's models: a typed model's step size schedule and
   * lookup-table factor are {@link TypedSettings}'s, a binary model's {@code
   * model.learning-rate-decay} and {@code model.vector-learning-rate-factor} (none unless set).
   */
  public Hyperparameters hyperparameters(boolean typedModel) {
    return typedModel
        ? hyperparameters
            .withLearningRateDecay(typed.learningRateDecay())
            .withVectorLearningRateFactor(typed.vectorLearningRateFactor())
            .withTokenFeatures(typed.tokenFeatures())
        : hyperparameters;
  }

  public JobDefinition asServing() {
    if (scoring.serving()) return this;
    String serveName = scoring.serveName();
    return copy(
        serveName,
        bootstrapServers,
        groupId.equals(name) ? serveName : groupId,
        new Scoring(
            scoring.parallelism(),
            scoring.refreshExamples(),
            scoring.refreshInterval(),
            scoring.bufferTimeout(),
            scoring.linger(),
            serveName,
            name,
            true));
  }

  private JobDefinition copy(String name, String servers, String groupId, Scoring scoring) {
    return new JobDefinition(
        name,
        servers,
        groupId,
        topics,
        startingOffsets,
        bounded,
        models,
        hyperparameters,
        typed,
        regularizationExamples,
        minCount,
        countTtl,
        maxVocabulary,
        numbers,
        vectors,
        initModels,
        maxTokens,
        snapshotEveryExamples,
        snapshotInterval,
        checkpointInterval,
        checkpointDirectory,
        stateBackend,
        parallelism,
        restartAttempts,
        restartDelay,
        predictionsExactlyOnce,
        finalModelDirectory,
        columnCache,
        bufferTimeout,
        predictionsLinger,
        kafkaProperties,
        flinkProperties,
        webBindAddress,
        webPort,
        scoring);
  }

  /** The definition without secrets: Kafka PASSWORD settings and sensitive Flink keys hidden. */
  @Override
  public String toString() {
    Map<String, String> flink = new TreeMap<>();
    flinkProperties.forEach(
        (k, v) -> flink.put(k, GlobalConfiguration.isSensitive(k) ? Password.HIDDEN : v));
    return "JobDefinition[name="
        + name
        + ", kafka="
        + kafka()
        + ", topics="
        + topics
        + ", models="
        + models
        + ", hyperparameters="
        + hyperparameters
        + ", stateBackend="
        + stateBackend
        + ", parallelism="
        + parallelism
        + ", flink="
        + flink
        + "]";
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
  }

  private static String canonical(String entity, String source, String key) {
    try {
      return ModelName.canonical(entity);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + key + ": " + e.getMessage(), e);
    }
  }

  /** {@code model.token-features} and {@code model.feature-buckets}: null for none. */
  private static TokenFeatures tokenFeatures(Values r) {
    String kinds = r.get(JobOptions.TOKEN_FEATURES);
    if (kinds == null) {
      return r.get(JobOptions.CAPS_DIM) == 0
          ? null
          : new TokenFeatures(
              TokenFeatures.typedDefault().kinds(), r.get(JobOptions.FEATURE_BUCKETS));
    }
    return new TokenFeatures(TokenFeatures.parse(kinds), r.get(JobOptions.FEATURE_BUCKETS));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Typed reads through the declarations, each error naming the file and the key. */
  private record Values(Configuration conf, String source) {
    <T> T get(ConfigOption<T> option) {
      JobOptions.Key<T> key = JobOptions.of(option);
      T value;
      try {
        value = conf.get(option);
      } catch (IllegalArgumentException e) {
        throw error(option, key.allowed().parseProblem(conf.toMap().get(option.key())));
      }
      if (value != null) {
        String problem = key.allowed().check(value);
        if (problem != null) throw error(option, problem);
      }
      return value;
    }

    /** "job.properties: model.window must be ...", "...: kafka.properties.x is not ...". */
    IllegalArgumentException error(ConfigOption<?> option, String problem) {
      boolean prefix = JobOptions.of(option).prefix();
      return new IllegalArgumentException(
          source + ": " + option.key() + (prefix ? "." : " ") + problem);
    }
  }
}
