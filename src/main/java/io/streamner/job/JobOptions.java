package io.streamner.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.streamner.kafka.KafkaSettings;
import io.streamner.model.Hyperparameters;
import io.streamner.model.Precision;
import io.streamner.model.WindowInput;
import io.streamner.text.ModelName;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.kafka.common.config.types.Password;

/**
 * Every key of a job definition, declared once, the way Flink declares its own settings (its {@code
 * *Options} classes): a {@link ConfigOption} with the key, type, default and description, together
 * with the values it allows ({@link Allowed}) and the Flink settings it decides, if any. {@link
 * JobDefinition} reads a file through these declarations, and {@link KeyTable} writes the key table
 * of {@code flink-jobs/README.md} from them.
 *
 * <p>Three keys are prefixes of open-ended families, read as Flink reads a map option written one
 * key per entry ({@code kafka.properties.security.protocol = SASL_SSL} is the entry {@code
 * security.protocol} of {@code kafka.properties}): {@code kafka.properties.<key>}, {@code
 * flink.<key>} and {@code model.init.<TYPE>}.
 *
 * <p>The ranges keep out values that cannot be meant, not values that merely train badly: each
 * description says why its bounds are where they are.
 */
public final class JobOptions {
  private JobOptions() {}

  /**
   * One declared key.
   *
   * @param option Flink's declaration: key, type, default, description
   * @param allowed the values it takes
   * @param prefix whether the key is a prefix ({@code kafka.properties}), its entries the keys
   *     below it
   * @param shownAs the key as the README shows it ({@code kafka.properties.<key>})
   * @param flinkOptions the Flink settings this key decides; {@code flink.<key>} must not set them
   *     too
   */
  public record Key<T>(
      ConfigOption<T> option,
      Allowed<T> allowed,
      boolean prefix,
      String shownAs,
      List<ConfigOption<?>> flinkOptions) {}

  private static final List<Key<?>> KEYS = new ArrayList<>();

  /** Every key, in the order of the README's table. */
  public static List<Key<?>> keys() {
    return Collections.unmodifiableList(KEYS);
  }

  /** The declaration of an option of this class. */
  @SuppressWarnings("unchecked")
  public static <T> Key<T> of(ConfigOption<T> option) {
    for (Key<?> k : KEYS) if (k.option() == option) return (Key<T>) k;
    throw new IllegalArgumentException(option.key() + " is not a job-definition key");
  }

  /** The declared key a definition's key belongs to (itself, or a prefix), or null. */
  public static Key<?> find(String definitionKey) {
    for (Key<?> k : KEYS) {
      String name = k.option().key();
      if (k.prefix() ? definitionKey.startsWith(name + ".") : definitionKey.equals(name)) return k;
    }
    return null;
  }

  private static <T> ConfigOption<T> declare(
      ConfigOption<T> option, Allowed<T> allowed, ConfigOption<?>... flinkOptions) {
    KEYS.add(new Key<>(option, allowed, false, option.key(), List.of(flinkOptions)));
    return option;
  }

  private static ConfigOption<Map<String, String>> declarePrefix(
      ConfigOption<Map<String, String>> option,
      String entry,
      Allowed<Map<String, String>> allowed) {
    KEYS.add(new Key<>(option, allowed, true, option.key() + "." + entry, List.of()));
    return option;
  }

  // ------------------------------------------------------------------ the job and Kafka

  public static final ConfigOption<String> JOB_NAME =
      declare(
          key("job.name")
              .stringType()
              .defaultValue("streamner")
              .withDescription(
                  "Flink job name; also the namespace of the job's snapshots, its checkpoint"
                      + " directory under checkpoint.dir, and the prefix of the exactly-once sinks'"
                      + " transactional ids."),
          Allowed.jobName());

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      declare(
          key("kafka.bootstrap.servers")
              .stringType()
              .defaultValue("localhost:9092")
              .withDescription("Kafka brokers (`--bootstrap-servers` replaces them)."),
          Allowed.hostsAndPorts());

  public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES =
      declarePrefix(
          key("kafka.properties")
              .mapType()
              .defaultValue(Map.of())
              .withDescription(
                  "Any Kafka client setting, given to every client the job creates (the source,"
                      + " every sink, their admin clients): `kafka.properties.security.protocol ="
                      + " SASL_SSL`, `kafka.properties.sasl.jaas.config = ...`,"
                      + " `kafka.properties.ssl.truststore.location = ...` (see"
                      + " [Security](../src/site/markdown/security.md)). They win over streamner's own client settings (acks, batch"
                      + " sizes, `linger.ms`). Values of settings Kafka types PASSWORD are shown as "
                      + Password.HIDDEN
                      + " everywhere."),
          "<key>",
          Allowed.entries(
              "Kafka producer, consumer or admin client settings, except "
                  + String.join(", ", KafkaSettings.RESERVED.keySet()),
              (key, value) -> KafkaSettings.problem(key)));

  public static final ConfigOption<String> GROUP_ID =
      declare(
          key("kafka.group.id")
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "Consumer group of the source (none: the job name); offsets are committed on"
                      + " checkpoints."),
          Allowed.anyText());

  public static final ConfigOption<String> TOPIC_TRAIN =
      declare(
          key("topic.train")
              .stringType()
              .defaultValue("streamner.train")
              .withDescription(
                  "Labelled sentences in ([schemas/train.schema.json](../schemas/train.schema.json))."),
          Allowed.topicName());

  public static final ConfigOption<String> TOPIC_SCORE =
      declare(
          key("topic.score")
              .stringType()
              .defaultValue("streamner.score")
              .withDescription(
                  "Sentences to tag ([schemas/score.schema.json](../schemas/score.schema.json))."),
          Allowed.topicName());

  public static final ConfigOption<String> TOPIC_PREDICTIONS =
      declare(
          key("topic.predictions")
              .stringType()
              .defaultValue("streamner.predictions")
              .withDescription(
                  "One record per sentence and model"
                      + " ([schemas/predictions.schema.json](../schemas/predictions.schema.json))."),
          Allowed.topicName());

  public static final ConfigOption<String> TOPIC_SNAPSHOTS =
      declare(
          key("topic.snapshots")
              .stringType()
              .defaultValue("streamner.snapshots")
              .withDescription(
                  "Versioned model snapshots; make it compacted"
                      + " ([schemas/snapshots.schema.json](../schemas/snapshots.schema.json))."),
          Allowed.topicName());

  public static final ConfigOption<String> TOPIC_DEAD_LETTER =
      declare(
          key("topic.dead-letter")
              .stringType()
              .defaultValue("streamner.dead-letter")
              .withDescription(
                  "Every unusable input record with its reason"
                      + " ([schemas/dead-letter.schema.json](../schemas/dead-letter.schema.json))."),
          Allowed.topicName());

  public static final ConfigOption<JobDefinition.StartingOffsets> STARTING_OFFSETS =
      declare(
          key("source.starting-offsets")
              .enumType(JobDefinition.StartingOffsets.class)
              .defaultValue(JobDefinition.StartingOffsets.EARLIEST)
              .withDescription(
                  "Where a job without state starts reading: `committed` is the group's offsets"
                      + " (earliest without)."),
          Allowed.oneOf(JobDefinition.StartingOffsets.class));

  public static final ConfigOption<Boolean> BOUNDED =
      declare(
          key("source.bounded")
              .booleanType()
              .defaultValue(false)
              .withDescription(
                  "`true`: stop at the end offsets found at start, write final snapshots, finish."),
          Allowed.flag());

  // ------------------------------------------------------------------ models

  public static final ConfigOption<String> MODELS =
      declare(
          key("models")
              .stringType()
              .defaultValue("PER")
              .withDescription(
                  "Models, comma-separated, one key each: an entity type is a binary model"
                      + " (`PER`); two or more types joined by `+` are one typed model of those"
                      + " types (`LOC+ORG+MISC`: a softmax over `O` and the tags of each, see"
                      + " `model.tag-scheme` and `model.caps-dim`). Aliases fold (`PERSON` ="
                      + " `PER`)."),
          new Allowed<>(
              "string",
              "entity types, or types joined by +, separated by commas, each once",
              v -> v.isBlank() ? "names no entity type" : null));

  public static final ConfigOption<TagSet.Scheme> TAG_SCHEME =
      declare(
          key("model.tag-scheme")
              .enumType(TagSet.Scheme.class)
              .defaultValue(TagSet.Scheme.BIOES)
              .withDescription(
                  "Tags of the typed models (`+` in `models`): `BIOES` or `BIO`, as `train"
                      + " --scheme`. BIOES, which also marks a mention's last token and one-token"
                      + " mentions, was the stronger on both dev sets (see accuracy.md). Part of a typed model's shape: a restore that changes it is"
                      + " refused."),
          Allowed.oneOf(TagSet.Scheme.class));

  public static final ConfigOption<Integer> CAPS_DIM =
      declare(
          key("model.caps-dim")
              .intType()
              .defaultValue(WindowInput.DEFAULT_CAPITALIZATION_DIM)
              .withDescription(
                  "k: values of the capitalisation vector each window position of a typed model"
                      + " adds to its word vector, as `train --types` (on by default there too);"
                      + " 0 turns capitalisation features off. Binary models have none. Up to 100;"
                      + " part of a typed model's shape: a restore that changes it is refused."),
          Allowed.ints(0, 100));

  public static final ConfigOption<String> TOKEN_FEATURES =
      declare(
          key("model.token-features")
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "Token features of the typed models beside the capitalisation class, as `train"
                      + " --features`: `shape`, `prefix`, `suffix`, comma-separated; empty for"
                      + " none. Each is a learned vector per hashed key, in a table of"
                      + " `model.feature-buckets` rows kept with the dense parameters. Unset: all"
                      + " three when `model.caps-dim` is above 0 (chosen on the dev sets, see"
                      + " accuracy.md), none otherwise. Part of a typed model's shape: a restore"
                      + " that changes it is refused (state stored before there were token"
                      + " features resumes with this key empty)."),
          Allowed.tokenFeatures());

  public static final ConfigOption<Integer> FEATURE_BUCKETS =
      declare(
          key("model.feature-buckets")
              .intType()
              .defaultValue(TokenFeatures.DEFAULT_BUCKETS)
              .withDescription(
                  "Rows of the hashed token feature table (with `model.token-features`), as"
                      + " `train --feature-buckets`; each row has `model.caps-dim` values and is"
                      + " carried in every full snapshot. Part of a typed model's shape."),
          Allowed.ints(1, TokenFeatures.MAX_BUCKETS));

  public static final ConfigOption<Integer> WINDOW =
      declare(
          key("model.window")
              .intType()
              .defaultValue(Hyperparameters.DEFAULT_WINDOW)
              .withDescription(
                  "C: words per window, the centre word and as many on each side. Up to 21:"
                      + " wider windows are mostly padding on sentences of tweet length, and W"
                      + " grows with C."),
          Allowed.oddInts(1, 21));

  public static final ConfigOption<Integer> DIM =
      declare(
          key("model.dim")
              .intType()
              .defaultValue(Hyperparameters.DEFAULT_DIM)
              .withDescription(
                  "n: length of a word vector; must match `model.vectors` and any `model.init.*`"
                      + " file. Up to 1,024, the widest pretrained embeddings in common use (GloVe"
                      + " goes to 300); each word in state takes 8n bytes (4n in float)."),
          Allowed.ints(1, 1024));

  public static final ConfigOption<Integer> HIDDEN =
      declare(
          key("model.hidden")
              .intType()
              .defaultValue(Hyperparameters.DEFAULT_HIDDEN)
              .withDescription(
                  "H: hidden units. Up to 4,096: W is H x nC doubles, at the widest 4,096 x"
                      + " 21 x 1,024 (700 MB, 350 MB in float) per model."),
          Allowed.ints(1, 4096));

  public static final ConfigOption<Double> LEARNING_RATE =
      declare(
          key("model.learning-rate")
              .doubleType()
              .defaultValue(Hyperparameters.DEFAULT_LEARNING_RATE)
              .withDescription(
                  "SGD step size. Rates that train are 0.001 to 1; the bound is far above them so"
                      + " that tests can drive training into overflow on purpose (from about 1e12"
                      + " with the default regularization), and only rejects a value no one"
                      + " means."),
          Allowed.positiveUpTo(1e15));

  public static final ConfigOption<Double> LEARNING_RATE_DECAY =
      declare(
          key("model.learning-rate-decay")
              .doubleType()
              .noDefaultValue()
              .withDescription(
                  "d of the step size schedule: the step after t windows is model.learning-rate"
                      + " / (1 + d t), as `train --lr-decay`. Unset: "
                      + Hyperparameters.DEFAULT_TYPED_LEARNING_RATE_DECAY
                      + " for typed models, none (the specification's constant step) for binary"
                      + " ones."),
          Allowed.doubles(0, 1));

  public static final ConfigOption<Double> VECTOR_LEARNING_RATE_FACTOR =
      declare(
          key("model.vector-learning-rate-factor")
              .doubleType()
              .noDefaultValue()
              .withDescription(
                  "f: the word and capitalisation vectors step at f times the step size, the rest"
                      + " of the network at the step size, as `train --vector-lr-factor`. Unset: "
                      + Hyperparameters.DEFAULT_TYPED_VECTOR_LEARNING_RATE_FACTOR
                      + " for typed models, 1 (the specification's one step size) for binary"
                      + " ones."),
          Allowed.positiveUpTo(1000));

  public static final ConfigOption<Double> REGULARIZATION =
      declare(
          key("model.regularization")
              .doubleType()
              .defaultValue(Hyperparameters.DEFAULT_REGULARIZATION)
              .withDescription(
                  "C of the cost (L2 on W and U), applied as C/m per step; 0 turns it off. Up to"
                      + " 1,000: past that the decay swamps every gradient at any sensible m."),
          Allowed.doubles(0, 1000));

  public static final ConfigOption<Long> REGULARIZATION_EXAMPLES =
      declare(
          key("model.regularization-examples")
              .longType()
              .defaultValue(100_000L)
              .withDescription(
                  "m: a stream has no training-set size, so it is configured. Up to 10^12 windows,"
                      + " more than any stream trains on."),
          Allowed.longs(1, 1_000_000_000_000L));

  public static final ConfigOption<Long> SEED =
      declare(
          key("model.seed")
              .longType()
              .defaultValue(Hyperparameters.DEFAULT_SEED)
              .withDescription("Initialisation of W, U and of every new word's vector."),
          Allowed.anyLong());

  public static final ConfigOption<Precision> PRECISION =
      declare(
          key("model.precision")
              .enumType(Precision.class)
              .defaultValue(Precision.FLOAT)
              .withDescription(
                  "`float`: the float kernel, several times faster than double with half the"
                      + " state, bit for bit what `streamner train` makes by default (its SIMD"
                      + " needs the JVM option `--add-modules jdk.incubator.vector`, which"
                      + " `bin/streamner` gives and `env.java.opts.all` gives a cluster; without"
                      + " it, the same results slower); its snapshots are float32. `double`: the"
                      + " specification's model, bit for bit what `streamner train --precision"
                      + " double` makes. A model's precision cannot change under its state: a job"
                      + " that ran in double before float became the default resumes only with"
                      + " `model.precision = double`."),
          Allowed.oneOf(Precision.class));

  public static final ConfigOption<Integer> MIN_COUNT =
      declare(
          key("model.min-count")
              .intType()
              .defaultValue(2)
              .withDescription(
                  "A word gets its own vector after this many labelled occurrences; until then"
                      + " it reads `UUUNKKK`. Up to 1,000,000: beyond, no word of a real stream"
                      + " would ever get one."),
          Allowed.ints(1, 1_000_000));

  public static final ConfigOption<Long> COUNT_TTL_SECONDS =
      declare(
          key("model.count-ttl-seconds")
              .longType()
              .defaultValue(24 * 3600L)
              .withDescription(
                  "The occurrence count of a word still below `model.min-count` is forgotten after"
                      + " this many seconds without a new occurrence (Flink state TTL on processing"
                      + " time; the heap backend frees it as state is accessed, RocksDB at"
                      + " compactions); 0: never. This is what bounds the state of a stream of"
                      + " one-off words (hashtags, typos, ids): it holds about new words per second"
                      + " times this many counts. TTL runs on the clock, not on the stream, so a"
                      + " model also depends on when records are processed: a replay after a"
                      + " failure, a backlog read faster than it arrived or a long stop can forget"
                      + " (or keep) a count the uninterrupted run kept (or forgot). That touches only"
                      + " words whose previous occurrence lies about one TTL back, so with a TTL"
                      + " much longer than a recovery or a stop (the default, a day, against"
                      + " seconds to minutes) it is rare; set 0 where a replay must give a"
                      + " bit-identical model. Up to a year (31,536,000)."),
          Allowed.longs(0, 365 * 24 * 3600L));

  public static final ConfigOption<Integer> MAX_VOCABULARY =
      declare(
          key("model.max-vocabulary")
              .intType()
              .defaultValue(1_000_000)
              .withDescription(
                  "Most word vectors (columns) a model holds, counting `UUUNKKK`, `<s>`, `</s>`"
                      + " and the vectors it starts with. A word that reaches `model.min-count`"
                      + " when the model is full gets no vector and goes on reading `UUUNKKK`;"
                      + " with `model.min-count` above 1 its count is kept like any other below"
                      + " the minimum (it expires by `model.count-ttl-seconds`), so a larger value"
                      + " on a later run gives it its vector. The metric `newWordsRefused` counts these refusals. Which"
                      + " words get the last places depends only on the order of the stream, so"
                      + " a replay gives the same model. Each vector takes about 8n + 100 bytes on"
                      + " the heap (about 500 MB for 1,000,000 words at n = 50)."),
          Allowed.ints(3, Integer.MAX_VALUE));

  public static final ConfigOption<Boolean> NUMBERS =
      declare(
          key("model.numbers")
              .booleanType()
              .defaultValue(false)
              .withDescription("Map every number to one token."),
          Allowed.flag());

  public static final ConfigOption<String> VECTORS =
      declare(
          key("model.vectors")
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "GloVe text file: every model starts with these vectors in its state (read by"
                      + " the task managers)."),
          Allowed.anyText());

  public static final ConfigOption<Map<String, String>> INIT_MODELS =
      declarePrefix(
          key("model.init")
              .mapType()
              .defaultValue(Map.of())
              .withDescription(
                  "Model file (from `train` or `export`) the model of that type starts from; the"
                      + " type must be in `models`. A file of the other `model.precision` is"
                      + " converted (rounded to float once, or widened)."),
          "<TYPE>",
          Allowed.entries(
              "models of `models` (`PER`, `LOC+ORG`), each with a model file",
              (type, file) -> {
                try {
                  ModelName.canonical(type);
                  return null;
                } catch (IllegalArgumentException e) {
                  return "is not a model name: " + e.getMessage();
                }
              }));

  public static final ConfigOption<Integer> MAX_TOKENS =
      declare(
          key("model.max-tokens")
              .intType()
              .defaultValue(1000)
              .withDescription(
                  "Longer sentences go to the dead-letter topic. Up to 100,000: a Kafka record"
                      + " of the default 1 MB holds about 250,000 one-letter tokens, and anything"
                      + " near that is a document, not a sentence."),
          Allowed.ints(1, 100_000));

  // ------------------------------------------------------------------ snapshots and state

  public static final ConfigOption<Long> SNAPSHOT_EVERY_EXAMPLES =
      declare(
          key("snapshot.every-examples")
              .longType()
              .defaultValue(50_000L)
              .withDescription(
                  "Write a snapshot after this many training windows (0: never by count). Up to"
                      + " 10^12."),
          Allowed.longs(0, 1_000_000_000_000L));

  public static final ConfigOption<Long> SNAPSHOT_EVERY_SECONDS =
      declare(
          key("snapshot.every-seconds")
              .longType()
              .defaultValue(60L)
              .withDescription(
                  "And at least this often while the model changes (0: never by time). Up to a"
                      + " week (604,800)."),
          Allowed.longs(0, 7 * 24 * 3600));

  public static final ConfigOption<Long> CHECKPOINT_INTERVAL_MS =
      declare(
          key("checkpoint.interval-ms")
              .longType()
              .defaultValue(10_000L)
              .withDescription(
                  "Flink checkpoint interval; exactly-once output becomes visible at checkpoints."
                      + " From 10 (Flink's minimum) to half the sinks' transaction timeout"
                      + " (`kafka.properties.transaction.timeout.ms`, 600,000 by default, so"
                      + " 300,000): a transaction stays open for an interval and for the"
                      + " checkpoint that commits it, and the broker aborts it at the timeout."),
          Allowed.longs(10, Integer.MAX_VALUE)
              .described("from 10 to half the transaction timeout (300,000 by default)"),
          CheckpointingOptions.CHECKPOINTING_INTERVAL);

  public static final ConfigOption<String> CHECKPOINT_DIR =
      declare(
          key("checkpoint.dir")
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "Checkpoint and savepoint storage (`file:///...`, `s3://...`); the job keeps"
                      + " them under `<checkpoint.dir>/<job.name>/` and resumes from the newest."
                      + " None: `~/.streamner/checkpoints`, which suits one machine only: on a"
                      + " cluster, name storage every node reaches."),
          Allowed.anyText(),
          CheckpointingOptions.CHECKPOINTS_DIRECTORY);

  public static final ConfigOption<JobDefinition.StateBackend> STATE_BACKEND =
      declare(
          key("state.backend")
              .enumType(JobDefinition.StateBackend.class)
              .defaultValue(JobDefinition.StateBackend.HASHMAP)
              .withDescription(
                  "`hashmap` (heap) or `rocksdb` (incremental checkpoints: only changed files are"
                      + " uploaded)."),
          Allowed.oneOf(JobDefinition.StateBackend.class),
          StateBackendOptions.STATE_BACKEND);

  public static final ConfigOption<Integer> COLUMN_CACHE =
      declare(
          key("state.column-cache")
              .intType()
              .defaultValue(50_000)
              .withDescription(
                  "Word vectors per model kept in memory between checkpoints; with `rocksdb` a"
                      + " word read or trained again skips a state read and write; all are written"
                      + " back at every checkpoint and the cache starts empty after it (and when it"
                      + " is full). Up to 10,000,000 (4 GB of vectors at n = 50)."),
          Allowed.ints(1, 10_000_000));

  // ------------------------------------------------------------------ running

  public static final ConfigOption<Integer> PARALLELISM =
      declare(
          key("parallelism")
              .intType()
              .defaultValue(1)
              .withDescription(
                  "Of every operator; models are keys, so more models than slots keeps slots"
                      + " busy. Keys land on subtasks by hash: when they land unevenly (PER and LOC"
                      + " share a subtask at parallelism 2) `streamner job` and the job's log warn."
                      + " Up to 32,768, Flink's most key groups."),
          Allowed.ints(1, 32_768),
          CoreOptions.DEFAULT_PARALLELISM);

  // ------------------------------------------------------------------ scoring

  public static final ConfigOption<Boolean> SCORING_IN_TRAINER =
      declare(
          key("scoring.in-trainer")
              .booleanType()
              .defaultValue(true)
              .withDescription(
                  "Whether `streamner job` answers the score topic itself. `false` when serving"
                      + " jobs (`streamner serve`) answer it: the training job then reads only"
                      + " the train topic, and each request is answered once, by them."),
          Allowed.flag());

  public static final ConfigOption<Integer> SCORING_PARALLELISM =
      declare(
          key("scoring.parallelism")
              .intType()
              .noDefaultValue()
              .withDescription(
                  "Subtasks of the scoring operator (none: `parallelism`). Each holds a read-only"
                      + " replica of every model and answers any score request, so one model"
                      + " scores on this many threads while it trains on one."),
          Allowed.ints(1, 32_768));

  public static final ConfigOption<Long> SCORING_REFRESH_EXAMPLES =
      declare(
          key("scoring.refresh-examples")
              .longType()
              .defaultValue(10_000L)
              .withDescription(
                  "A model sends its changes to the scoring replicas after this many training"
                      + " windows, or after `scoring.refresh-ms`, whichever comes first. Each"
                      + " refresh carries the dense parameters and the changed word vectors, so a"
                      + " low value costs training speed. 0: by time only."),
          Allowed.longs(0, 1_000_000_000_000L));

  public static final ConfigOption<Long> SCORING_REFRESH_MS =
      declare(
          key("scoring.refresh-ms")
              .longType()
              .defaultValue(200L)
              .withDescription(
                  "Longest time a trained change waits before it reaches the scoring replicas."
                      + " From 1 ms to a minute (60,000)."),
          Allowed.longs(1, 60_000));

  public static final ConfigOption<Long> SCORING_BUFFER_TIMEOUT_MS =
      declare(
          key("scoring.buffer-timeout-ms")
              .longType()
              .defaultValue(1L)
              .withDescription(
                  "Longest time a score request waits in a network buffer on its way to the"
                      + " scorer (`pipeline.buffer-timeout-ms` is for the rest of the job); 0"
                      + " flushes every request. Up to a second (1,000)."),
          Allowed.longs(0, 1_000));

  public static final ConfigOption<Long> SCORING_LINGER_MS =
      declare(
          key("scoring.linger-ms")
              .longType()
              .defaultValue(0L)
              .withDescription(
                  "How long the producer of score predictions waits to fill a batch (Kafka's"
                      + " `linger.ms`; under load batches fill anyway while a send is in flight)."
                      + " Up to 10,000."),
          Allowed.longs(0, 10_000));

  public static final ConfigOption<String> SERVE_NAME =
      declare(
          key("serve.name")
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "Name of a scoring-only job (`streamner serve`) that follows this definition's"
                      + " snapshots (those of `job.name`): its checkpoints, lock and transactional"
                      + " ids (none: `job.name` and `-serve`). Give each serving job of one"
                      + " trainer its own."),
          Allowed.jobName());

  public static final ConfigOption<Long> BUFFER_TIMEOUT_MS =
      declare(
          key("pipeline.buffer-timeout-ms")
              .longType()
              .defaultValue(10L)
              .withDescription(
                  "Longest time a record waits in a network buffer between operators (Flink's"
                      + " 100 by default); low keeps predictions fast at low rates, 0 flushes every"
                      + " record. Up to a minute (60,000)."),
          Allowed.longs(0, 60_000),
          ExecutionOptions.BUFFER_TIMEOUT);

  public static final ConfigOption<Integer> RESTART_ATTEMPTS =
      declare(
          key("restart.attempts")
              .intType()
              .defaultValue(10)
              .withDescription(
                  "Fixed-delay restarts before the job fails (another strategy:"
                      + " `flink.restart-strategy.type`)."),
          Allowed.ints(0, Integer.MAX_VALUE),
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS);

  public static final ConfigOption<Long> RESTART_DELAY_MS =
      declare(
          key("restart.delay-ms")
              .longType()
              .defaultValue(1000L)
              .withDescription("Pause between restarts. Up to an hour (3,600,000)."),
          Allowed.longs(0, 3_600_000),
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY);

  public static final ConfigOption<JobDefinition.Delivery> PREDICTIONS_DELIVERY =
      declare(
          key("predictions.delivery")
              .enumType(JobDefinition.Delivery.class)
              .defaultValue(JobDefinition.Delivery.AT_LEAST_ONCE)
              .withDescription(
                  "`exactly-once` makes predictions visible only at checkpoints (more latency)."),
          Allowed.oneOf(JobDefinition.Delivery.class));

  public static final ConfigOption<Long> PREDICTIONS_LINGER_MS =
      declare(
          key("predictions.linger-ms")
              .longType()
              .defaultValue(5L)
              .withDescription(
                  "How long the predictions producer waits to fill a batch (Kafka's `linger.ms`;"
                      + " batches hold up to 256 KB): raise it (say 25) for throughput with many"
                      + " models, at that much latency. Up to 10,000: a prediction should not wait"
                      + " longer than a checkpoint interval."),
          Allowed.longs(0, 10_000));

  public static final ConfigOption<String> FINAL_MODEL_DIR =
      declare(
          key("final-model.dir")
              .stringType()
              .noDefaultValue()
              .withDescription("With a bounded source: write `<TYPE>.model` here at the end."),
          Allowed.anyText());

  // ------------------------------------------------------------------ the local Flink

  public static final ConfigOption<String> WEB_BIND_ADDRESS =
      declare(
          key("web.bind-address")
              .stringType()
              .defaultValue("127.0.0.1")
              .withDescription(
                  "Where the local Flink of `streamner job` and `demo` serves its REST API and web"
                      + " UI. The default lets only this machine in: the REST API runs jobs and"
                      + " takes jar uploads, without authentication. `0.0.0.0` opens it to every"
                      + " network. Flink's other listeners (RPC, blob server, data exchange) stay on"
                      + " 127.0.0.1 unless `flink.*` moves them. Not used on a cluster."),
          Allowed.nonEmpty(),
          RestOptions.BIND_ADDRESS);

  public static final ConfigOption<Integer> WEB_PORT =
      declare(
          key("web.port")
              .intType()
              .defaultValue(8081)
              .withDescription(
                  "Port of that REST API and web UI; when it is taken, any free port (the command"
                      + " prints the address); 0: any free port. Not used on a cluster."),
          Allowed.ints(0, 65_535),
          RestOptions.BIND_PORT,
          RestOptions.PORT);

  public static final ConfigOption<Map<String, String>> FLINK_PROPERTIES =
      declarePrefix(
          key("flink")
              .mapType()
              .defaultValue(Map.of())
              .withDescription(
                  "Any Flink configuration key, set on the job's configuration after streamner's"
                      + " own, so it wins: `flink.restart-strategy.type = exponential-delay`,"
                      + " `flink.metrics.reporter.prom.factory.class = ...`, memory sizes. Not the"
                      + " Flink keys that a key above decides (set that key instead). Values of keys"
                      + " Flink counts as sensitive (`password`, `secret`, ...) are hidden in"
                      + " output."),
          "<key>",
          Allowed.entries("Flink configuration keys", (key, value) -> null));
}
