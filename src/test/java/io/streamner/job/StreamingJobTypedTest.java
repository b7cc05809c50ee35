package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.cli.Main;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.kafka.wire.WireSchemaTest;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import io.streamner.text.Vocabulary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A typed model (PER+LOC+ORG) beside a binary one (PER) in the real job: Kafka in process, Flink's
 * MiniCluster, the first 1,200 sentences of btc.train streamed in order. Each exported model is the
 * model of one in-order offline epoch ({@code train --min-count 1 --epochs 1}) over the same
 * sentences, bit for bit; the typed one's export is a model file that {@code eval} and {@code tag}
 * read; every prediction is what the schemas say.
 */
class StreamingJobTypedTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobHarness.miniCluster(2);

  static final String TYPED = "PER+LOC+ORG";
  static final int SENTENCES = 1_200;

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static List<Sentence> train;
  static List<Sentence> test;
  static Path trainFile;
  static Path testFile;
  static int trainWindows;
  static JobDefinition.Topics topics;

  /** The float job: the typed model alone, on the first {@value #FLOAT_SENTENCES} sentences. */
  static final int FLOAT_SENTENCES = 300;

  static JobDefinition.Topics floatTopics;
  static Path floatTrainFile;

  @BeforeAll
  static void run() throws Exception {
    train = CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences();
    train = train.subList(0, SENTENCES);
    test = CorpusReader.read(SharedData.require("btc/btc.test"), null).sentences();
    test = test.subList(0, 300);
    trainWindows = train.stream().mapToInt(Sentence::size).sum();
    trainFile = write("train.tsv", train);
    testFile = write("test.tsv", test);
    kafka = EmbeddedKafka.start();

    topics = JobHarness.createTopics(kafka, "typed");
    JobHarness.produceTraining(kafka, topics.train(), train);
    JobHarness.produceScoring(kafka, topics.score(), test);
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", "PER, PER+LOC+ORG");
    p.setProperty("model.min-count", "1");
    p.setProperty("model.regularization-examples", String.valueOf(trainWindows));
    p.setProperty("snapshot.every-examples", "5000"); // several versions, the later ones partial
    p.setProperty("snapshot.every-seconds", "0");
    JobHarness.run(JobDefinition.parse(p, "typed"), s -> s);

    List<Sentence> floatTrain = train.subList(0, FLOAT_SENTENCES);
    floatTrainFile = write("train-float.tsv", floatTrain);
    floatTopics = JobHarness.createTopics(kafka, "typed-float");
    JobHarness.produceTraining(kafka, floatTopics.train(), floatTrain);
    Properties f = JobHarness.properties(kafka, floatTopics);
    f.setProperty("models", TYPED);
    f.setProperty("model.precision", "float");
    f.setProperty("model.min-count", "1");
    f.setProperty(
        "model.regularization-examples",
        String.valueOf(floatTrain.stream().mapToInt(Sentence::size).sum()));
    f.setProperty("snapshot.every-examples", "2000");
    f.setProperty("snapshot.every-seconds", "0");
    JobHarness.run(JobDefinition.parse(f, "typed-float"), s -> s);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) kafka.close();
  }

  /** A two-column file of the sentences, for the offline commands. */
  static Path write(String name, List<Sentence> sentences) throws Exception {
    StringBuilder text = new StringBuilder();
    for (Sentence s : sentences) {
      for (int t = 0; t < s.size(); t++) {
        text.append(s.tokens().get(t)).append('\t').append(s.tags().get(t)).append('\n');
      }
      text.append('\n');
    }
    return Files.writeString(dir.resolve(name), text);
  }

  /** Runs a command of the CLI; returns its standard output. */
  static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, String.join(" ", args) + ": " + err);
    return out.toString();
  }

  static TaggingModel offline(String... kind) throws Exception {
    Path file = dir.resolve(String.join("", kind).replace("-", "") + ".model");
    List<String> args =
        new ArrayList<>(
            List.of("train", "--train", trainFile.toString(), "--min-count", "1", "--epochs", "1"));
    args.addAll(List.of("--precision", "double")); // the double job's offline twin
    args.addAll(List.of(kind));
    args.addAll(List.of("--out", file.toString()));
    cli(args.toArray(new String[0]));
    return ModelFile.readModel(file);
  }

  @Test
  void aStreamTrainsTheTypedModelOfOneInOrderOfflineEpochBitForBit() throws Exception {
    SnapshotExport.Exported exported = JobHarness.export(kafka, topics, TYPED);
    assertEquals(trainWindows, exported.manifest().examplesSeen());
    TypedModel streamed = (TypedModel) exported.tagging();
    TypedModel offline = (TypedModel) offline("--types", "PER,LOC,ORG");
    assertEquals(offline.tagSet(), streamed.tagSet());
    assertEquals(
        5, streamed.input().capitalizationDim(), "capitalisation features as train --types");
    assertArrayEquals(
        new DenseWithCapitals(offline.dense(), offline.input().capitals()).flatten(),
        new DenseWithCapitals(streamed.dense(), streamed.input().capitals()).flatten(),
        "W, b1, U, b2 and E");
    assertSameVectors(offline, streamed);
  }

  @Test
  void theBinaryModelBesideItIsStillOneOfflineEpoch() throws Exception {
    NerModel streamed = JobHarness.export(kafka, topics, "PER").model();
    NerModel offline = (NerModel) offline("--entity", "PER");
    assertArrayEquals(offline.dense().flatten(), streamed.dense().flatten());
    assertSameVectors(offline, streamed);
  }

  @Test
  void everySentenceIsAnsweredByBothModelsTheTypedOneWithEntities() {
    Map<String, Integer> answers = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : JobHarness.readCommitted(kafka, topics.predictions())) {
      PredictionRecord p = WireFormat.decodePrediction(r.value());
      answers.merge(p.model(), 1, Integer::sum);
      if (p.model().equals("PER")) {
        assertNull(p.version(), "binary predictions are written as before");
        assertNull(p.entities());
      } else {
        assertEquals(PredictionRecord.TYPED_VERSION, p.version());
        assertEquals(
            io.streamner.text.EntityTags.mentions(p.labels()).size(),
            p.entities().size(),
            p.toString());
      }
    }
    int inputs = train.size() + test.size();
    assertEquals(Map.of("PER", inputs, TYPED, inputs), answers);
    assertTrue(JobHarness.readCommitted(kafka, topics.deadLetter()).isEmpty());
  }

  @Test
  void theExportedTypedModelIsAFileThatEvalAndTagRead() throws Exception {
    Path file = dir.resolve("exported.model");
    String wrote =
        cli(
            "export",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            topics.snapshots(),
            "--model",
            "per+loc+org",
            "--out",
            file.toString());
    assertTrue(wrote.contains("PER+LOC+ORG version"), wrote);
    assertEquals(2, ModelFile.readHeader(file).formatVersion(), "a typed model file");
    String eval = cli("eval", "--model", file.toString(), "--data", testFile.toString());
    assertTrue(eval.contains("overall") && eval.contains("ORG"), eval);
    Path text = Files.writeString(dir.resolve("text.txt"), "Met Anna Smith in London\n");
    String tagged = cli("tag", "--model", file.toString(), "--json", text.toString());
    assertTrue(tagged.contains("\"entities\":["), tagged);
  }

  /**
   * A typed model in a float job: float32 snapshots that the schema takes, an export that is bit
   * for bit one in-order epoch of {@code train --types --precision float}, a float model file
   * (version 3) that {@code eval} and {@code tag} read.
   */
  @Test
  void aFloatJobTrainsTheTypedModelOfOneOfflineFloatEpochBitForBit() throws Exception {
    for (ConsumerRecord<byte[], byte[]> r :
        JobHarness.readCommitted(kafka, floatTopics.snapshots())) {
      assertEquals(
          Set.of(),
          WireSchemaTest.validate("snapshots", r.value()),
          new String(r.value(), StandardCharsets.UTF_8));
      SnapshotRecord record = SnapshotCodec.decodeSnapshot(r.value());
      if (record instanceof SnapshotRecord.DenseChunk d) assertEquals(Precision.FLOAT, d.dtype());
      if (record instanceof SnapshotRecord.Column c) assertEquals(Precision.FLOAT, c.dtype());
    }
    Path file = dir.resolve("exported-float.model");
    cli(
        "export",
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--topic",
        floatTopics.snapshots(),
        "--model",
        TYPED,
        "--out",
        file.toString());
    assertEquals(3, ModelFile.readHeader(file).formatVersion(), "a float model file");
    TypedModel streamed = (TypedModel) ModelFile.readModel(file);
    Path offlineFile = dir.resolve("offline-float.model");
    cli(
        "train",
        "--train",
        floatTrainFile.toString(),
        "--min-count",
        "1",
        "--epochs",
        "1",
        "--types",
        "PER,LOC,ORG",
        "--precision",
        "float",
        "--out",
        offlineFile.toString());
    TypedModel offline = (TypedModel) ModelFile.readModel(offlineFile);
    assertEquals(Precision.FLOAT, streamed.precision());
    assertEquals(offline.weights(), streamed.weights(), "W, b1, U, b2");
    assertArrayEquals(offline.input().floatCapitals(), streamed.input().floatCapitals(), "E");
    // Widened exactly, the vectors compare as the double models' do.
    assertSameVectors(offline.in(Precision.DOUBLE), streamed.in(Precision.DOUBLE));
    String eval = cli("eval", "--model", file.toString(), "--data", testFile.toString());
    assertTrue(eval.contains("overall") && eval.contains("ORG"), eval);
    Path text = Files.writeString(dir.resolve("text-float.txt"), "Met Anna Smith in London\n");
    String tagged = cli("tag", "--model", file.toString(), "--json", text.toString());
    assertTrue(tagged.contains("\"entities\":["), tagged);
  }

  static void assertSameVectors(TaggingModel expected, TaggingModel actual) {
    Vocabulary words = expected.input().vocabulary();
    assertEquals(words.size(), actual.input().vocabulary().size());
    for (String word : words.words()) {
      assertArrayEquals(
          expected.input().vectors()[words.id(word)],
          actual.input().vectors()[actual.input().vocabulary().id(word)],
          word);
    }
  }
}
