package io.streamner.kafka.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.streamner.kafka.wire.DeadLetterRecord.Source;
import io.streamner.kafka.wire.SnapshotRecord.Column;
import io.streamner.kafka.wire.SnapshotRecord.Metrics;
import io.streamner.model.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds the schemas in {@code schemas/}, their examples and the codec to each other: examples
 * validate and parse, whatever the encoders write validates, and the schemas reject what they must,
 * so the published contract cannot drift from the code.
 */
public class WireSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
  private static final List<String> TOPICS =
      List.of("train", "score", "predictions", "dead-letter", "snapshots");

  static Path project(String relative) {
    return Path.of(System.getProperty("basedir", ".")).resolve(relative);
  }

  static JsonNode schemaNode(String topic) {
    try {
      return JSON.readTree(Files.readString(project("schemas/" + topic + ".schema.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems {@code value} has under the schema of {@code topic}; empty when it is valid. */
  public static Set<ValidationMessage> validate(String topic, byte[] value) {
    try {
      return SCHEMAS
          .computeIfAbsent(topic, t -> FACTORY.getSchema(schemaNode(t)))
          .validate(JSON.readTree(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<ValidationMessage> validate(String topic, String json) {
    return validate(topic, json.getBytes(StandardCharsets.UTF_8));
  }

  /** The example values of a topic: one per line of a .jsonl file, or one .json file. */
  static List<byte[]> examples(String topic) throws IOException {
    Path jsonl = project("schemas/examples/" + topic + ".example.jsonl");
    List<byte[]> values = new ArrayList<>();
    if (Files.exists(jsonl)) {
      for (String line : Files.readAllLines(jsonl)) {
        if (!line.isBlank()) {
          values.add(line.getBytes(StandardCharsets.UTF_8));
        }
      }
    } else {
      values.add(Files.readAllBytes(project("schemas/examples/" + topic + ".example.json")));
    }
    return values;
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "score", "predictions", "dead-letter", "snapshots"})
  void schemaIsValidDraft202012(String topic) {
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    JsonNode schema = schemaNode(topic);
    assertEquals(Set.of(), meta.validate(schema));
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "score", "predictions", "dead-letter", "snapshots"})
  void examplesValidateAndDecode(String topic) throws IOException {
    List<byte[]> values = examples(topic);
    assertFalse(values.isEmpty());
    for (byte[] value : values) {
      String text = new String(value, StandardCharsets.UTF_8);
      assertEquals(Set.of(), validate(topic, value), text);
      switch (topic) {
        case "train" ->
            assertTrue(
                WireFormat.parseTrain(value, 1_000).isOk(),
                () -> WireFormat.parseTrain(value, 1_000).reason());
        case "score" ->
            assertTrue(
                WireFormat.parseScore(value, 1_000).isOk(),
                () -> WireFormat.parseScore(value, 1_000).reason());
        case "predictions" -> WireFormat.decodePrediction(value);
        case "dead-letter" -> WireFormat.decodeDeadLetter(value);
        default -> SnapshotCodec.decodeSnapshot(value);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"snapshots", "snapshots-typed"})
  void theSnapshotExampleIsOneCompleteVersion(String example) throws IOException {
    for (byte[] value : examples(example)) {
      assertEquals(
          Set.of(), validate("snapshots", value), new String(value, StandardCharsets.UTF_8));
    }
    List<SnapshotRecord> records =
        examples(example).stream().map(SnapshotCodec::decodeSnapshot).toList();
    SnapshotRecord.Manifest manifest = (SnapshotRecord.Manifest) records.get(records.size() - 1);
    List<SnapshotRecord.DenseChunk> chunks =
        records.stream()
            .filter(r -> r instanceof SnapshotRecord.DenseChunk)
            .map(r -> (SnapshotRecord.DenseChunk) r)
            .toList();
    assertEquals(manifest.denseChunks(), chunks.size());
    assertEquals(manifest.denseValues(), SnapshotCodec.assembleDense(chunks).length);
    records.stream()
        .filter(r -> r instanceof Column)
        .forEach(c -> assertEquals(manifest.hyperparameters().dim(), ((Column) c).vector().length));
    assertEquals(example.endsWith("typed"), manifest.tagSet() != null, "a typed model's tag set");
  }

  @Test
  void aTypedPredictionIsVersionTwoWithEntitiesAndABinaryOneHasNeither() throws IOException {
    List<PredictionRecord> typed =
        examples("predictions").stream()
            .map(WireFormat::decodePrediction)
            .filter(p -> p.version() != null)
            .toList();
    assertFalse(typed.isEmpty(), "the examples show a typed model's prediction");
    ObjectNode prediction = (ObjectNode) JSON.readTree(WireFormat.encode(typed.get(0)));
    assertEquals(Set.of(), validate("predictions", JSON.writeValueAsBytes(prediction)));
    ObjectNode withoutEntities = prediction.deepCopy();
    withoutEntities.remove("entities");
    assertFalse(validate("predictions", JSON.writeValueAsBytes(withoutEntities)).isEmpty());
    ObjectNode binaryWithEntities = prediction.deepCopy();
    binaryWithEntities.remove("version");
    assertFalse(validate("predictions", JSON.writeValueAsBytes(binaryWithEntities)).isEmpty());
    ObjectNode aliasInName = prediction.deepCopy();
    aliasInName.put("model", "PER+LOCATION");
    assertFalse(validate("predictions", JSON.writeValueAsBytes(aliasInName)).isEmpty());
  }

  @Test
  void theScoreExampleTextSplitsAsDocumented() throws IOException {
    ScoreRecord q1 = WireFormat.parseScore(examples("score").get(0), 1_000).get();
    assertEquals(
        List.of(
            "Anna",
            "met",
            "@bob_k",
            "in",
            "Porto",
            "(",
            "see",
            "https://example.com/trip",
            ")",
            "at",
            "3.5",
            "km/h",
            "!"),
        q1.tokens());
  }

  @Test
  void whatTheEncodersWriteValidates() {
    assertEquals(
        Set.of(),
        validate(
            "train",
            WireFormat.encode(
                new TrainRecord("t", List.of("Anna", "ü"), List.of("B-PER", "O"), 17L))));
    assertEquals(
        Set.of(),
        validate(
            "score",
            WireFormat.encode(
                new ScoreRecord("q", List.of("Anna"), List.of("PER", "CREATIVE-WORK"), null))));
    assertEquals(
        Set.of(), validate("predictions", WireFormat.encode(RoundTripTest.trainPrediction())));
    assertEquals(
        Set.of(), validate("predictions", WireFormat.encode(RoundTripTest.scorePrediction())));
    Source source = new Source("train", 0, 1234);
    for (byte[] original :
        List.of(
            "{\"id\": 1}".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xFF, 0},
            new byte[0],
            "x".repeat(300_000).getBytes(StandardCharsets.UTF_8))) {
      assertEquals(
          Set.of(),
          validate(
              "dead-letter", WireFormat.encode(DeadLetterRecord.of("bad", source, original, 5))));
    }
    List<SnapshotRecord> snapshots =
        new ArrayList<>(SnapshotCodec.denseChunks("PER", 7, new double[50_201]));
    snapshots.add(
        new Column(
            SnapshotRecord.DEFAULT_NAMESPACE,
            "PER",
            7,
            "anna",
            new double[] {0.25, -0.5},
            Precision.DOUBLE));
    snapshots.add(
        new Column(
            SnapshotRecord.DEFAULT_NAMESPACE,
            "PER",
            7,
            "ab",
            new double[] {0.25, -0.5, 1},
            Precision.DOUBLE));
    snapshots.add(SnapshotCodecTest.manifest(new Metrics(0.05, 0.8, 0.85, 0.82)));
    snapshots.add(SnapshotCodecTest.manifest(Metrics.unknown()));
    // a float model's records: float32 vectors, precision in the manifest
    snapshots.addAll(
        SnapshotCodec.denseChunks("streamner", "PER", 7, new double[50_201], Precision.FLOAT));
    snapshots.add(new Column("streamner", "PER", 7, "anna", new double[] {0.25}, Precision.FLOAT));
    snapshots.add(SnapshotCodecTest.floatManifest());
    for (SnapshotRecord r : snapshots) {
      assertEquals(Set.of(), validate("snapshots", SnapshotCodec.encode(r)), r.toString());
    }
  }

  /** One or more records per schema that it must reject, each for a different rule. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "train|{\"id\": \"a\", \"tokens\": [\"Anna\"], \"tags\": [\"0\"]}",
        "train|{\"id\": \"a\", \"tokens\": [\"Anna\"]}",
        "train|{\"id\": \"a\", \"tokens\": [\"Anna\"], \"tags\": [\"B-PER\"], \"labels\": [\"B-PER\"]}",
        "train|{\"id\": \"a\", \"tokens\": [\"Anna\"], \"tags\": [\"B-O\"]}",
        "train|{\"id\": \" \", \"tokens\": [\"Anna\"], \"tags\": [\"O\"]}",
        "train|{\"id\": \"a\", \"tokens\": [\"Anna\"], \"tags\": [\"O\"], \"event_time\": -1}",
        "score|{\"id\": \"q\", \"tokens\": [\"Anna\"], \"text\": \"Anna\"}",
        "score|{\"id\": \"q\"}",
        "score|{\"id\": \"q\", \"text\": \"Anna\", \"models\": [\"B-PER\"]}",
        "score|{\"id\": \"q\", \"text\": \"Anna\", \"models\": []}",
        "predictions|{\"id\": \"a\", \"kind\": \"train\", \"model\": \"PER\", \"model_version\": 1, \"examples_seen\": 1, "
            + "\"tokens\": [\"Anna\"], \"labels\": [\"B-PER\"], \"probabilities\": [0.9], \"processed_at\": 1}",
        "predictions|{\"id\": \"a\", \"kind\": \"score\", \"model\": \"PER\", \"model_version\": 1, \"examples_seen\": 1, "
            + "\"tokens\": [\"Anna\"], \"labels\": [\"B-PER\"], \"probabilities\": [1.5], \"processed_at\": 1}",
        "predictions|{\"id\": \"a\", \"kind\": \"score\", \"model\": \"person\", \"model_version\": 1, \"examples_seen\": 1, "
            + "\"tokens\": [\"Anna\"], \"labels\": [\"B-PER\"], \"probabilities\": [0.5], \"processed_at\": 1}",
        "dead-letter|{\"source\": {\"topic\": \"train\", \"partition\": 0, \"offset\": 1}, \"original_base64\": \"\", "
            + "\"original_truncated\": false, \"original_size\": 0, \"failed_at\": 1}",
        "dead-letter|{\"reason\": \"r\", \"source\": {\"topic\": \"train\", \"partition\": 0, \"offset\": 1}, "
            + "\"original_base64\": \"not base64!\", \"original_truncated\": false, \"original_size\": 0, \"failed_at\": 1}",
        "snapshots|{\"type\": \"weights\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1}",
        "snapshots|{\"type\": \"dense\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1, \"chunk\": 0, \"chunks\": 1, \"offset\": 0, \"count\": 1}",
        "snapshots|{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"person\", \"version\": 1, \"word\": \"anna\", \"vector\": \"AAAAAAAA8D8=\"}",
        "snapshots|{\"type\": \"column\", \"namespace\": \"a/b\", \"model\": \"PER\", \"version\": 1, \"word\": \"anna\", \"vector\": \"AAAAAAAA8D8=\"}",
        "snapshots|{\"type\": \"column\", \"model\": \"PER\", \"version\": 1, \"word\": \"anna\", \"vector\": \"AAAAAAAA8D8=\"}",
        // a float64 vector of one value is too short... for float64; float32 takes it
        "snapshots|{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1, \"word\": \"anna\", \"vector\": \"AACAPw==\"}",
        "snapshots|{\"type\": \"column\", \"namespace\": \"streamner\", \"model\": \"PER\", \"version\": 1, \"word\": \"anna\", \"dtype\": \"float16\", \"vector\": \"AACAPw==\"}",
      })
  void schemasRejectBrokenRecords(String topicAndRecord) {
    String topic = topicAndRecord.substring(0, topicAndRecord.indexOf('|'));
    String record = topicAndRecord.substring(topic.length() + 1);
    assertFalse(validate(topic, record).isEmpty(), topic + " schema should reject " + record);
    // The inputs' parser rejects what their schema rejects.
    if (topic.equals("train")) {
      assertFalse(
          WireFormat.parseTrain(record.getBytes(StandardCharsets.UTF_8), 1_000).isOk(), record);
    } else if (topic.equals("score")) {
      assertFalse(
          WireFormat.parseScore(record.getBytes(StandardCharsets.UTF_8), 1_000).isOk(), record);
    }
  }

  @Test
  void aManifestWithLowercaseOffIsRejectedByBoth() throws IOException {
    ObjectNode manifest =
        (ObjectNode)
            JSON.readTree(SnapshotCodec.encode(SnapshotCodecTest.manifest(Metrics.unknown())));
    ((ObjectNode) manifest.get("normalizer")).put("lowercase", false);
    assertFalse(validate("snapshots", JSON.writeValueAsBytes(manifest)).isEmpty());
  }

  @Test
  void everyTopicHasASchemaAnExampleAndASectionInTopicsMd() throws IOException {
    String doc = Files.readString(project("schemas/topics.md"));
    for (String topic : TOPICS) {
      assertTrue(Files.exists(project("schemas/" + topic + ".schema.json")), topic);
      assertFalse(examples(topic).isEmpty(), topic);
      assertTrue(doc.contains("## `" + topic + "`"), "topics.md has no section for " + topic);
    }
  }
}
