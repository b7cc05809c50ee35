package io.streamner.job;

import io.streamner.model.Dense;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.OnlineLearner;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import io.streamner.text.Vocabulary;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * The models of one model-operator subtask: their keyed state, declared here and nowhere else, and
 * the live copies the operator trains.
 *
 * <p><b>State</b>, per model (the key): the word vectors, one MapState entry per word (a window
 * reads and writes only its C columns); occurrence counts of words without a column yet, one entry
 * per word that expires ({@link #wordCountState}); and a {@link ModelCheckpoint} ValueState with
 * the dense parameters and counters. The dense parameters change with every example, so they live
 * in a {@link LiveModel} and go into the ValueState only in {@link #writeBack}, which the operator
 * calls just before Flink snapshots the keyed state: every checkpoint holds each model exactly as
 * of its barrier, and RocksDB never serialises W per example.
 *
 * <p>The word vectors and the dense parameters are in the model's precision ({@code
 * model.precision}, see {@link JobPrecision}): {@code V} is one word vector, {@code P} the dense
 * parameters.
 *
 * <p>Methods that take a model name make it the current key first; the others work on the current
 * key.
 */
final class ModelStore<V, P extends Dense> {
  static final ValueStateDescriptor<ModelCheckpoint> MODEL_STATE =
      new ValueStateDescriptor<>("model", ModelCheckpoint.class);

  /**
   * The occurrence count of one word without a column: a ValueState whose namespace is the word, so
   * that each count is an entry of its own in the state backend. Its TTL ({@code
   * model.count-ttl-seconds}) then frees one-off words one by one: the heap backend's incremental
   * cleanup visits a few entries per state access, and a MapState would make all of a model's
   * counts one entry, copied whole at every visit.
   */
  static ValueStateDescriptor<Long> wordCountState(Duration ttl) {
    ValueStateDescriptor<Long> descriptor =
        new ValueStateDescriptor<>("word-count", LongSerializer.INSTANCE);
    if (!ttl.isZero()) descriptor.enableTimeToLive(countTtl(ttl));
    return descriptor;
  }

  /**
   * The TTL of a word count: from its last write (a read does not renew it), never returned once
   * expired (so that what the learner sees depends on the clock, not on when cleanup ran). Cleanup
   * that frees memory: on the heap, each access to the counts also checks the next {@value
   * #CLEANUP_PER_ACCESS} entries (a sentence reads and writes each new word's count, so expired
   * counts are found faster than new ones arrive); on RocksDB, the compaction filter drops expired
   * counts, and a periodic compaction of the counts' files reaches those that no compaction would
   * otherwise touch. Checkpoints of the heap backend leave expired counts out.
   */
  private static StateTtlConfig countTtl(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .cleanupIncrementally(CLEANUP_PER_ACCESS, false)
        .cleanupInRocksdbCompactFilter(1000, Duration.ofDays(1))
        .cleanupFullSnapshot()
        .build();
  }

  /** Count entries the heap backend checks for expiry at each access to the counts. */
  private static final int CLEANUP_PER_ACCESS = 10;

  private final JobDefinition definition;
  private final JobPrecision<V, P> precision;
  private final KeyContext keys;
  private final ModelSeeds seeds;
  private final ValueState<ModelCheckpoint> modelState;
  private final JobPrecision.DenseState<P> denseState;
  private final MapState<String, V> columns;
  private final InternalValueState<String, String, Long> wordCounts;
  private final Map<String, LiveModel<V, P>> live = new HashMap<>();

  @SuppressWarnings("unchecked") // the backend's state for a ValueState descriptor is internal
  ModelStore(
      JobDefinition definition,
      JobPrecision<V, P> precision,
      RuntimeContext context,
      KeyedStateBackend<String> backend,
      KeyContext keys)
      throws Exception {
    this.definition = definition;
    this.precision = precision;
    this.keys = keys;
    this.seeds = new ModelSeeds(definition);
    this.modelState = context.getState(MODEL_STATE);
    this.denseState = precision.denseState(context, definition.hyperparameters());
    this.columns = context.getMapState(precision.columnsState());
    this.wordCounts =
        (InternalValueState<String, String, Long>)
            backend.getOrCreateKeyedState(
                StringSerializer.INSTANCE, wordCountState(definition.countTtl()));
  }

  ModelSeeds seeds() {
    return seeds;
  }

  /** The job's definition of the models this store holds. */
  JobDefinition definition() {
    return definition;
  }

  JobPrecision<V, P> precision() {
    return precision;
  }

  /**
   * The settings of a binary or typed model's learner: the definition's, with its token normaliser
   * (their step size schedules differ).
   */
  private OnlineLearner.Settings settings(boolean typed) {
    return new OnlineLearner.Settings(
        definition.hyperparameters(typed),
        seeds.normalizer(),
        definition.minCount(),
        definition.decay(),
        definition.maxVocabulary());
  }

  /**
   * The live model named {@code model}, which becomes the current key: from memory, from state
   * after a restore, or from its seed when the job first sees it.
   */
  LiveModel<V, P> get(String model) throws Exception {
    keys.setCurrentKey(model);
    LiveModel<V, P> m = live.get(model);
    if (m != null) return m;
    ModelCheckpoint stored = modelState.value();
    m = stored != null ? restore(model, stored) : seed(model);
    live.put(model, m);
    return m;
  }

  /** The models live in this run. */
  java.util.Collection<LiveModel<V, P>> live() {
    return live.values();
  }

  /** Whether this subtask holds a model of that name, live or in state. */
  boolean exists(String model) throws Exception {
    keys.setCurrentKey(model);
    return live.containsKey(model) || modelState.value() != null;
  }

  /** The occurrence counts of the current key's words without a column. */
  OnlineLearner.WordCounts wordCounts() {
    return counts;
  }

  private final OnlineLearner.WordCounts counts =
      new OnlineLearner.WordCounts() {
        @Override
        public long count(String word) throws Exception {
          wordCounts.setCurrentNamespace(word);
          Long count = wordCounts.value();
          return count == null ? 0 : count;
        }

        @Override
        public void put(String word, long count) throws Exception {
          wordCounts.setCurrentNamespace(word);
          wordCounts.update(count);
        }

        @Override
        public void remove(String word) throws Exception {
          wordCounts.setCurrentNamespace(word);
          wordCounts.clear();
        }
      };

  /** Every word vector of the current key's model, as the state holds it. */
  Iterable<Map.Entry<String, V>> allColumns(LiveModel<V, P> m) throws Exception {
    m.columns.writeBack();
    return columns.entries();
  }

  /** The current key's vector of {@code word}, as the state holds it. */
  V column(LiveModel<V, P> m, String word) throws Exception {
    m.columns.writeBack();
    return columns.get(word);
  }

  /** The current key's model as a model file holds it, binary or typed, in the job's precision. */
  TaggingModel toModel(LiveModel<V, P> m) throws Exception {
    Map<String, V> all = new HashMap<>();
    for (Map.Entry<String, V> column : allColumns(m)) {
      all.put(column.getKey(), column.getValue());
    }
    Hyperparameters hp = definition.hyperparameters(m.typed());
    LiveParameters<V, P> p = m.parameters;
    if (!m.typed()) {
      return NerModel.fromColumns(
          m.name, hp, seeds.normalizer(), all, p.dense, m.counters.examplesSeen);
    }
    Map<String, double[]> vectors = new HashMap<>();
    all.forEach((word, v) -> vectors.put(word, precision.values(v)));
    return TypedModel.fromColumns(
        p.tagSet,
        hp,
        seeds.normalizer(),
        vectors,
        p.current(), // a copy
        m.counters.examplesSeen);
  }

  /** Writes every live model into keyed state, just before Flink snapshots that state. */
  void writeBack() throws Exception {
    for (LiveModel<V, P> m : live.values()) {
      keys.setCurrentKey(m.name);
      m.columns.writeBack();
      if (!m.dirty) continue;
      // A copy: the heap backend keeps the object itself and serialises it asynchronously,
      // while this task goes on changing the live counters. The dense parameters go in as a new
      // array for the same reason.
      ModelCheckpoint stored = m.counters.copy();
      // The state of a binary model keeps the layout it always had (dense parameters alone).
      LiveParameters<V, P> p = m.parameters;
      if (!m.typed()) {
        denseState.store(stored, p.dense);
      } else {
        denseState.storeTyped(stored, p.current().flatten());
        stored.tags = p.tagSet.tags().toArray(new String[0]);
        stored.capitalizationDim = p.capitalizationDim();
        TokenFeatures features = definition.hyperparameters(true).features();
        stored.tokenFeatures = features.kinds().isEmpty() ? null : features.keys();
        stored.featureBuckets = features.buckets();
      }
      stored.changedWords = m.changed.toArray(new String[0]);
      Hyperparameters hp = definition.hyperparameters();
      stored.windowSize = hp.windowSize();
      stored.dim = hp.dim();
      stored.hidden = hp.hidden();
      modelState.update(stored);
      m.dirty = false;
    }
  }

  /**
   * Checks every model the restored state holds against the definition, as soon as the operator
   * opens: a job resumed under a definition that changed a model's shape or precision stops at
   * once, before a record reaches the model (or a checkpoint of the run makes it look like a later
   * failure).
   */
  void checkRestored(KeyedStateBackend<String> backend) throws Exception {
    backend.applyToAllKeys(
        VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE,
        MODEL_STATE,
        (model, state) -> checkShape(model, state.value()));
  }

  /**
   * A model back from a checkpoint. Its shape must be the definition's: window, dim and hidden (and
   * a typed model's tag set and k) cannot change under a running job, and a restart would only fail
   * again, so the job stops.
   */
  private LiveModel<V, P> restore(String model, ModelCheckpoint stored) throws Exception {
    checkShape(model, stored);
    Hyperparameters hp = definition.hyperparameters();
    Set<String> changed =
        new LinkedHashSet<>(
            Arrays.asList(stored.changedWords == null ? new String[0] : stored.changedWords));
    ColumnCache<V> cache = new ColumnCache<>(columns, definition.columnCache());
    TagSet tagSet = definition.tagSet(model);
    // The live counters must not be the state's object (see writeBack).
    if (tagSet != null) {
      DenseWithCapitals dense =
          DenseWithCapitals.unflatten(
              definition.hyperparameters(true),
              tagSet.size(),
              stored.capitalizationDim,
              denseState.typedValues(stored));
      return new LiveModel<>(
          model,
          parameters(tagSet, dense.parameters(), precision.vectors().vectors(dense.capitals())),
          stored.copy(),
          changed,
          cache,
          false);
    }
    return new LiveModel<>(
        model,
        parameters(null, denseState.restore(stored), null),
        stored.copy(),
        changed,
        cache,
        false);
  }

  private void checkShape(String model, ModelCheckpoint stored) {
    Hyperparameters hp = definition.hyperparameters();
    if (!denseState.holds(stored)) {
      Precision theirs =
          precision.precision() == Precision.FLOAT ? Precision.DOUBLE : Precision.FLOAT;
      throw new SuppressRestartsException(
          new IllegalStateException(
              "the restored state of model "
                  + model
                  + " is a "
                  + theirs
                  + " model but the job definition says model.precision = "
                  + precision.precision()
                  + ": a model's precision cannot change under its state. Set model.precision = "
                  + theirs
                  + " in the definition (float is the default when it is not set), or start over without the state (streamner job --fresh); to carry the"
                  + " model over, export it and start the new job from the file"
                  + " (model.init."
                  + model
                  + ")"));
    }
    boolean sameShape =
        stored.windowSize == 0
            ? stored.dense.length == hp.hidden() * hp.inputSize() + 2 * hp.hidden() + 1
            : stored.windowSize == hp.windowSize()
                && stored.dim == hp.dim()
                && stored.hidden == hp.hidden();
    if (!sameShape) {
      throw new SuppressRestartsException(
          new IllegalStateException(
              "the restored state of model "
                  + model
                  + " has model.window = "
                  + stored.windowSize
                  + ", model.dim = "
                  + stored.dim
                  + ", model.hidden = "
                  + stored.hidden
                  + " but the job definition says "
                  + hp.windowSize()
                  + ", "
                  + hp.dim()
                  + ", "
                  + hp.hidden()
                  + ": a model's shape cannot change. Go back to the old values, or start"
                  + " over without the state (streamner job --fresh)"));
    }
    checkTagSet(model, stored);
  }

  /**
   * A typed model's tag set and capitalisation features are part of its shape (U has a row per tag,
   * W a column per capitalisation value): {@code model.tag-scheme} and {@code model.caps-dim}
   * cannot change under it.
   */
  private void checkTagSet(String model, ModelCheckpoint stored) {
    TagSet tagSet = definition.tagSet(model);
    List<String> mine = tagSet == null ? null : tagSet.tags();
    List<String> theirs = stored.tags == null ? null : Arrays.asList(stored.tags);
    int k = tagSet == null ? 0 : definition.typed().capitalizationDim();
    TokenFeatures features =
        tagSet == null ? TokenFeatures.none() : definition.hyperparameters(true).features();
    TokenFeatures storedFeatures =
        stored.tokenFeatures == null
            ? TokenFeatures.none()
            : new TokenFeatures(TokenFeatures.parse(stored.tokenFeatures), stored.featureBuckets);
    if (Objects.equals(mine, theirs)
        && k == stored.capitalizationDim
        && features.equals(storedFeatures)) {
      return;
    }
    throw new SuppressRestartsException(
        new IllegalStateException(
            "the restored state of model "
                + model
                + " has "
                + describe(theirs, stored.capitalizationDim, storedFeatures)
                + " but the job definition says "
                + describe(mine, k, features)
                + " (model.tag-scheme, model.caps-dim, model.token-features,"
                + " model.feature-buckets): a model's shape cannot change. Go back"
                + " to the old values"
                + schemeHint(theirs, tagSet)
                + (storedFeatures.kinds().isEmpty() && !features.kinds().isEmpty()
                    ? " (state without token features: model.token-features = an empty value)"
                    : "")
                + ", or start over without the state (streamner job --fresh)"));
  }

  /**
   * The setting that restores a model trained under the other tag scheme (BIO was the default
   * before BIOES): the same types, tags of the other scheme.
   */
  private static String schemeHint(List<String> stored, TagSet mine) {
    if (stored == null || mine == null) return "";
    for (TagSet.Scheme other : TagSet.Scheme.values()) {
      if (other != mine.scheme() && new TagSet(other, mine.types()).tags().equals(stored)) {
        return " (model.tag-scheme = " + other + ")";
      }
    }
    return "";
  }

  private static String describe(List<String> tags, int capitalizationDim, TokenFeatures f) {
    return tags == null
        ? "a binary model"
        : "tags "
            + String.join(" ", tags)
            + ", model.caps-dim = "
            + capitalizationDim
            + " and token features "
            + f.describe();
  }

  /** First sight of a model: its seed's vectors go into state, once. */
  private LiveModel<V, P> seed(String model) throws Exception {
    TaggingModel seed = seeds.seed(model);
    Vocabulary vocabulary = seed.input().vocabulary();
    Set<String> changed = new LinkedHashSet<>();
    for (int id = 0; id < vocabulary.size(); id++) {
      columns.put(vocabulary.word(id), precision.vector(seed.input(), id));
      changed.add(vocabulary.word(id));
    }
    ModelCheckpoint c = new ModelCheckpoint();
    c.examplesSeen = seed.examplesTrained();
    c.examplesAtSnapshot = c.examplesSeen;
    c.columns = vocabulary.size();
    ColumnCache<V> cache = new ColumnCache<>(columns, definition.columnCache());
    TagSet tagSet = seed instanceof TypedModel typed ? typed.tagSet() : null;
    LiveModel<V, P> m =
        new LiveModel<>(
            model,
            parameters(
                tagSet, seed.weights(), tagSet == null ? null : precision.capitals(seed.input())),
            c,
            changed,
            cache,
            true);
    m.dirty = true;
    m.unsent.addAll(changed);
    m.updateDue = true;
    m.updateFull = true;
    return m;
  }

  /**
   * A model's live parameters in the job's precision (copies of {@code dense} and E), with its
   * learner.
   *
   * @param tagSet a typed model's tags, null for a binary model
   * @param capitals E, or null without capitalisation features
   */
  private LiveParameters<V, P> parameters(TagSet tagSet, Dense dense, V[] capitals) {
    OnlineLearner<V, P> learner =
        tagSet == null
            ? OnlineLearner.of(settings(false), 1, 0)
            : OnlineLearner.of(
                settings(true), tagSet.size(), definition.typed().capitalizationDim());
    return new LiveParameters<>(tagSet, learner, dense, capitals);
  }
}
