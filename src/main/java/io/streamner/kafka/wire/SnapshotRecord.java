package io.streamner.kafka.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.annotation.Nulls;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Hyperparameters;
import io.streamner.model.Precision;
import io.streamner.text.Checks;
import io.streamner.text.ModelName;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import java.util.Objects;

/**
 * One record of the compacted {@code snapshots} topic. A model version is written as its dense
 * parameters in {@link DenseChunk}s, the word vectors that changed as {@link Column}s, and last a
 * {@link Manifest} that closes the version. Every record names its namespace (the job that wrote
 * it), its model and its version.
 *
 * <p>The split exists because of compaction: Kafka keeps the latest value per key, so with one key
 * per dense chunk, per word and per model manifest the topic always holds the latest version's
 * dense parameters, the latest vector of every word and the latest manifest, however long the job
 * has run, while a version only writes the words it changed. Encoding, keys and partitions: {@link
 * SnapshotCodec}. Every number a snapshot holds is finite: a record refuses NaN and infinities, so
 * that a diverged model is never published as if it were one.
 *
 * <p>A float model's chunks and columns are {@link Precision#FLOAT} ({@code "dtype": "float32"} on
 * the wire, four bytes a value); a double model's are {@link Precision#DOUBLE}, written without a
 * {@code dtype} as before float models existed. In Java the values are doubles either way: a float
 * record holds only values that are floats, and refuses any other.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(SnapshotRecord.DenseChunk.class),
  @JsonSubTypes.Type(SnapshotRecord.Column.class),
  @JsonSubTypes.Type(SnapshotRecord.Manifest.class)
})
public sealed interface SnapshotRecord
    permits SnapshotRecord.DenseChunk, SnapshotRecord.Column, SnapshotRecord.Manifest {

  /**
   * The namespace of records built without one: the default job name, so that a job that does not
   * pass its name writes what a job called {@code streamner} would.
   */
  String DEFAULT_NAMESPACE = "streamner";

  /**
   * Who wrote the record (the job's name by default), so that two jobs writing one topic never mix
   * their models: a non-blank name of at most 1,000 characters without {@code /} (keys start with
   * it).
   */
  String namespace();

  /** The canonical entity type of the model, e.g. {@code PER}. */
  String model();

  /** The version the record belongs to; versions of a model increase by one per snapshot. */
  long version();

  /**
   * The wire {@code type}: {@code dense}, {@code column} or {@code manifest}. Read from the
   * record's {@link JsonTypeName}, so that the name Jackson writes and this one are declared once.
   */
  default String type() {
    return getClass().getAnnotation(JsonTypeName.class).value();
  }

  /**
   * Why a name cannot be a namespace, or null if it can: what a job definition checks its job name
   * with.
   */
  static String namespaceProblem(String namespace) {
    String problem = Checks.text(namespace, "namespace");
    return problem == null && namespace.indexOf('/') >= 0
        ? "namespace "
            + Checks.quote(namespace)
            + " holds a '/', which separates the parts of a key"
        : problem;
  }

  /**
   * Values {@code [offset, offset + data.length)} of {@code DenseParameters.flatten()} (W row by
   * row, b1, U, b2) of one version.
   *
   * @param namespace the namespace
   * @param model the model
   * @param version the version
   * @param chunk this chunk's number, 0-based
   * @param chunks how many chunks the version's dense parameters take
   * @param offset index of {@code data[0]} in the flat array
   * @param data the values, finite; not copied by the accessor, do not modify
   * @param dtype how the values travel: float64, or float32 for a float model (then every value
   *     must be a float)
   */
  @JsonPropertyOrder({
    "namespace",
    "model",
    "version",
    "chunk",
    "chunks",
    "offset",
    "count",
    "dtype",
    "data"
  })
  @JsonTypeName("dense")
  record DenseChunk(
      String namespace,
      String model,
      long version,
      int chunk,
      int chunks,
      int offset,
      double[] data,
      @SnapshotCodec.Dtype Precision dtype)
      implements SnapshotRecord {

    /**
     * @throws IllegalArgumentException if a number is out of range, data is empty or holds a value
     *     that is not finite (or, in a float chunk, not a float)
     */
    public DenseChunk {
      common(namespace, model, version);
      if (chunks < 1 || chunk < 0 || chunk >= chunks || offset < 0) {
        throw new IllegalArgumentException(
            "dense chunk " + chunk + " of " + chunks + " at offset " + offset + " is out of range");
      }
      dtype = Objects.requireNonNullElse(dtype, Precision.DOUBLE);
      data =
          Doubles.finiteCopy(
              data,
              "data",
              dtype,
              () -> "dense chunk " + chunk + " holds no values",
              i ->
                  "value "
                      + (offset + i)
                      + " of the dense parameters of "
                      + model
                      + " version "
                      + version);
    }

    @JsonCreator
    static DenseChunk fromJson(
        @JsonProperty("namespace") String namespace,
        @JsonProperty("model") String model,
        @JsonProperty("version") long version,
        @JsonProperty("chunk") int chunk,
        @JsonProperty("chunks") int chunks,
        @JsonProperty("offset") int offset,
        @JsonProperty("count") int count,
        @JsonProperty("dtype") @SnapshotCodec.Dtype Precision dtype,
        @JsonProperty("data") String data) {
      double[] values = SnapshotCodec.decodeVector(data, dtype);
      if (count != values.length) {
        throw new IllegalArgumentException(
            "count is " + count + " but data holds " + values.length + " values");
      }
      return new DenseChunk(namespace, model, version, chunk, chunks, offset, values, dtype);
    }

    /** The wire's {@code data}: base64 of the values as {@link #dtype}. */
    @JsonProperty("data")
    String encodedData() {
      return SnapshotCodec.encodeVector(data, dtype);
    }

    /** Number of values in the chunk (the wire's {@code count}). */
    @JsonProperty
    public int count() {
      return data.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DenseChunk c
          && sameVersion(this, c)
          && chunk == c.chunk
          && chunks == c.chunks
          && offset == c.offset
          && dtype == c.dtype
          && Doubles.sameBits(data, c.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(namespace, model, version, chunk, chunks, offset, dtype) * 31
          + Doubles.hash(data);
    }
  }

  /**
   * The vector of one word (a column of L in the spec) as of a version.
   *
   * @param namespace the namespace
   * @param model the model
   * @param version the version that wrote this vector
   * @param word the vocabulary word (normalised: lowercase, numbers possibly mapped)
   * @param vector its n values, finite; not copied by the accessor, do not modify
   * @param dtype how the values travel: float64, or float32 for a float model (then every value
   *     must be a float)
   */
  @JsonPropertyOrder({"namespace", "model", "version", "word", "dtype", "vector"})
  @JsonTypeName("column")
  record Column(
      String namespace,
      String model,
      long version,
      String word,
      double[] vector,
      @SnapshotCodec.Dtype Precision dtype)
      implements SnapshotRecord {

    /**
     * @throws IllegalArgumentException if the word is blank, the vector empty or not finite (or, in
     *     a float column, not all floats)
     */
    public Column {
      common(namespace, model, version);
      Checks.require(Checks.text(word, "word"));
      dtype = Objects.requireNonNullElse(dtype, Precision.DOUBLE);
      String of = Checks.quote(word);
      vector =
          Doubles.finiteCopy(
              vector,
              "vector",
              dtype,
              () -> "the vector of " + of + " is empty",
              i -> "value " + i + " of the vector of " + of);
    }

    @JsonCreator
    static Column fromJson(
        @JsonProperty("namespace") String namespace,
        @JsonProperty("model") String model,
        @JsonProperty("version") long version,
        @JsonProperty("word") String word,
        @JsonProperty("dtype") @SnapshotCodec.Dtype Precision dtype,
        @JsonProperty("vector") String vector) {
      return new Column(
          namespace, model, version, word, SnapshotCodec.decodeVector(vector, dtype), dtype);
    }

    /** The wire's {@code vector}: base64 of the values as {@link #dtype}. */
    @JsonProperty("vector")
    String encodedVector() {
      return SnapshotCodec.encodeVector(vector, dtype);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Column c
          && sameVersion(this, c)
          && word.equals(c.word)
          && dtype == c.dtype
          && Doubles.sameBits(vector, c.vector);
    }

    @Override
    public int hashCode() {
      return Objects.hash(namespace, model, version, word, dtype) * 31 + Doubles.hash(vector);
    }
  }

  /**
   * Closes a version: written after its dense chunks and columns, so a reader that has seen the
   * manifest has seen the whole version.
   *
   * @param namespace the namespace
   * @param model the model
   * @param version the version closed
   * @param full whether this version wrote every column of the vocabulary (the first version of a
   *     model does); otherwise it wrote only the columns changed since the last version
   * @param examplesSeen training windows the model has seen
   * @param columnsWritten columns written in this version
   * @param vocabularySize words in the vocabulary: the columns a complete reader ends up with
   * @param denseChunks dense chunks written in this version
   * @param denseValues length of the flat dense array, H*nC + 2H + 1
   * @param hyperparameters the model's shape and training settings
   * @param normalizer how tokens become words (always lowercase; numbers mapped or not)
   * @param metrics recent quality of the model
   * @param createdAt when the version was closed, epoch milliseconds
   * @param tagSet a typed model's tag scheme and types (its output layer's tags), null for a binary
   *     model; its dense values are then {@code DenseWithCapitals.flatten()}: W, b1, U (a row per
   *     tag), b2 (a value per tag) and the capitalisation vectors E
   * @param capitalizationDim a typed model's k (values per capitalisation vector, 0 for none); null
   *     for a binary model
   */
  @JsonTypeName("manifest")
  record Manifest(
      String namespace,
      String model,
      long version,
      boolean full,
      long examplesSeen,
      long columnsWritten,
      long vocabularySize,
      int denseChunks,
      int denseValues,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Metrics metrics,
      long createdAt,
      @JsonSetter(nulls = Nulls.SET) TagSet tagSet,
      @JsonSetter(nulls = Nulls.SET) Integer capitalizationDim)
      implements SnapshotRecord {

    /**
     * Checks the counts against each other and against the hyper-parameters, so that a reader can
     * trust them to size and verify what it assembles.
     *
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public Manifest {
      common(namespace, model, version);
      Objects.requireNonNull(hyperparameters, "hyperparameters");
      Objects.requireNonNull(normalizer, "normalizer");
      Objects.requireNonNull(metrics, "metrics");
      if (examplesSeen < 0 || columnsWritten < 0 || vocabularySize < 0 || createdAt < 0) {
        throw new IllegalArgumentException(
            "examples_seen, columns_written, vocabulary_size and created_at must not be negative");
      }
      if (columnsWritten > vocabularySize) {
        throw new IllegalArgumentException(
            "columns_written ("
                + columnsWritten
                + ") exceeds vocabulary_size ("
                + vocabularySize
                + ")");
      }
      if (full && columnsWritten != vocabularySize) {
        throw new IllegalArgumentException(
            "a full version writes every column, but columns_written is "
                + columnsWritten
                + " of "
                + vocabularySize);
      }
      if ((tagSet == null) != (capitalizationDim == null)) {
        throw new IllegalArgumentException(
            "tag_set and capitalization_dim come together (a typed model) or not at all");
      }
      if (capitalizationDim != null) {
        NonNegative.require("capitalization_dim", capitalizationDim);
      }
      if (tagSet != null && !model.equals(String.join(ModelName.SEPARATOR, tagSet.types()))) {
        throw new IllegalArgumentException(
            "the tag set's types " + tagSet.types() + " are not those of model " + model);
      }
      long expected =
          tagSet != null
              ? DenseWithCapitals.size(hyperparameters, tagSet.size(), capitalizationDim)
              : (long) hyperparameters.hidden() * hyperparameters.inputSize()
                  + 2L * hyperparameters.hidden()
                  + 1;
      if (denseValues != expected) {
        throw new IllegalArgumentException(
            "dense_values is "
                + denseValues
                + " but "
                + (tagSet != null
                    ? "the typed model's shape (H="
                        + hyperparameters.hidden()
                        + ", C="
                        + hyperparameters.windowSize()
                        + ", n="
                        + hyperparameters.dim()
                        + ", k="
                        + capitalizationDim
                        + ", "
                        + tagSet.size()
                        + " tags)"
                    : "H=" + hyperparameters.hidden() + ", nC=" + hyperparameters.inputSize())
                + " make "
                + expected);
      }
      if (denseChunks < 1 || denseChunks > denseValues) {
        throw new IllegalArgumentException(
            "dense_chunks is " + denseChunks + " for " + denseValues + " values");
      }
    }
  }

  /**
   * Recent quality of a model, as measured by the job (e.g. prequentially). A value that was not
   * measured or is not a number (precision with no positive prediction yet) is NaN here and {@code
   * null} on the wire (JSON has no NaN).
   *
   * @param loss mean cross-entropy loss
   * @param precision token precision of the model's entity type
   * @param recall token recall
   * @param f1 token F1
   */
  record Metrics(double loss, double precision, double recall, double f1) {

    /** All four unknown. */
    public static Metrics unknown() {
      return new Metrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The wire form: a value that is not a finite number is null. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    private record Wire(Double loss, Double precision, Double recall, Double f1) {}

    @JsonValue
    private Wire toJson() {
      return new Wire(finite(loss), finite(precision), finite(recall), finite(f1));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    private static Metrics fromJson(Wire w) {
      return new Metrics(nan(w.loss), nan(w.precision), nan(w.recall), nan(w.f1));
    }

    private static Double finite(double v) {
      return Double.isFinite(v) ? v : null;
    }

    private static double nan(Double v) {
      return v == null ? Double.NaN : v;
    }
  }

  /** The part of equality every record shares: of one namespace, model and version. */
  private static boolean sameVersion(SnapshotRecord a, SnapshotRecord b) {
    return a.namespace().equals(b.namespace())
        && a.model().equals(b.model())
        && a.version() == b.version();
  }

  private static void common(String namespace, String model, long version) {
    Checks.require(namespaceProblem(namespace));
    Checks.require(Checks.model(model, "model"));
    NonNegative.require("version", version);
  }
}
