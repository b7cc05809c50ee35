package io.streamner.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.SnapshotRecord.Column;
import io.streamner.kafka.wire.SnapshotRecord.Manifest;
import io.streamner.kafka.wire.SnapshotRecord.Metrics;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.WordVectors;
import io.streamner.text.TokenNormalizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Export from the records of a snapshots topic: one job's model, never a mixture of two. */
public class SnapshotExportTest {

  static final List<String> SENTENCE = List.of("Anna", "met", "Bob", "in", "Porto");

  /** A small model with its own random parameters, built as the job holds it (by column). */
  public static NerModel model(long seed) {
    Hyperparameters hp = new Hyperparameters(3, 4, 5, 0.01, 0.0001, seed);
    Random random = new Random(seed);
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (String word : List.of("UUUNKKK", "<s>", "</s>", "anna", "bob", "porto", "in")) {
      columns.put(word, random.doubles(hp.dim(), -1, 1).toArray());
    }
    DenseParameters dense = DenseParameters.initialise(hp.hidden(), hp.inputSize(), 1, seed);
    return NerModel.fromColumns("PER", hp, new TokenNormalizer(false), columns, dense, seed);
  }

  /**
   * One full version of a model, as the job writes it: dense chunks, every column, a manifest; in
   * float32 for a float model.
   */
  public static List<SnapshotRecord> snapshot(String job, NerModel m, long version) {
    Precision precision = m.precision();
    boolean floats = precision == Precision.FLOAT;
    double[] flat = m.weights().toDouble().flatten();
    List<SnapshotRecord> records =
        new ArrayList<>(SnapshotCodec.denseChunks(job, "PER", version, flat, precision));
    int chunks = records.size();
    for (int id = 0; id < m.vocabulary().size(); id++) {
      double[] vector =
          floats ? WordVectors.toDouble(m.input().floatVectors()[id]) : m.vectors()[id];
      records.add(new Column(job, "PER", version, m.vocabulary().word(id), vector, precision));
    }
    int words = m.vocabulary().size();
    records.add(
        new Manifest(
            job,
            "PER",
            version,
            true,
            m.examplesTrained(),
            words,
            words,
            chunks,
            flat.length,
            m.hyperparameters(),
            m.normalizer(),
            Metrics.unknown(),
            1L,
            null,
            null));
    return records;
  }

  private static List<byte[]> values(List<List<SnapshotRecord>> versions) {
    List<byte[]> values = new ArrayList<>();
    for (List<SnapshotRecord> version : versions) {
      version.forEach(r -> values.add(SnapshotCodec.encode(r)));
    }
    return values;
  }

  private static String failure(String job, List<byte[]> values) {
    return assertThrows(IOException.class, () -> SnapshotExport.assemble(job, "PER", values, "t"))
        .getMessage();
  }

  @Test
  void twoJobsOnOneTopicNeverMix() throws IOException {
    NerModel a = model(1);
    NerModel b = model(2);
    // Interleaved as two jobs writing at once would leave them; the same keys but for the job.
    List<byte[]> values =
        values(List.of(snapshot("job-a", a, 1), snapshot("job-b", b, 1), snapshot("job-a", a, 2)));

    SnapshotExport.Exported fromB = SnapshotExport.assemble("job-b", "PER", values, "t");
    assertEquals("job-b", fromB.manifest().namespace());
    assertArrayEquals(b.probabilities(SENTENCE), fromB.model().probabilities(SENTENCE));
    assertFalse(
        java.util.Arrays.equals(a.probabilities(SENTENCE), fromB.model().probabilities(SENTENCE)));
    SnapshotExport.Exported fromA = SnapshotExport.assemble("job-a", "PER", values, "t");
    assertEquals(2, fromA.manifest().version());
    assertArrayEquals(a.probabilities(SENTENCE), fromA.model().probabilities(SENTENCE));
  }

  @Test
  void withoutAJobTheOnlyOneIsTakenAndSeveralAreNamed() throws IOException {
    NerModel a = model(1);
    List<byte[]> one = values(List.of(snapshot("job-a", a, 1)));
    assertEquals("job-a", SnapshotExport.assemble(null, "PER", one, "t").manifest().namespace());

    List<byte[]> two = values(List.of(snapshot("job-b", model(2), 1), snapshot("job-a", a, 1)));
    assertEquals(
        "t holds model PER of several jobs: job-a, job-b; say which one to export (export --job"
            + " NAME)",
        failure(null, two));
    assertEquals(
        "t holds no complete snapshot of model PER of job job-c (jobs with one: job-a, job-b)",
        failure("job-c", two));
  }

  @Test
  void aJobWhoseVersionIsNotClosedIsNoCandidate() throws IOException {
    List<SnapshotRecord> unfinished = new ArrayList<>(snapshot("job-b", model(2), 1));
    unfinished.remove(unfinished.size() - 1); // its manifest
    List<byte[]> values = values(List.of(snapshot("job-a", model(1), 1), unfinished));
    assertEquals("job-a", SnapshotExport.assemble(null, "PER", values, "t").manifest().namespace());
  }

  @Test
  void aFloatModelComesBackBitForBitAndNeverTakesAFloat64Record() throws IOException {
    NerModel a = model(1).in(Precision.FLOAT);
    SnapshotExport.Exported back =
        SnapshotExport.assemble(null, "PER", values(List.of(snapshot("job-a", a, 1))), "t");
    assertEquals(Precision.FLOAT, back.model().precision());
    assertEquals(((FloatParameters) a.weights()), ((FloatParameters) back.model().weights()));
    for (String word : a.vocabulary().words()) {
      assertArrayEquals(
          a.input().floatVectors()[a.vocabulary().id(word)],
          back.model().input().floatVectors()[back.model().vocabulary().id(word)],
          word);
    }
    assertArrayEquals(a.probabilities(SENTENCE), back.model().probabilities(SENTENCE));

    // a float64 column of the same word among the float model's records
    List<SnapshotRecord> mixed = new ArrayList<>(snapshot("job-a", a, 1));
    mixed.add(
        mixed.size() - 1,
        new Column("job-a", "PER", 1, "anna", new double[] {0, 0, 0, 0}, Precision.DOUBLE));
    assertEquals(
        "t: the vector of \"anna\" in PER version 1 of job job-a is float64, but the model is float"
            + " precision",
        failure(null, values(List.of(mixed))));
  }

  @Test
  void aNumberThatIsNotFiniteIsRefused() {
    String column =
        "{\"type\":\"column\",\"namespace\":\"job-a\",\"model\":\"PER\",\"version\":1,"
            + "\"word\":\"anna\",\"vector\":\""
            + SnapshotCodec.encodeVector(new double[] {0, Double.NaN, 0, 0})
            + "\"}";
    List<byte[]> values = new ArrayList<>(values(List.of(snapshot("job-a", model(1), 1))));
    values.add(column.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String message = failure(null, values);
    assertTrue(
        message.startsWith("t holds a record that cannot be used: snapshot column: value 1 of"),
        message);
    assertTrue(message.contains("is NaN; a snapshot holds only finite numbers"), message);
  }
}
