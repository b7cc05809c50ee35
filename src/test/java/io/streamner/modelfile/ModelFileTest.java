package io.streamner.modelfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFileException.Reason;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMA = Path.of("schemas/model-header.schema.json");
  private static final Path EXAMPLE = Path.of("schemas/examples/model-header.example.json");

  @TempDir Path dir;

  /** A small model with awkward words and values, trained a little (dense parameters perturbed). */
  static NerModel sampleModel() {
    Hyperparameters hp =
        new Hyperparameters(3, 4, 5, 0.1 + 0.2, 1e-300, -8_000_000_000_000_000_123L);
    Vocabulary vocabulary =
        Vocabulary.of(
            List.of(
                "the",
                "zürich",
                "東京",
                "quote\"back\\slash",
                "tab\tword",
                "😀",
                TokenNormalizer.NUMBER));
    double[][] l = WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim());
    NerModel model = NerModel.initialise("PER", hp, new TokenNormalizer(true), vocabulary, l);
    Random random = new Random(5);
    DenseParameters d = model.dense();
    for (double[] row : d.w) for (int j = 0; j < row.length; j++) row[j] += random.nextGaussian();
    for (int k = 0; k < d.hidden; k++) {
      d.b1[k] = random.nextGaussian();
      d.u[0][k] += random.nextGaussian();
    }
    d.b2[0] = random.nextGaussian();
    // values a text format or a careless conversion would not keep
    l[1][0] = -0.0;
    l[2][1] = Double.MIN_VALUE;
    d.w[0][0] = Double.MAX_VALUE;
    d.u[0][0] = -Double.MIN_NORMAL;
    model.recordTraining(123_456_789_012L, 3);
    return model;
  }

  /**
   * {@link #sampleModel} in float, with float values a careless conversion would not keep: -0, the
   * smallest subnormal, the largest float, the smallest normal negated.
   */
  static NerModel sampleFloatModel() {
    NerModel model = sampleModel().in(Precision.FLOAT);
    model.input().floatVectors()[1][0] = -0.0f;
    model.input().floatVectors()[2][1] = Float.MIN_VALUE;
    ((FloatParameters) model.weights()).w[0] = Float.MAX_VALUE;
    ((FloatParameters) model.weights()).u[0] = -Float.MIN_NORMAL;
    return model;
  }

  /** Reads {@code file}, which must be refused for {@code reason}: how each damage case begins. */
  private static ModelFileException readFails(Path file, Reason reason) {
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  /** A sample model's file with its bytes changed in place by {@code damage}, checksum and all. */
  private Path damagedFile(Consumer<byte[]> damage) throws IOException {
    Path file = written(sampleModel());
    byte[] bytes = Files.readAllBytes(file);
    damage.accept(bytes);
    Files.write(file, bytes);
    return file;
  }

  private Path written(NerModel model) throws IOException {
    return written(model, "per.model");
  }

  /** {@code model} written to {@code name} in the test's folder. */
  private Path written(TaggingModel model, String name) throws IOException {
    Path file = dir.resolve(name);
    ModelFile.write(model, file);
    return file;
  }

  // ------------------------------------------------------------------------------- round trip

  @Test
  void roundTripIsBitExact() throws IOException {
    NerModel model = sampleModel();
    NerModel back = ModelFile.read(written(model));

    assertEquals("PER", back.entity());
    assertEquals(model.hyperparameters(), back.hyperparameters());
    assertEquals(
        Double.doubleToRawLongBits(0.1 + 0.2),
        Double.doubleToRawLongBits(back.hyperparameters().learningRate()));
    assertEquals(new TokenNormalizer(true), back.normalizer());
    assertEquals(model.vocabulary().words(), back.vocabulary().words());
    assertEquals(123_456_789_012L, back.examplesTrained());
    assertEquals(3, back.epochsTrained());
    assertEquals(model.vectors().length, back.vectors().length);
    for (int id = 0; id < model.vectors().length; id++) {
      assertArrayEquals(bits(model.vectors()[id]), bits(back.vectors()[id]), "word vector " + id);
    }
    DenseParameters d = model.dense(), e = back.dense();
    for (int k = 0; k < d.hidden; k++)
      assertArrayEquals(bits(d.w[k]), bits(e.w[k]), "row " + k + " of W");
    assertArrayEquals(bits(d.b1), bits(e.b1));
    assertArrayEquals(bits(d.u[0]), bits(e.u[0]));
    assertEquals(Double.doubleToRawLongBits(d.b2[0]), Double.doubleToRawLongBits(e.b2[0]));
  }

  /**
   * A step size schedule is part of the model's settings (so {@code train --init} continues it);
   * without one the header is what it was before there were schedules.
   */
  @Test
  void theStepSizeScheduleIsKeptAndLeftOutWhenThereIsNone() throws IOException {
    NerModel plain = sampleModel();
    assertFalse(
        JSON.readTree(headerJson(Files.readAllBytes(written(plain))))
            .path("hyperparameters")
            .has("learning_rate_decay"));
    NerModel decaying =
        new NerModel(
            "PER",
            plain.input().with(plain.hyperparameters().withLearningRateDecay(2e-5)),
            plain.weights(),
            plain.examplesTrained(),
            plain.epochsTrained());
    byte[] bytes = Files.readAllBytes(written(decaying));
    assertEquals(
        2e-5,
        JSON.readTree(headerJson(bytes))
            .path("hyperparameters")
            .path("learning_rate_decay")
            .asDouble());
    assertEquals(2e-5, ModelFile.read(written(decaying)).hyperparameters().learningRateDecay());
  }

  @Test
  void aDoubleModelIsWrittenInVersion1AsBeforeFloatModels() throws IOException {
    byte[] bytes = Files.readAllBytes(written(sampleModel()));
    assertEquals(1, formatVersion(bytes));
    JsonNode header = JSON.readTree(headerJson(bytes));
    assertEquals(1, header.path("format_version").asInt());
    assertFalse(header.path("hyperparameters").has("precision"), header.toString());
    assertEquals("float64", header.path("payload").path("dtype").asText());
  }

  @Test
  void floatRoundTripIsBitExactInVersion3() throws IOException {
    NerModel model = sampleFloatModel();
    Path file = written(model);
    NerModel back = ModelFile.read(file);

    assertEquals(Precision.FLOAT, back.precision());
    assertEquals(model.hyperparameters(), back.hyperparameters());
    assertEquals(model.vocabulary().words(), back.vocabulary().words());
    assertEquals(123_456_789_012L, back.examplesTrained());
    assertRowsBitExact(model.input().floatVectors(), back.input().floatVectors(), "word vector");
    assertArrayEquals(
        bits(((FloatParameters) model.weights()).flatten()),
        bits(((FloatParameters) back.weights()).flatten()));
    assertSameFloatW(model, back);

    byte[] bytes = Files.readAllBytes(file);
    assertEquals(3, formatVersion(bytes));
    JsonNode header = JSON.readTree(headerJson(bytes));
    assertEquals(3, header.path("format_version").asInt());
    assertEquals("float", header.path("hyperparameters").path("precision").asText());
    assertEquals("float32", header.path("payload").path("dtype").asText());
    int offset = payloadOffset(bytes);
    long values = header.path("payload").path("values").asLong();
    assertEquals(offset + 4 * values + 8, bytes.length, "4 bytes a value");
    ByteBuffer payload = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(
        Float.floatToRawIntBits(model.input().floatVectors()[0][0]), payload.getInt(offset));
    assertEquals(
        Float.floatToRawIntBits(((FloatParameters) model.weights()).b2[0]),
        payload.getInt(bytes.length - 12));
    assertEquals(Set.of(), schema().validate(header));
  }

  @Test
  void aFloatModelTagsLikeTheWrittenOne() throws IOException {
    assertTagsLikeTheWrittenOne(sampleFloatModel());
  }

  @Test
  void versionPrecisionAndDtypeMustAgree() throws IOException {
    Path file = written(sampleFloatModel());
    rewriteHeader(file, h -> ((ObjectNode) h.get("hyperparameters")).remove("precision"));
    ModelFileException e = readFails(file, Reason.INVALID_HEADER);
    assertTrue(
        e.getMessage()
            .endsWith(
                "\"hyperparameters.precision\" is \"double\", which format version 3 does not hold"
                    + " (a float model is version 3, a double one version 1 or 2)"),
        e.getMessage());

    Path doubles = written(sampleModel());
    rewriteHeader(doubles, h -> ((ObjectNode) h.get("payload")).put("dtype", "float32"));
    e = readFails(doubles, Reason.INVALID_HEADER);
    assertTrue(
        e.getMessage()
            .endsWith(
                "the payload is \"float32\", \"little\"; a double model's is \"float64\","
                    + " \"little\""),
        e.getMessage());
  }

  @Test
  void schemaRejectsAVersion1HeaderOfAFloatModel() throws IOException {
    JsonNode header = JSON.readTree(headerJson(Files.readAllBytes(written(sampleFloatModel()))));
    ((ObjectNode) header).put("format_version", 1);
    assertFalse(schema().validate(header).isEmpty());
  }

  /** Written and read back, {@code model} gives the same bits: the double and float cases. */
  private void assertTagsLikeTheWrittenOne(NerModel model) throws IOException {
    NerModel back = ModelFile.read(written(model));
    List<String> sentence = List.of("The", "Zürich", "office", "opened", "in", "1984");
    assertArrayEquals(bits(model.probabilities(sentence)), bits(back.probabilities(sentence)));
  }

  @Test
  void readModelTagsLikeTheWrittenOne() throws IOException {
    assertTagsLikeTheWrittenOne(sampleModel());
  }

  @Test
  void layoutIsTheDocumentedOne() throws IOException {
    NerModel model = sampleModel();
    byte[] bytes = Files.readAllBytes(written(model));
    assertEquals("STRMNER\n", new String(bytes, 0, 8, StandardCharsets.US_ASCII));
    assertEquals(1, formatVersion(bytes));
    int offset = payloadOffset(bytes);
    assertEquals(0, offset % 8, "payload is 8-byte aligned");
    long values = JSON.readTree(headerJson(bytes)).path("payload").path("values").asLong();
    assertEquals(offset + 8 * values + 8, bytes.length);
    ByteBuffer payload =
        ByteBuffer.wrap(bytes, offset, bytes.length - offset).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(Double.doubleToRawLongBits(model.vectors()[0][0]), payload.getLong(offset));
    assertEquals(
        Double.doubleToRawLongBits(model.dense().b2[0]), payload.getLong(bytes.length - 16));
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    assertEquals(crc.getValue(), ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong());
  }

  @Test
  void readHeaderDescribesTheModelWithoutReadingThePayload() throws IOException {
    Instant before = Instant.now().minusSeconds(1);
    Path file = written(sampleModel());
    // cut the file right after the header: readHeader must not need the rest
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, payloadOffset(bytes)));

    ModelFile.Header header = ModelFile.readHeader(file);
    assertEquals(1, header.formatVersion());
    assertEquals("PER", header.entity());
    assertEquals(sampleModel().hyperparameters(), header.hyperparameters());
    assertEquals(sampleModel().vocabulary().words(), header.vocabulary());
    assertEquals(123_456_789_012L, header.examplesTrained());
    assertEquals(3, header.epochsTrained());
    assertTrue(header.software().startsWith("streamner "), header.software());
    assertTrue(
        !header.created().isBefore(before) && !header.created().isAfter(Instant.now()),
        header.created().toString());
    int v = header.vocabulary().size();
    assertEquals(
        List.of(array("L", v, 4), array("W", 5, 12), array("b1", 5), array("U", 5), array("b2", 1)),
        header.payload().arrays());
    assertEquals(v * 4L + 5 * 12 + 5 + 5 + 1, header.payloadValues());
  }

  // ------------------------------------------------------------------------------- atomic write

  @Test
  void writeLeavesNoTemporaryFile() throws IOException {
    Path file = written(sampleModel());
    ModelFile.write(sampleModel(), file); // and again, over the existing file
    assertOnlyFile(file);
  }

  /**
   * Writes a sample model broken by {@code damage} over a good file: the write must fail, keep the
   * good file and leave no temporary file. Both failing-write cases check this.
   */
  private IllegalStateException writeFailsKeepingTheFile(Consumer<NerModel> damage)
      throws IOException {
    Path file = written(sampleModel());
    byte[] before = Files.readAllBytes(file);
    NerModel broken = sampleModel();
    damage.accept(broken);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ModelFile.write(broken, file));
    assertArrayEquals(before, Files.readAllBytes(file), "the previous file is kept");
    assertOnlyFile(file);
    return e;
  }

  /** The directory holds {@code file} alone: no write left a temporary file beside it. */
  private void assertOnlyFile(Path file) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void failedWriteKeepsThePreviousFileAndLeavesNoTemporaryFile() throws IOException {
    // the writer finds this half-way through L
    writeFailsKeepingTheFile(broken -> broken.vectors()[5] = new double[1]);
  }

  // ------------------------------------------------------------------------------- finite numbers

  @Test
  void writeRefusesAModelHoldingANumberThatIsNotFinite() throws IOException {
    IllegalStateException e =
        writeFailsKeepingTheFile(diverged -> diverged.dense().w[1][2] = Double.NaN);
    assertEquals(
        "cannot write the model: value 2 of row 1 of W is NaN; a model file holds only finite numbers",
        e.getMessage());
  }

  @Test
  void readRefusesAFileHoldingANumberThatIsNotFinite() throws IOException {
    Path file = written(sampleModel());
    byte[] bytes = Files.readAllBytes(file);
    byte[] payload = Arrays.copyOfRange(bytes, payloadOffset(bytes), bytes.length - 8);
    // word vector 1, value 2: as another writer might leave it, with a valid checksum
    ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putDouble(8 * (4 + 2), -1.0 / 0);
    Files.write(file, assemble(headerJson(bytes), payload));

    ModelFileException e = readFails(file, Reason.CORRUPT);
    assertEquals(
        file
            + " is corrupt: value 2 of word vector 1 is -Infinity, and a model file holds only"
            + " finite numbers",
        e.getMessage());
  }

  // ------------------------------------------------------------------------------- damage

  @ParameterizedTest
  @ValueSource(strings = {"magic", "version", "header length", "header", "payload", "checksum"})
  void truncatedFileFailsNamingTruncation(String where) throws IOException {
    Path file = written(sampleModel());
    byte[] bytes = Files.readAllBytes(file);
    int cut =
        switch (where) {
          case "magic" -> 3;
          case "version" -> 10;
          case "header length" -> 14;
          case "header" -> 16 + headerLength(bytes) / 2;
          case "payload" -> payloadOffset(bytes) + 8 * 7 + 3;
          case "checksum" -> bytes.length - 3;
          default -> throw new AssertionError(where);
        };
    Files.write(file, Arrays.copyOf(bytes, cut));

    ModelFileException e = readFails(file, Reason.TRUNCATED);
    assertTrue(e.getMessage().startsWith(file + " is truncated"), e.getMessage());
  }

  @Test
  void truncatedPayloadSaysHowManyValuesArrived() throws IOException {
    Path file = written(sampleModel());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, payloadOffset(bytes) + 8 * 10 + 5));
    long expected = ModelFile.readHeader(file).payloadValues();

    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
    assertEquals(
        file + " is truncated: expected " + expected + " payload values, file ends after 10",
        e.getMessage());
  }

  @Test
  void flippedPayloadByteFailsTheChecksum() throws IOException {
    Path file = damagedFile(bytes -> bytes[payloadOffset(bytes) + 8 * 20 + 2] ^= 0x10);

    ModelFileException e = readFails(file, Reason.CORRUPT);
    assertTrue(e.getMessage().startsWith(file + " is corrupt: checksum mismatch"), e.getMessage());
  }

  @Test
  void flippedHeaderByteThatStillParsesFailsTheChecksum() throws IOException {
    Path file =
        damagedFile(
            bytes -> {
              int at = indexOf(bytes, "quote".getBytes(StandardCharsets.US_ASCII));
              bytes[at] = 'Q'; // still a valid, unique word: only the checksum can tell
            });

    ModelFileException e = readFails(file, Reason.CORRUPT);
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void bytesAfterTheChecksumAreCorruption() throws IOException {
    Path file = written(sampleModel());
    Files.write(file, new byte[] {0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);

    ModelFileException e = readFails(file, Reason.CORRUPT);
    assertTrue(e.getMessage().contains("3 bytes follow the checksum"), e.getMessage());
  }

  @Test
  void unknownFormatVersionFailsWithTheVersionMessage() throws IOException {
    Path file = damagedFile(bytes -> ByteBuffer.wrap(bytes).putInt(8, 7));

    for (ModelFileException e :
        List.of(
            assertThrows(ModelFileException.class, () -> ModelFile.read(file)),
            assertThrows(ModelFileException.class, () -> ModelFile.readHeader(file)))) {
      assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
      assertTrue(
          e.getMessage()
              .startsWith(
                  file
                      + " was written by model file format version 7; this streamner reads versions"
                      + " 1 to 3"),
          e.getMessage());
    }
  }

  @Test
  void randomBytesAreNotAModelFile() throws IOException {
    byte[] noise = new byte[4096];
    new Random(9).nextBytes(noise);
    Path file = dir.resolve("noise.bin");
    Files.write(file, noise);

    ModelFileException e = readFails(file, Reason.NOT_A_MODEL_FILE);
    assertEquals(file + " is not a streamner model file (bad magic)", e.getMessage());
  }

  @Test
  void emptyFileIsNotAModelFile() throws IOException {
    Path file = Files.createFile(dir.resolve("empty.model"));
    readFails(file, Reason.NOT_A_MODEL_FILE);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0})
  void impossibleHeaderLengthIsCorruptionNotACrash(int length) throws IOException {
    Path file = damagedFile(bytes -> ByteBuffer.wrap(bytes).putInt(12, length));

    ModelFileException e = readFails(file, Reason.CORRUPT);
    assertTrue(e.getMessage().contains("header length is " + length), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "entity",
        "hyperparameters.dim",
        "hyperparameters.seed",
        "normalizer.numbers",
        "counters.epochs_trained",
        "created",
        "payload.arrays",
        "vocabulary"
      })
  void missingHeaderFieldIsNamed(String field) throws IOException {
    Path file = written(sampleModel());
    rewriteHeader(
        file,
        header -> {
          String[] path = field.split("\\.");
          JsonNode parent = header;
          for (int i = 0; i < path.length - 1; i++) parent = parent.get(path[i]);
          ((ObjectNode) parent).remove(path[path.length - 1]);
        });

    ModelFileException e = readFails(file, Reason.INVALID_HEADER);
    assertEquals(file + " has an invalid header: missing field \"" + field + "\"", e.getMessage());
  }

  @Test
  void wronglyTypedHeaderFieldIsNamed() throws IOException {
    Path file = written(sampleModel());
    rewriteHeader(file, header -> ((ObjectNode) header.get("hyperparameters")).put("dim", "fifty"));

    ModelFileException e = readFails(file, Reason.INVALID_HEADER);
    assertTrue(
        e.getMessage().contains("\"hyperparameters.dim\" must be a 32-bit integer"),
        e.getMessage());
  }

  @Test
  void headerThatIsNotJsonIsInvalid() throws IOException {
    Path file = damagedFile(bytes -> bytes[16] = '['); // the opening brace of the object

    ModelFileException e = readFails(file, Reason.INVALID_HEADER);
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void payloadShapesThatContradictTheHyperparametersAreInvalid() throws IOException {
    Path file = written(sampleModel());
    rewriteHeader(file, header -> ((ObjectNode) header.get("hyperparameters")).put("hidden", 6));

    ModelFileException e = readFails(file, Reason.INVALID_HEADER);
    assertTrue(e.getMessage().contains("\"payload.arrays\" is L[10, 4], W[5, 12]"), e.getMessage());
  }

  /**
   * A header may claim a model of many gigabytes (damage, or a file cut short). The size check must
   * refuse it before any array is allocated: this would need 20 GB.
   */
  @Test
  void headerClaimingAHugeModelFailsBeforeAllocating() throws IOException {
    Path file = written(sampleModel());
    int dim = 100_000_000;
    rewriteHeader(
        file,
        header -> {
          ((ObjectNode) header.get("hyperparameters")).put("dim", dim);
          JsonNode arrays = header.get("payload").get("arrays");
          long words = header.get("vocabulary").size();
          ((com.fasterxml.jackson.databind.node.ArrayNode) arrays.get(0).get("shape")).set(1, dim);
          ((com.fasterxml.jackson.databind.node.ArrayNode) arrays.get(1).get("shape"))
              .set(1, 3 * dim);
          ((ObjectNode) header.get("payload")).put("values", words * dim + 5L * 3 * dim + 11);
        });

    ModelFileException e = readFails(file, Reason.TRUNCATED);
    assertTrue(
        e.getMessage().contains("expected " + (10L * dim + 15L * dim + 11) + " payload values"),
        e.getMessage());
  }

  // ------------------------------------------------------------------ version 2: typed, caps

  /** A small typed model with capitalisation features, trained a little (parameters perturbed). */
  static TypedModel sampleTyped() {
    Hyperparameters hp = new Hyperparameters(3, 4, 5, 0.02, 1e-4, 77);
    Vocabulary vocabulary = Vocabulary.of(List.of("the", "zürich", "東京", "😀"));
    WindowInput input =
        new WindowInput(
            hp,
            new TokenNormalizer(false),
            vocabulary,
            WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim()),
            WindowInput.initialCapitals(2, hp.seed()));
    TagSet tags = new TagSet(TagSet.Scheme.BIOES, List.of("PER", "CREATIVE-WORK"));
    TypedModel model = TypedModel.initialise(tags, input);
    Random random = new Random(6);
    DenseParameters d = model.dense();
    for (double[] row : d.w) for (int j = 0; j < row.length; j++) row[j] += random.nextGaussian();
    for (double[] row : d.u) for (int k = 0; k < row.length; k++) row[k] += random.nextGaussian();
    for (int k = 0; k < d.hidden; k++) d.b1[k] = random.nextGaussian();
    for (int t = 0; t < d.outputs; t++) d.b2[t] = random.nextGaussian();
    input.capitals()[1][0] = -0.0;
    model.recordTraining(42, 2);
    return model;
  }

  @Test
  void aTypedModelWithTokenFeaturesRoundTripsBitExactAndItsHeaderIsChecked() throws IOException {
    TokenFeatures features = new TokenFeatures(Set.of(TokenFeatures.Kind.values()), 7);
    Hyperparameters hp = new Hyperparameters(3, 4, 5, 0.02, 1e-4, 77).withTokenFeatures(features);
    Vocabulary vocabulary = Vocabulary.of(List.of("the", "zürich"));
    TypedModel model =
        TypedModel.initialise(
            new TagSet(TagSet.Scheme.BIOES, List.of("PER")),
            new WindowInput(
                    hp,
                    new TokenNormalizer(false),
                    vocabulary,
                    WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim()),
                    WindowInput.initialCapitals(features, 2, hp.seed()))
                .in(Precision.FLOAT));
    Path file = written(model, "features.model");
    TypedModel back = (TypedModel) ModelFile.readModel(file);
    assertEquals(model.input().hyperparameters(), back.input().hyperparameters());
    assertRowsBitExact(model.input().floatCapitals(), back.input().floatCapitals(), "row of E");
    assertEquals(6 + 7, back.input().floatCapitals().length, "the classes, then the buckets");
    assertEquals(3 * (4 + 8 * 2), back.input().inputSize(), "C (n + F k), F = 1 + 1 + 3 + 3");
    List<String> sentence = List.of("The", "ZÜRICH", "office", "😀");
    double[][] p = model.probabilities(sentence), q = back.probabilities(sentence);
    for (int t = 0; t < p.length; t++) assertArrayEquals(bits(p[t]), bits(q[t]));
    assertTrue(schema().validate(JSON.readTree(headerJson(Files.readAllBytes(file)))).isEmpty());

    Path unknown = written(model, "unknown.model");
    rewriteHeader(
        unknown,
        h ->
            ((ObjectNode) h.get("hyperparameters").get("token_features"))
                .putArray("kinds")
                .add("colour"));
    assertTrue(
        readFails(unknown, Reason.INVALID_HEADER).getMessage().contains("unknown token feature"));
    Path huge = written(model, "huge.model");
    rewriteHeader(
        huge,
        h ->
            ((ObjectNode) h.get("hyperparameters").get("token_features"))
                .put("buckets", Integer.MAX_VALUE));
    assertTrue(readFails(huge, Reason.INVALID_HEADER).getMessage().contains("at most 1048576"));
    Path noCaps = written(model, "nocaps.model");
    rewriteHeader(noCaps, h -> h.remove("capitalization"));
    assertTrue(
        readFails(noCaps, Reason.INVALID_HEADER)
            .getMessage()
            .contains("\"hyperparameters.token_features\" needs \"capitalization\""));
  }

  @Test
  void typedRoundTripIsBitExact() throws IOException {
    TypedModel model = sampleTyped();
    Path file = written(model, "typed.model");
    TypedModel back = (TypedModel) ModelFile.readModel(file);
    assertEquals(model.tagSet(), back.tagSet());
    assertEquals(model.input().hyperparameters(), back.input().hyperparameters());
    assertEquals(model.input().vocabulary().words(), back.input().vocabulary().words());
    assertRowsBitExact(model.input().vectors(), back.input().vectors(), "word vector");
    assertRowsBitExact(model.input().capitals(), back.input().capitals(), "class");
    assertArrayEquals(bits(model.dense().flatten()), bits(back.dense().flatten()));
    assertEquals(42, back.examplesTrained());
    assertEquals(2, back.epochsTrained());
    List<String> sentence = List.of("The", "ZÜRICH", "office", "😀");
    double[][] p = model.probabilities(sentence), q = back.probabilities(sentence);
    for (int t = 0; t < p.length; t++) assertArrayEquals(bits(p[t]), bits(q[t]));

    ModelFile.Header header = ModelFile.readHeader(file);
    assertEquals(2, header.formatVersion());
    assertEquals(null, header.entity());
    assertEquals(List.of("PER", "CREATIVE-WORK"), header.tagSet().types());
    assertEquals("BIOES", header.tagSet().scheme());
    assertEquals(model.tagSet().tags(), header.tagSet().tags());
    assertEquals(
        List.of("lower", "initial_upper", "all_upper", "mixed", "no_letters", "padding"),
        header.capitalization().classes());
    int v = header.vocabulary().size();
    assertEquals(
        List.of(
            array("L", v, 4),
            array("E", 6, 2),
            array("W", 5, 18),
            array("b1", 5),
            array("U", 9, 5),
            array("b2", 9)),
        header.payload().arrays());
    assertEquals(Set.of(), schema().validate(JSON.readTree(headerJson(Files.readAllBytes(file)))));
  }

  @Test
  void aBinaryModelWithCapitalisationIsVersion2AndTagsAlike() throws IOException {
    TypedModel typed = sampleTyped();
    WindowInput input = typed.input();
    NerModel model = NerModel.initialise("LOC", input);
    Path file = written(model, "caps.model");
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(2, formatVersion(bytes));
    NerModel back = ModelFile.read(file);
    List<String> sentence = List.of("The", "ZÜRICH", "Office");
    assertArrayEquals(bits(model.probabilities(sentence)), bits(back.probabilities(sentence)));
    assertEquals(Set.of(), schema().validate(JSON.readTree(headerJson(bytes))));
  }

  @Test
  void aFloatModelWithCapitalisationIsVersion3BitExactAndTagsAlike() throws IOException {
    NerModel model = NerModel.initialise("LOC", sampleTyped().input()).in(Precision.FLOAT);
    model.input().floatCapitals()[1][0] = -0.0f;
    Path file = written(model, "caps-float.model");
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(3, formatVersion(bytes));
    JsonNode header = JSON.readTree(headerJson(bytes));
    assertEquals("float32", header.path("payload").path("dtype").asText());
    assertEquals(Set.of(), schema().validate(header));
    NerModel back = ModelFile.read(file);
    assertRowsBitExact(model.input().floatCapitals(), back.input().floatCapitals(), "class");
    assertSameFloatW(model, back);
    List<String> sentence = List.of("The", "ZÜRICH", "Office");
    assertArrayEquals(bits(model.probabilities(sentence)), bits(back.probabilities(sentence)));
  }

  /**
   * A float typed model (W and U padded in memory, E in float32) is version 3, its header valid,
   * and reads back bit for bit: every number, the padding of W and U (zero), and so the same tag
   * probabilities. A version 2 reader refuses it by its version.
   */
  @Test
  void aFloatTypedModelIsVersion3AndBitExact() throws IOException {
    TypedModel model = sampleTyped().in(Precision.FLOAT);
    model.input().floatCapitals()[1][0] = -0.0f;
    Path file = written(model, "typed-float.model");
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(3, formatVersion(bytes));
    JsonNode header = JSON.readTree(headerJson(bytes));
    assertEquals("float32", header.at("/payload/dtype").asText());
    assertEquals("float", header.at("/hyperparameters/precision").asText());
    assertEquals(9, header.at("/tag_set/tags").size());
    assertEquals(Set.of(), schema().validate(header));
    // the payload is half the double model's: 4 bytes a number
    long values = header.at("/payload/values").asLong();
    assertEquals(headerLength(bytes) + 16 + 4 * values + 8, bytes.length);

    TypedModel back = (TypedModel) ModelFile.readModel(file);
    assertEquals(Precision.FLOAT, back.precision());
    assertEquals(model.tagSet(), back.tagSet());
    assertEquals(model.input().hyperparameters(), back.input().hyperparameters());
    assertRowsBitExact(model.input().floatVectors(), back.input().floatVectors(), "word vector");
    assertRowsBitExact(model.input().floatCapitals(), back.input().floatCapitals(), "class");
    assertSameFloatW(model, back);
    FloatParameters f = (FloatParameters) model.weights();
    FloatParameters g = (FloatParameters) back.weights();
    assertArrayEquals(bits(f.u), bits(g.u), "U with its zero padding");
    assertArrayEquals(bits(f.b1), bits(g.b1));
    assertArrayEquals(bits(f.b2), bits(g.b2));
    assertEquals(42, back.examplesTrained());
    List<String> sentence = List.of("The", "ZÜRICH", "office", "😀");
    double[][] p = model.probabilities(sentence), q = back.probabilities(sentence);
    for (int t = 0; t < p.length; t++) assertArrayEquals(bits(p[t]), bits(q[t]));

    // widened back to double, it is a version 2 file of the same numbers
    Path widened = dir.resolve("typed-widened.model");
    ModelFile.write(back.in(Precision.DOUBLE), widened);
    assertEquals(2, ModelFile.readHeader(widened).formatVersion());
    TypedModel d = (TypedModel) ModelFile.readModel(widened);
    assertEquals(f, FloatParameters.of(d.dense()));
  }

  @Test
  void aFloatTypedModelMustSayFloatAndVersion3() throws IOException {
    Path file = written(sampleTyped().in(Precision.FLOAT), "typed-float.model");
    rewriteHeader(file, h -> h.put("format_version", 2));
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(file));
    assertTrue(e.getMessage().contains("format version"), e.getMessage());
  }

  @Test
  void readOfABinaryModelRefusesATypedOne() throws IOException {
    Path file = written(sampleTyped(), "typed.model");
    ModelFileException e = readFails(file, Reason.NOT_BINARY);
    assertTrue(e.getMessage().contains("typed model (PER, CREATIVE-WORK)"), e.getMessage());
  }

  @Test
  void aVersion2HeaderMustBeOneKindWithTheTagsItsSchemeSpells() throws IOException {
    Path file = written(sampleTyped(), "typed.model");
    byte[] original = Files.readAllBytes(file);
    List<Consumer<ObjectNode>> edits =
        List.of(
            h -> h.put("entity", "PER"),
            h -> h.remove("tag_set"),
            h -> ((com.fasterxml.jackson.databind.node.ArrayNode) h.at("/tag_set/tags")).remove(8),
            h -> ((ObjectNode) h.get("tag_set")).put("scheme", "IOB"),
            h ->
                ((com.fasterxml.jackson.databind.node.ArrayNode) h.at("/tag_set/types")).add("PER"),
            h ->
                ((com.fasterxml.jackson.databind.node.ArrayNode) h.at("/capitalization/classes"))
                    .remove(5),
            h -> h.put("format_version", 1));
    List<String> reasons =
        List.of(
            "both \"entity\" and \"tag_set\"",
            "neither \"entity\"",
            "\"tag_set.tags\" is",
            "unknown tag scheme 'IOB'",
            "given twice",
            "\"capitalization\" must have",
            "format version 1 holds binary models");
    for (int i = 0; i < edits.size(); i++) {
      Files.write(file, original);
      rewriteHeader(file, edits.get(i));
      ModelFileException e =
          assertThrows(ModelFileException.class, () -> ModelFile.readModel(file));
      assertEquals(Reason.INVALID_HEADER, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains(reasons.get(i)), e.getMessage());
    }
  }

  @Test
  void typedExampleHeaderValidatesAndIsRead() throws IOException {
    Path example = Path.of("schemas/examples/model-header-typed.example.json");
    assertEquals(Set.of(), schema().validate(JSON.readTree(example.toFile())));
    Path file = dir.resolve("example-typed.model");
    Files.write(file, assemble(Files.readAllBytes(example), new byte[0]));
    ModelFile.Header header = ModelFile.readHeader(file);
    assertEquals(List.of("PER", "LOC", "ORG", "MISC"), header.tagSet().types());

    ObjectNode both = (ObjectNode) JSON.readTree(example.toFile());
    both.put("entity", "PER");
    assertFalse(schema().validate(both).isEmpty(), "a model is binary or typed, not both");
    ObjectNode version1 = (ObjectNode) JSON.readTree(example.toFile());
    version1.put("format_version", 1);
    assertFalse(schema().validate(version1).isEmpty(), "version 1 holds no typed model");
  }

  // ------------------------------------------------------------------------------- schema

  @Test
  void writtenHeaderValidatesAgainstTheSchema() throws IOException {
    byte[] bytes = Files.readAllBytes(written(sampleModel()));
    assertEquals(Set.of(), schema().validate(JSON.readTree(headerJson(bytes))));
  }

  @Test
  void exampleHeaderValidatesAgainstTheSchema() throws IOException {
    assertEquals(Set.of(), schema().validate(JSON.readTree(EXAMPLE.toFile())));
  }

  @Test
  void exampleHeaderIsReadByModelFile() throws IOException {
    Path file = dir.resolve("example.model");
    Files.write(file, assemble(Files.readAllBytes(EXAMPLE), new byte[0]));
    ModelFile.Header header = ModelFile.readHeader(file);
    assertEquals(
        header.vocabulary().size() * (long) header.hyperparameters().dim(),
        header.payload().arrays().get(0).values());
  }

  @Test
  void schemaRejectsAHeaderWithoutHyperparameters() throws IOException {
    ObjectNode header = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
    header.remove("hyperparameters");
    assertFalse(schema().validate(header).isEmpty());
  }

  private static JsonSchema schema() throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    try (InputStream in = Files.newInputStream(SCHEMA)) {
      return factory.getSchema(in, config);
    }
  }

  // ------------------------------------------------------------------------------- helpers

  private static int[] bits(float[] values) {
    int[] b = new int[values.length];
    for (int i = 0; i < b.length; i++) b[i] = Float.floatToRawIntBits(values[i]);
    return b;
  }

  private static long[] bits(double[] values) {
    long[] b = new long[values.length];
    for (int i = 0; i < b.length; i++) b[i] = Double.doubleToRawLongBits(values[i]);
    return b;
  }

  /**
   * Each row of a matrix of float vectors, bit for bit: row i is "{@code what} i" if it differs.
   */
  private static void assertRowsBitExact(float[][] expected, float[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + "s");
    for (int i = 0; i < expected.length; i++)
      assertArrayEquals(bits(expected[i]), bits(actual[i]), what + " " + i);
  }

  /** {@link #assertRowsBitExact(float[][], float[][], String)} of double vectors. */
  private static void assertRowsBitExact(double[][] expected, double[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + "s");
    for (int i = 0; i < expected.length; i++)
      assertArrayEquals(bits(expected[i]), bits(actual[i]), what + " " + i);
  }

  /** W of two float models, bit for bit, the zero padding at the end of its rows included. */
  private static void assertSameFloatW(TaggingModel model, TaggingModel back) {
    assertArrayEquals(
        bits(((FloatParameters) model.weights()).w),
        bits(((FloatParameters) back.weights()).w),
        "W with its zero padding");
  }

  /** The format version, after the 8 bytes of the magic. */
  private static int formatVersion(byte[] file) {
    return ByteBuffer.wrap(file, 8, 4).getInt();
  }

  /** The header's entry for a payload array of this shape. */
  private static ModelFile.PayloadArray array(String name, long... shape) {
    return new ModelFile.PayloadArray(name, Arrays.stream(shape).boxed().toList());
  }

  private static int headerLength(byte[] file) {
    return ByteBuffer.wrap(file, 12, 4).getInt();
  }

  private static int payloadOffset(byte[] file) {
    return 16 + headerLength(file);
  }

  private static byte[] headerJson(byte[] file) {
    return Arrays.copyOfRange(file, 16, payloadOffset(file));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }

  /** Replaces the header of a model file, keeping the payload and fixing up length and checksum. */
  private static void rewriteHeader(Path file, Consumer<ObjectNode> edit) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ObjectNode header = (ObjectNode) JSON.readTree(headerJson(bytes));
    edit.accept(header);
    Files.write(
        file,
        assemble(
            JSON.writeValueAsBytes(header),
            Arrays.copyOfRange(bytes, payloadOffset(bytes), bytes.length - 8)));
  }

  /**
   * A model file from its header and payload bytes, with a valid checksum; the version at offset 8
   * is the header's {@code format_version} (1 when it has none).
   */
  private static byte[] assemble(byte[] header, byte[] payload) {
    int version;
    try {
      version = JSON.readTree(header).path("format_version").asInt(1);
    } catch (IOException e) {
      version = 1;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("STRMNER\n".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ByteBuffer.allocate(8).putInt(version).putInt(header.length).array());
    out.writeBytes(header);
    out.writeBytes(payload);
    CRC32 crc = new CRC32();
    crc.update(out.toByteArray());
    out.writeBytes(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
    return out.toByteArray();
  }
}
