package io.streamner.job;

import io.streamner.model.Hyperparameters;
import io.streamner.text.EntityTags;
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
import java.util.TreeSet;

/**
 * One deployable job, read from a {@code .properties} file in {@code flink-jobs/}: topics, models
 * and their hyper-parameters, snapshots, checkpointing, state backend, parallelism. Every key is
 * documented in {@code flink-jobs/README.md}; an unknown key is an error, so a typo never silently
 * falls back to a default.
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
    long regularizationExamples,
    int minCount,
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
    Duration predictionsLinger)
    implements Serializable {

  public record Topics(
      String train, String score, String predictions, String snapshots, String deadLetter)
      implements Serializable {}

  public enum StartingOffsets {
    EARLIEST,
    COMMITTED,
    LATEST
  }

  public enum StateBackend {
    HASHMAP,
    ROCKSDB
  }

  /** The keys a definition may hold, each with its default ("" = required or no default). */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("job.name", "streamner");
    KEYS.put("kafka.bootstrap.servers", "localhost:9092");
    KEYS.put("kafka.group.id", "");
    KEYS.put("topic.train", "streamner.train");
    KEYS.put("topic.score", "streamner.score");
    KEYS.put("topic.predictions", "streamner.predictions");
    KEYS.put("topic.snapshots", "streamner.snapshots");
    KEYS.put("topic.dead-letter", "streamner.dead-letter");
    KEYS.put("source.starting-offsets", "earliest");
    KEYS.put("source.bounded", "false");
    KEYS.put("models", "PER");
    KEYS.put("model.window", String.valueOf(Hyperparameters.DEFAULT_WINDOW));
    KEYS.put("model.dim", String.valueOf(Hyperparameters.DEFAULT_DIM));
    KEYS.put("model.hidden", String.valueOf(Hyperparameters.DEFAULT_HIDDEN));
    KEYS.put("model.learning-rate", String.valueOf(Hyperparameters.DEFAULT_LEARNING_RATE));
    KEYS.put("model.regularization", String.valueOf(Hyperparameters.DEFAULT_REGULARIZATION));
    KEYS.put("model.regularization-examples", "100000");
    KEYS.put("model.seed", String.valueOf(Hyperparameters.DEFAULT_SEED));
    KEYS.put("model.min-count", "2");
    KEYS.put("model.numbers", "false");
    KEYS.put("model.vectors", "");
    KEYS.put("model.max-tokens", "1000");
    KEYS.put("snapshot.every-examples", "50000");
    KEYS.put("snapshot.every-seconds", "60");
    KEYS.put("checkpoint.interval-ms", "10000");
    KEYS.put("checkpoint.dir", "");
    KEYS.put("state.backend", "hashmap");
    KEYS.put("state.column-cache", "50000");
    KEYS.put("parallelism", "1");
    KEYS.put("pipeline.buffer-timeout-ms", "10");
    KEYS.put("restart.attempts", "10");
    KEYS.put("restart.delay-ms", "1000");
    KEYS.put("predictions.delivery", "at-least-once");
    KEYS.put("predictions.linger-ms", "5");
    KEYS.put("final-model.dir", "");
  }

  private static final String INIT_PREFIX = "model.init.";

  public static JobDefinition load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("job definition not found: " + file);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties properties = new Properties();
      properties.load(in);
      return parse(properties, file.toString());
    }
  }

  /** Builds a definition from properties; {@code source} names them in error messages. */
  public static JobDefinition parse(Properties properties, String source) {
    Map<String, String> values = new LinkedHashMap<>(KEYS);
    Map<String, String> initModels = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).trim();
      if (key.startsWith(INIT_PREFIX)) {
        initModels.put(canonical(key.substring(INIT_PREFIX.length()), source, key), value);
      } else if (KEYS.containsKey(key)) {
        values.put(key, value);
      } else {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + ": unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (see flink-jobs/README.md for the keys a job definition takes)");
    }
    Values r = new Values(values, source);
    List<String> models = new ArrayList<>();
    for (String m : r.string("models").split(",")) {
      if (!m.isBlank()) {
        String type = canonical(m.trim(), source, "models");
        if (models.contains(type)) throw r.error("models", "lists " + type + " twice");
        models.add(type);
      }
    }
    if (models.isEmpty()) throw r.error("models", "names no entity type");
    for (String initialised : initModels.keySet()) {
      if (!models.contains(initialised)) {
        throw new IllegalArgumentException(
            source + ": " + INIT_PREFIX + initialised + " names a model not in 'models'");
      }
    }
    // Checked here rather than left to Hyperparameters so that the error names the key.
    int window = r.positiveInt("model.window");
    if (window % 2 == 0)
      throw r.error(
          "model.window", "must be odd (the centre word and as many on each side), got " + window);
    double learningRate = r.decimal("model.learning-rate");
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw r.error(
          "model.learning-rate",
          "must be a positive number, got " + values.get("model.learning-rate"));
    }
    double regularization = r.decimal("model.regularization");
    if (!(regularization >= 0) || Double.isInfinite(regularization)) {
      throw r.error(
          "model.regularization",
          "must be zero or positive, got " + values.get("model.regularization"));
    }
    Hyperparameters hp;
    try {
      hp =
          new Hyperparameters(
              window,
              r.positiveInt("model.dim"),
              r.positiveInt("model.hidden"),
              learningRate,
              regularization,
              r.longValue("model.seed"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    String name = r.string("job.name");
    String group = r.string("kafka.group.id");
    return new JobDefinition(
        name,
        r.required("kafka.bootstrap.servers"),
        group.isEmpty() ? name : group,
        new Topics(
            r.required("topic.train"),
            r.required("topic.score"),
            r.required("topic.predictions"),
            r.required("topic.snapshots"),
            r.required("topic.dead-letter")),
        r.choice("source.starting-offsets", StartingOffsets.class),
        r.bool("source.bounded"),
        List.copyOf(models),
        hp,
        r.positiveLong("model.regularization-examples"),
        r.positiveInt("model.min-count"),
        r.bool("model.numbers"),
        emptyToNull(r.string("model.vectors")),
        Map.copyOf(initModels),
        r.positiveInt("model.max-tokens"),
        r.longValue("snapshot.every-examples"),
        Duration.ofSeconds(r.longValue("snapshot.every-seconds")),
        Duration.ofMillis(r.positiveLong("checkpoint.interval-ms")),
        emptyToNull(r.string("checkpoint.dir")),
        r.choice("state.backend", StateBackend.class),
        r.positiveInt("parallelism"),
        r.nonNegativeInt("restart.attempts"),
        Duration.ofMillis(r.longValue("restart.delay-ms")),
        r.string("predictions.delivery").equalsIgnoreCase("exactly-once")
            ? true
            : r.string("predictions.delivery").equalsIgnoreCase("at-least-once")
                ? false
                : r.fail("predictions.delivery", "must be at-least-once or exactly-once"),
        emptyToNull(r.string("final-model.dir")),
        r.positiveInt("state.column-cache"),
        Duration.ofMillis(r.longValue("pipeline.buffer-timeout-ms")),
        Duration.ofMillis(r.longValue("predictions.linger-ms")));
  }

  /** C/m of the gradient: the regularisation constant over the configured number of examples. */
  public double decay() {
    return hyperparameters.regularization() / regularizationExamples;
  }

  /** A copy with other Kafka servers: the CLI's --bootstrap-servers. */
  public JobDefinition withBootstrapServers(String servers) {
    return new JobDefinition(
        name,
        servers,
        groupId,
        topics,
        startingOffsets,
        bounded,
        models,
        hyperparameters,
        regularizationExamples,
        minCount,
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
        predictionsLinger);
  }

  private static String canonical(String entity, String source, String key) {
    try {
      return EntityTags.canonicalEntity(entity);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + key + ": " + e.getMessage(), e);
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Typed reads of the values, each error naming the file and the key. */
  private record Values(Map<String, String> values, String source) {
    String string(String key) {
      return values.get(key);
    }

    String required(String key) {
      String v = values.get(key);
      if (v == null || v.isEmpty()) throw error(key, "is required");
      return v;
    }

    int integer(String key) {
      try {
        return Integer.parseInt(values.get(key));
      } catch (NumberFormatException e) {
        throw error(key, "must be a whole number, got '" + values.get(key) + "'");
      }
    }

    int nonNegativeInt(String key) {
      int v = integer(key);
      if (v < 0) throw error(key, "must not be negative, got " + v);
      return v;
    }

    int positiveInt(String key) {
      int v = integer(key);
      if (v < 1) throw error(key, "must be at least 1, got " + v);
      return v;
    }

    long longValue(String key) {
      try {
        long v = Long.parseLong(values.get(key));
        if (v < 0) throw error(key, "must not be negative, got " + v);
        return v;
      } catch (NumberFormatException e) {
        throw error(key, "must be a whole number, got '" + values.get(key) + "'");
      }
    }

    long positiveLong(String key) {
      long v = longValue(key);
      if (v < 1) throw error(key, "must be at least 1, got " + v);
      return v;
    }

    double decimal(String key) {
      try {
        return Double.parseDouble(values.get(key));
      } catch (NumberFormatException e) {
        throw error(key, "must be a number, got '" + values.get(key) + "'");
      }
    }

    boolean bool(String key) {
      String v = values.get(key).toLowerCase(Locale.ROOT);
      if (v.equals("true")) return true;
      if (v.equals("false")) return false;
      throw error(key, "must be true or false, got '" + values.get(key) + "'");
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
      String v = values.get(key).toUpperCase(Locale.ROOT).replace('-', '_');
      for (E e : type.getEnumConstants()) if (e.name().equals(v)) return e;
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants())
        names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      throw error(
          key, "must be one of " + String.join(", ", names) + ", got '" + values.get(key) + "'");
    }

    boolean fail(String key, String problem) {
      throw error(key, problem);
    }

    IllegalArgumentException error(String key, String problem) {
      return new IllegalArgumentException(source + ": " + key + " " + problem);
    }
  }
}
