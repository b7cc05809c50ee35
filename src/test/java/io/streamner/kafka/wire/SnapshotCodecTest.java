package io.streamner.kafka.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.SnapshotRecord.Column;
import io.streamner.kafka.wire.SnapshotRecord.DenseChunk;
import io.streamner.kafka.wire.SnapshotRecord.Manifest;
import io.streamner.kafka.wire.SnapshotRecord.Metrics;
import io.streamner.model.DenseParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.Precision;
import io.streamner.text.TokenNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunking, keys, partitions, vectors and the JSON of the snapshots topic. */
class SnapshotCodecTest {

  /**
   * Bit patterns a careless codec would change: NaN payloads, signalling NaN, -0.0, subnormals. The
   * codec keeps them all; the records take only {@link #FINITE}.
   */
  static final double[] AWKWARD = {
    Double.longBitsToDouble(0x7ff8000000000123L),
    Double.longBitsToDouble(0xfff8000000000abcL),
    Double.longBitsToDouble(0x7ff0000000000001L),
    -0.0,
    0.0,
    Double.MIN_VALUE,
    Double.longBitsToDouble(0x000fffffffffffffL),
    Double.MAX_VALUE,
    Double.NEGATIVE_INFINITY,
    Double.POSITIVE_INFINITY,
    0.1,
    -1.0 / 3
  };

  /** The finite ones of {@link #AWKWARD}: what a snapshot record may hold. */
  static final double[] FINITE = Arrays.stream(AWKWARD).filter(Double::isFinite).toArray();

  static Manifest manifest(Metrics metrics) {
    Hyperparameters hp = new Hyperparameters(5, 100, 100, 0.01, 0.0001, -42);
    return new Manifest(
        "streamner",
        "PER",
        7,
        false,
        20031,
        412,
        40211,
        2,
        50201,
        hp,
        new TokenNormalizer(true),
        metrics,
        1764115203000L,
        null,
        null);
  }

  /** {@link #manifest} of a float model: float32 chunks and columns, precision float. */
  static Manifest floatManifest() {
    Manifest m = manifest(new Metrics(0.05, 0.8, 0.85, 0.82));
    return new Manifest(
        m.namespace(),
        m.model(),
        m.version(),
        m.full(),
        m.examplesSeen(),
        m.columnsWritten(),
        m.vocabularySize(),
        m.denseChunks(),
        m.denseValues(),
        m.hyperparameters().withPrecision(Precision.FLOAT),
        m.normalizer(),
        m.metrics(),
        m.createdAt(),
        m.tagSet(),
        m.capitalizationDim());
  }

  static void assertSameBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(actual[i]),
          "value " + i);
    }
  }

  @Test
  void vectorsRoundTripBitForBit() {
    assertSameBits(AWKWARD, SnapshotCodec.decodeVector(SnapshotCodec.encodeVector(AWKWARD)));
    assertSameBits(
        new double[0], SnapshotCodec.decodeVector(SnapshotCodec.encodeVector(new double[0])));
    // Little-endian: 1.0 is 00 00 00 00 00 00 F0 3F.
    assertEquals("AAAAAAAA8D8=", SnapshotCodec.encodeVector(new double[] {1.0}));
  }

  @Test
  void brokenVectorsAreReported() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> SnapshotCodec.decodeVector("not base64!"))
            .getMessage()
            .contains("not valid base64"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SnapshotCodec.decodeVector("AAAAAAAAAAAAAAAA"))
            .getMessage()
            .contains("12 bytes, not a whole number"));
  }

  @Test
  void everySnapshotRecordRoundTripsBitForBit() {
    List<SnapshotRecord> records =
        List.of(
            new DenseChunk(
                SnapshotRecord.DEFAULT_NAMESPACE, "PER", 7, 1, 3, 32_768, FINITE, Precision.DOUBLE),
            new Column("job-1", "PER", 7, "anna", FINITE, Precision.DOUBLE),
            new Column(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "CREATIVE-WORK",
                0,
                "a/b ü 😀",
                new double[] {0.5},
                Precision.DOUBLE),
            manifest(new Metrics(0.05, 0.8, 0.85, 0.82)),
            manifest(Metrics.unknown()));
    for (SnapshotRecord r : records) {
      SnapshotRecord back = SnapshotCodec.decodeSnapshot(SnapshotCodec.encode(r));
      assertEquals(r, back);
    }
    assertSameBits(
        FINITE,
        ((DenseChunk) SnapshotCodec.decodeSnapshot(SnapshotCodec.encode(records.get(0)))).data());
    // JSON has no infinity: a metric that is not a finite number is null, read back as NaN.
    Manifest infinite =
        (Manifest)
            SnapshotCodec.decodeSnapshot(
                SnapshotCodec.encode(
                    manifest(new Metrics(Double.POSITIVE_INFINITY, 0, 1, Double.NaN))));
    assertEquals(new Metrics(Double.NaN, 0, 1, Double.NaN), infinite.metrics());
  }

  /** Float values a careless codec would change: -0, subnormals, the extremes. */
  static final double[] FLOATS = {
    -0.0f, Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MAX_VALUE, 0.1f, -1.0f / 3, 1e-30f
  };

  @Test
  void aFloatModelsRecordsTravelAsFloat32BitForBit() {
    assertEquals("AACAPw==", SnapshotCodec.encodeVector(new double[] {1.0}, Precision.FLOAT));
    assertSameBits(
        FLOATS,
        SnapshotCodec.decodeVector(
            SnapshotCodec.encodeVector(FLOATS, Precision.FLOAT), Precision.FLOAT));
    List<SnapshotRecord> records =
        List.of(
            new DenseChunk("job", "PER", 7, 1, 3, 32_768, FLOATS, Precision.FLOAT),
            new Column("job", "PER", 7, "anna", FLOATS, Precision.FLOAT),
            floatManifest());
    for (SnapshotRecord r : records) {
      byte[] json = SnapshotCodec.encode(r);
      assertEquals(r, SnapshotCodec.decodeSnapshot(json));
      String text = new String(json, StandardCharsets.UTF_8);
      assertTrue(
          text.contains(
              r instanceof Manifest ? "\"precision\":\"float\"" : "\"dtype\":\"float32\""),
          text);
    }
    // four bytes a value: 7 values are 28 bytes, 40 base64 characters
    assertTrue(
        new String(SnapshotCodec.encode(records.get(1)), StandardCharsets.UTF_8)
            .contains(
                "\"vector\":\"" + SnapshotCodec.encodeVector(FLOATS, Precision.FLOAT) + "\""));
    assertEquals(40, SnapshotCodec.encodeVector(FLOATS, Precision.FLOAT).length());
    // a double model's records are written as before: no dtype, no precision
    for (SnapshotRecord r :
        List.of(
            new Column("job", "PER", 7, "anna", FLOATS, Precision.DOUBLE),
            manifest(Metrics.unknown()),
            new DenseChunk(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "PER",
                7,
                1,
                3,
                32_768,
                FLOATS,
                Precision.DOUBLE))) {
      String text = new String(SnapshotCodec.encode(r), StandardCharsets.UTF_8);
      assertFalse(text.contains("dtype") || text.contains("\"precision\":\""), text);
    }
  }

  @Test
  void aFloatRecordHoldsOnlyFloatsAndChunksOfOneVersionShareTheirDtype() {
    assertMessage(
        "value 1 of the vector of \"anna\" is 0.1, not a float32 value",
        () -> new Column("job", "PER", 7, "anna", new double[] {0.5, 0.1}, Precision.FLOAT));
    assertMessage(
        "value 32769 of the dense parameters of PER version 7 is 0.1, not a float32 value",
        () ->
            new DenseChunk("job", "PER", 7, 1, 3, 32_768, new double[] {0, 0.1}, Precision.FLOAT));
    List<DenseChunk> chunks =
        new ArrayList<>(
            SnapshotCodec.denseChunks("job", "PER", 7, new double[40_000], Precision.FLOAT));
    chunks.set(
        1, new DenseChunk("job", "PER", 7, 1, 2, 32_768, new double[7_232], Precision.DOUBLE));
    assertMessage(
        "dense chunks of one version in float32 and float64",
        () -> SnapshotCodec.assembleDense(chunks));
    assertMessage(
        "vector has 6 bytes, not a whole number of 4-byte float32 values",
        () -> SnapshotCodec.decodeVector("AAAAAAAA", Precision.FLOAT));
    assertMessage(
        "snapshot column: field \"dtype\": dtype must be \"float64\" or \"float32\", got \"float16\"",
        () ->
            decode(
                "{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1,"
                    + " \"word\": \"anna\", \"dtype\": \"float16\", \"vector\": \"AACAPw==\"}"));
  }

  @Test
  void keysNameNamespaceModelTypeAndChunkOrWord() {
    assertEquals(
        "streamner/PER/dense/2",
        SnapshotCodec.key(
            new DenseChunk(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "PER",
                7,
                2,
                3,
                65_536,
                new double[] {1},
                Precision.DOUBLE)));
    assertEquals(
        "job-1/PER/column/anna",
        SnapshotCodec.key(
            new Column("job-1", "PER", 7, "anna", new double[] {1}, Precision.DOUBLE)));
    assertEquals(
        "streamner/LOC/column/a/b",
        SnapshotCodec.key(
            new Column(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "LOC",
                7,
                "a/b",
                new double[] {1},
                Precision.DOUBLE)));
    assertEquals("streamner/PER/manifest", SnapshotCodec.key(manifest(Metrics.unknown())));
    assertEquals(
        "streamner/ORG/column/café",
        new String(
            SnapshotCodec.keyBytes(
                new Column(
                    SnapshotRecord.DEFAULT_NAMESPACE,
                    "ORG",
                    1,
                    "café",
                    new double[] {1},
                    Precision.DOUBLE)),
            StandardCharsets.UTF_8));
  }

  @Test
  void aNamespaceIsANonBlankNameWithoutASlash() {
    assertMessage(
        "namespace \"a/b\" holds a '/'",
        () -> new Column("a/b", "PER", 1, "anna", new double[] {1}, Precision.DOUBLE));
    assertMessage(
        "namespace is empty",
        () -> new Column("", "PER", 1, "anna", new double[] {1}, Precision.DOUBLE));
    assertEquals(null, SnapshotRecord.namespaceProblem("streamner-demo"));
  }

  /** The partitions Kafka's default partitioner gives these keys (murmur2, Kafka's own). */
  @Test
  void partitionIsKafkasDefaultPartitionerOnTheModelName() {
    assertEquals(6, SnapshotCodec.partition("foobar", 10));
    assertEquals(16, SnapshotCodec.partition("foobar", 50));
    assertEquals(0, SnapshotCodec.partition("PER", 1));
    assertThrows(IllegalArgumentException.class, () -> SnapshotCodec.partition("PER", 0));
  }

  @Test
  void denseParametersSurviveChunkingInAnyOrder() {
    Hyperparameters hp = new Hyperparameters(5, 100, 100, 0.01, 0.0001, 42);
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), hp.inputSize(), 1, 42);
    double[] flat = dense.flatten();
    assertEquals(50_201, flat.length);
    List<DenseChunk> chunks = SnapshotCodec.denseChunks("PER", 7, flat);
    assertEquals(List.of(32_768, 17_433), chunks.stream().map(DenseChunk::count).toList());
    assertEquals(List.of(0, 32_768), chunks.stream().map(DenseChunk::offset).toList());

    List<DenseChunk> decoded = new ArrayList<>();
    for (DenseChunk c : chunks) {
      byte[] value = SnapshotCodec.encode(c);
      assertTrue(value.length < 400_000, "a full chunk is " + value.length + " bytes");
      decoded.add((DenseChunk) SnapshotCodec.decodeSnapshot(value));
    }
    Collections.reverse(decoded);
    assertEquals(
        dense,
        DenseParameters.unflatten(
            hp.hidden(), hp.inputSize(), 1, SnapshotCodec.assembleDense(decoded)));
  }

  @Test
  void chunkingSplitsExactlyAtTheChunkSize() {
    double[] flat = new double[3 * SnapshotCodec.CHUNK_VALUES + 1];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = i;
    }
    List<DenseChunk> chunks = SnapshotCodec.denseChunks("PER", 1, flat);
    assertEquals(4, chunks.size());
    assertEquals(1, chunks.get(3).count());
    assertTrue(chunks.stream().allMatch(c -> c.chunks() == 4));
    assertSameBits(flat, SnapshotCodec.assembleDense(chunks));
    assertEquals(
        1, SnapshotCodec.denseChunks("PER", 1, new double[SnapshotCodec.CHUNK_VALUES]).size());
  }

  @Test
  void incompleteOrMixedChunksAreRefusedWithAClearMessage() {
    double[] flat = new double[2 * SnapshotCodec.CHUNK_VALUES + 5];
    List<DenseChunk> chunks = SnapshotCodec.denseChunks("PER", 7, flat);
    assertMessage(
        "dense chunks [1] of 0..2 are missing",
        () -> SnapshotCodec.assembleDense(List.of(chunks.get(0), chunks.get(2))));
    assertMessage(
        "dense chunk 2 appears twice",
        () ->
            SnapshotCodec.assembleDense(
                List.of(chunks.get(0), chunks.get(1), chunks.get(2), chunks.get(2))));
    DenseChunk otherVersion = SnapshotCodec.denseChunks("PER", 8, flat).get(1);
    assertMessage(
        "dense chunks of different snapshots: PER version 7 and PER version 8",
        () -> SnapshotCodec.assembleDense(List.of(chunks.get(0), otherVersion, chunks.get(2))));
    DenseChunk gap = placed(chunks.get(1), 3, SnapshotCodec.CHUNK_VALUES + 1);
    assertMessage(
        "dense chunk 1 starts at 32769 but the chunks before it end at 32768",
        () -> SnapshotCodec.assembleDense(List.of(chunks.get(0), gap, chunks.get(2))));
    DenseChunk otherCount = placed(chunks.get(1), 4, SnapshotCodec.CHUNK_VALUES);
    assertMessage(
        "dense chunks disagree on their number: 3 and 4",
        () -> SnapshotCodec.assembleDense(List.of(chunks.get(0), otherCount)));
    assertMessage("no dense chunks", () -> SnapshotCodec.assembleDense(List.of()));
  }

  /** {@code c} said to be one of {@code chunks} at {@code offset}: each variant breaks one rule. */
  private static DenseChunk placed(DenseChunk c, int chunks, int offset) {
    return new DenseChunk(
        c.namespace(), c.model(), c.version(), c.chunk(), chunks, offset, c.data(), c.dtype());
  }

  @Test
  void manifestsMustBeConsistent() {
    assertMessage(
        "dense_values is 50000 but H=100, nC=500 make 50201",
        () -> binaryManifest("PER", false, 0, 50_000));
    assertMessage(
        "a full version writes every column, but columns_written is 9 of 10",
        () -> binaryManifest("PER", true, 9, 50_201));
    assertMessage(
        "model \"person\" is not canonical; write \"PER\"",
        () -> binaryManifest("person", true, 10, 50_201));
  }

  /**
   * Version 1 of a binary model (H=100, nC=500) with 10 words in 2 chunks: each check of {@link
   * #manifestsMustBeConsistent} breaks one rule through the values given.
   */
  private static Manifest binaryManifest(
      String model, boolean full, long columnsWritten, int denseValues) {
    return new Manifest(
        "streamner",
        model,
        1,
        full,
        0,
        columnsWritten,
        10,
        2,
        denseValues,
        new Hyperparameters(5, 100, 100, 0.01, 0.0001, 42),
        new TokenNormalizer(false),
        Metrics.unknown(),
        0,
        null,
        null);
  }

  @Test
  void damagedSnapshotRecordsNameTheProblem() {
    assertMessage(
        "snapshot record: unknown type \"weights\"; expected dense, column or manifest",
        () -> decode("{\"type\": \"weights\", \"model\": \"PER\", \"version\": 1}"));
    assertMessage(
        "snapshot dense: count is 2 but data holds 1 values",
        () ->
            decode(
                "{\"type\": \"dense\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1, \"chunk\": 0, \"chunks\": 1, \"offset\": 0, "
                    + "\"count\": 2, \"data\": \"AAAAAAAA8D8=\"}"));
    assertMessage(
        "snapshot column: missing field \"word\"",
        () ->
            decode(
                "{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1, \"vector\": \"AAAAAAAA8D8=\"}"));
    String manifest =
        new String(SnapshotCodec.encode(manifest(Metrics.unknown())), StandardCharsets.UTF_8);
    assertMessage(
        "snapshot manifest: field \"hyperparameters.dim\" must be a 32-bit integer",
        () -> decode(manifest.replace("\"dim\":100", "\"dim\":\"100\"")));
    assertMessage(
        "snapshot manifest: normalizer.lowercase is false",
        () -> decode(manifest.replace("\"lowercase\":true", "\"lowercase\":false")));
    assertMessage("snapshot record: value is null", () -> SnapshotCodec.decodeSnapshot(null));
  }

  @Test
  void snapshotRecordsRefuseNumbersThatAreNotFinite() {
    assertMessage(
        "value 32770 of the dense parameters of PER version 7 is NaN;"
            + " a snapshot holds only finite numbers",
        () ->
            new DenseChunk(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "PER",
                7,
                1,
                3,
                32_768,
                new double[] {0, 1, Double.NaN},
                Precision.DOUBLE));
    assertMessage(
        "value 1 of the vector of \"anna\" is Infinity",
        () ->
            new Column(
                SnapshotRecord.DEFAULT_NAMESPACE,
                "PER",
                7,
                "anna",
                new double[] {0, Double.POSITIVE_INFINITY},
                Precision.DOUBLE));
    assertMessage(
        "value 0 of the dense parameters of PER version 1 is -Infinity",
        () -> SnapshotCodec.denseChunks("PER", 1, new double[] {Double.NEGATIVE_INFINITY, 1}));
    // What another writer put on the topic is refused on reading too.
    String column =
        "{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1,"
            + " \"word\": \"anna\", \"vector\": \""
            + SnapshotCodec.encodeVector(new double[] {Double.NaN})
            + "\"}";
    assertMessage(
        "snapshot column: value 0 of the vector of \"anna\" is NaN", () -> decode(column));
  }

  private static SnapshotRecord decode(String json) {
    return SnapshotCodec.decodeSnapshot(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertMessage(String part, Executable code) {
    String message = assertThrows(IllegalArgumentException.class, code::run).getMessage();
    assertTrue(message.contains(part), () -> "<" + message + "> should contain <" + part + ">");
  }

  /**
   * The one method assertMessage needs, so that lambdas can throw IllegalArgumentException only.
   */
  @FunctionalInterface
  interface Executable {
    void run();
  }
}
