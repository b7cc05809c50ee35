package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.cli.Main;
import io.streamner.eval.EntityScores;
import io.streamner.eval.Evaluator;
import io.streamner.eval.TokenDecisions;
import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.SnapshotExport;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.FloatParameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.modelfile.ModelFile;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on real parts: Apache Kafka in process, Flink's MiniCluster, the Broad Twitter
 * Corpus. btc.train goes to the train topic in order, btc.test to the score topic; the job runs
 * bounded; the model is exported from the snapshots topic.
 */
class StreamingJobTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobHarness.miniCluster(2);

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static List<Sentence> train;
  static List<Sentence> test;
  static int trainWindows;
  static NerModel reference;

  @BeforeAll
  static void start() throws Exception {
    Path trainFile = SharedData.require("btc/btc.train");
    Path testFile = SharedData.require("btc/btc.test");
    SharedData.require("vectors/glove.6B.100d.subset.txt");
    train = CorpusReader.read(trainFile, null).sentences();
    test = CorpusReader.read(testFile, null).sentences();
    trainWindows = train.stream().mapToInt(Sentence::size).sum();
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) kafka.close();
  }

  /** The reference setup with min count 1 and m = the corpus windows: what offline train does. */
  static Properties definition(JobDefinition.Topics topics, String backend) throws Exception {
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", "PER");
    p.setProperty(
        "model.vectors", SharedData.require("vectors/glove.6B.100d.subset.txt").toString());
    p.setProperty("model.dim", "100");
    p.setProperty("model.min-count", "1");
    p.setProperty("model.regularization-examples", String.valueOf(trainWindows));
    p.setProperty("snapshot.every-examples", "25000");
    p.setProperty("snapshot.every-seconds", "0");
    p.setProperty("state.backend", backend);
    Path finalModels = dir.resolve(topics.train() + "-final");
    p.setProperty("final-model.dir", finalModels.toString());
    return p;
  }

  /**
   * Runs the job on btc.train (and btc.test to score) once per backend; returns the exported model.
   */
  static SnapshotExport.Exported runOnCorpus(
      String name, String backend, List<byte[]> extraTrain, FailureInjector injector)
      throws Exception {
    return runOnCorpus(name, backend, Precision.DOUBLE, extraTrain, injector);
  }

  static SnapshotExport.Exported runOnCorpus(
      String name,
      String backend,
      Precision precision,
      List<byte[]> extraTrain,
      FailureInjector injector)
      throws Exception {
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    JobHarness.produceTraining(kafka, topics.train(), train);
    if (extraTrain != null) JobHarness.produce(kafka, topics.train(), extraTrain);
    JobHarness.produceScoring(kafka, topics.score(), test);
    Properties p = definition(topics, backend);
    p.setProperty("model.precision", precision.toString());
    JobDefinition definition = JobDefinition.parse(p, name);
    long start = System.nanoTime();
    JobHarness.run(
        definition, injector == null ? s -> s : s -> s.map(injector).name("inject failures"));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s: %,d windows in %.1f s: %,.0f windows/s%n",
        name, trainWindows, seconds, trainWindows / seconds);
    return JobHarness.export(kafka, topics, "PER");
  }

  static synchronized NerModel reference() throws Exception {
    if (reference == null) {
      SnapshotExport.Exported exported = runOnCorpus("reference", "hashmap", null, null);
      Path finalFile = dir.resolve("reference.train-final").resolve("PER.model");
      // The export from Kafka is the operator's own final state, bit for bit.
      assertTrue(
          JobHarness.sameModel(ModelFile.read(finalFile), exported.model()),
          "export differs from operator state");
      assertEquals(trainWindows, exported.manifest().examplesSeen());
      reference = exported.model();
    }
    return reference;
  }

  /**
   * {@code streamner train} for one in-order epoch with min count 1: what the stream must equal.
   */
  static NerModel offline(Path file, String... more) throws Exception {
    String vectors = SharedData.require("vectors/glove.6B.100d.subset.txt").toString();
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--train",
                SharedData.require("btc/btc.train").toString(),
                "--entity",
                "PER",
                "--vectors",
                vectors,
                "--min-count",
                "1",
                "--epochs",
                "1",
                "--out",
                file.toString()));
    args.addAll(List.of(more));
    int code =
        Main.run(
            args.toArray(new String[0]),
            new PrintWriter(new StringWriter()),
            new PrintWriter(System.err, true));
    assertEquals(0, code);
    return ModelFile.read(file);
  }

  @Test
  void streamingLearnsWhatOfflineTrainingLearns() throws Exception {
    NerModel streamed = reference();
    NerModel offline = offline(dir.resolve("offline.model"), "--precision", "double");

    double streamF1 = f1(streamed);
    double offlineF1 = f1(offline);
    System.out.printf("btc.test PER token F1: streaming %.4f, offline %.4f%n", streamF1, offlineF1);
    assertTrue(
        Math.abs(streamF1 - offlineF1) <= 0.01,
        "streaming " + streamF1 + " vs offline " + offlineF1);
    // Same order, same seed, same code path: not just close, the same model.
    assertArrayEquals(offline.dense().flatten(), streamed.dense().flatten());
    for (String word : offline.vocabulary().words()) {
      assertArrayEquals(
          offline.vectors()[offline.vocabulary().id(word)],
          streamed.vectors()[streamed.vocabulary().id(word)],
          word);
    }
  }

  /**
   * The float path end to end: float32 word vectors and dense parameters in keyed state, float32
   * snapshots, the export; bit for bit one in-order epoch of {@code train --precision float}.
   */
  @Test
  void aFloatStreamLearnsWhatOfflineFloatTrainingLearns() throws Exception {
    SnapshotExport.Exported exported = runOnCorpus("float", "hashmap", Precision.FLOAT, null, null);
    NerModel streamed = exported.model();
    assertEquals(Precision.FLOAT, streamed.precision());
    assertTrue(
        JobHarness.sameModel(
            ModelFile.read(dir.resolve("float.train-final").resolve("PER.model")), streamed),
        "export differs from operator state");
    NerModel offline = offline(dir.resolve("offline-float.model"), "--precision", "float");
    assertEquals(Precision.FLOAT, offline.precision());
    // Same order, same seed, same kernel: the same model (the vocabularies' orders differ).
    assertArrayEquals(
        ((FloatParameters) offline.weights()).flatten(),
        ((FloatParameters) streamed.weights()).flatten());
    assertEquals(offline.vocabulary().size(), streamed.vocabulary().size());
    for (String word : offline.vocabulary().words()) {
      assertArrayEquals(
          offline.input().floatVectors()[offline.vocabulary().id(word)],
          streamed.input().floatVectors()[streamed.vocabulary().id(word)],
          word);
    }
    double streamF1 = f1(streamed);
    double doubleF1 = f1(reference());
    System.out.printf(
        "btc.test PER token F1: float stream %.4f, double stream %.4f%n", streamF1, doubleF1);
    assertEquals(doubleF1, streamF1, 0.005, "float and double models of one epoch agree");
  }

  @Test
  void rocksDbStateGivesTheSameModelAsHeapState() throws Exception {
    SnapshotExport.Exported rocks = runOnCorpus("rocksdb", "rocksdb", null, null);
    assertTrue(JobHarness.sameModel(reference(), rocks.model()));
    assertTrue(
        JobHarness.sameModel(
            ModelFile.read(dir.resolve("rocksdb.train-final").resolve("PER.model")),
            rocks.model()));
  }

  @Test
  void failuresMidStreamChangeNothing() throws Exception {
    FailureInjector.injected.set(0);
    // Fail twice, at different points, each time after at least one checkpoint completed.
    SnapshotExport.Exported recovered =
        runOnCorpus("recovery", "hashmap", null, new FailureInjector(1500, 4200));
    assertEquals(2, FailureInjector.injected.get(), "both failures happened");
    assertTrue(
        JobHarness.sameModel(reference(), recovered.model()), "the model after failures differs");
    assertEquals(
        trainWindows, recovered.manifest().examplesSeen(), "an example was applied twice or lost");
    JobDefinition.Topics topics =
        new JobDefinition.Topics(
            "recovery.train",
            "recovery.score",
            "recovery.predictions",
            "recovery.snapshots",
            "recovery.dead-letter");
    List<SnapshotRecord.Manifest> manifests = JobHarness.manifests(kafka, topics);
    for (int i = 0; i < manifests.size(); i++) {
      assertEquals(
          i + 1,
          manifests.get(i).version(),
          "versions seen by read_committed: contiguous, no duplicates");
    }
    assertEquals(trainWindows, manifests.get(manifests.size() - 1).examplesSeen());
  }

  /**
   * Adds malformed record {@code i} to {@code values} and what its dead letter must say to {@code
   * reasons} (keyed by topic and value), for the train and the score topic alike.
   */
  private static void addMalformed(
      List<byte[]> values,
      Map<String, String> reasons,
      String topic,
      Random random,
      int i,
      boolean score) {
    values.add(Malformed.record(random, i));
    reasons.put(topic + Arrays.toString(values.get(values.size() - 1)), Malformed.reason(i, score));
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicAndTheModelLearnsFromTheRest() throws Exception {
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, "bad-input");
    List<byte[]> trainValues = new ArrayList<>();
    Random random = new Random(17);
    int bad = 0;
    Map<String, String> reasons = new HashMap<>(); // what each bad value's dead letter must say
    for (int i = 0; i < train.size(); i++) {
      Sentence s = train.get(i);
      trainValues.add(
          WireFormat.encode(
              new io.streamner.kafka.wire.TrainRecord("t" + i, s.tokens(), s.tags(), null)));
      if (i % 2 == 0) {
        addMalformed(trainValues, reasons, topics.train(), random, i, false);
        bad++;
      }
    }
    JobHarness.produce(kafka, topics.train(), trainValues);
    List<byte[]> scoreValues = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      scoreValues.add(
          ("{\"id\":\"s" + i + "\",\"tokens\":[\"hello\",\"@" + i + "\"]}")
              .getBytes(StandardCharsets.UTF_8));
      addMalformed(scoreValues, reasons, topics.score(), random, i, true);
      bad++;
    }
    JobHarness.produce(kafka, topics.score(), scoreValues);
    JobDefinition definition = JobDefinition.parse(definition(topics, "hashmap"), "bad-input");
    JobHarness.run(definition, s -> s);

    List<ConsumerRecord<byte[], byte[]>> letters =
        JobHarness.readCommitted(kafka, topics.deadLetter());
    assertEquals(bad, letters.size(), "every bad record is a dead letter, no good one is");
    for (ConsumerRecord<byte[], byte[]> r : letters) {
      DeadLetterRecord letter = WireFormat.decodeDeadLetter(r.value());
      String expected =
          reasons.get(letter.source().topic() + Arrays.toString(letter.originalBytes()));
      assertTrue(
          expected != null && letter.reason().contains(expected),
          () -> letter.reason() + " should name the problem of " + letter.originalText());
      assertTrue(
          letter.source().topic().equals(topics.train())
              || letter.source().topic().equals(topics.score()));
    }
    SnapshotExport.Exported exported = JobHarness.export(kafka, topics, "PER");
    assertTrue(
        JobHarness.sameModel(reference(), exported.model()), "bad records changed the model");
  }

  static double f1(NerModel model) {
    EntityScores scores =
        Evaluator.evaluate(
            "PER",
            test,
            tokens ->
                TokenDecisions.positives(model.probabilities(tokens), TokenDecisions.THRESHOLD));
    return scores.token().f1();
  }

  /**
   * Throws once per attempt listed, when the sentence at that source offset passes and a checkpoint
   * of this attempt has completed (so the restart restores state, not an empty job).
   */
  static final class FailureInjector
      extends RichMapFunction<io.streamner.job.ParsedRecord, io.streamner.job.ParsedRecord>
      implements CheckpointListener {
    static final AtomicInteger injected = new AtomicInteger();
    private final long[] failAt;
    private transient boolean checkpointed;

    FailureInjector(long... failAt) {
      this.failAt = failAt;
    }

    @Override
    public io.streamner.job.ParsedRecord map(io.streamner.job.ParsedRecord s) {
      int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
      if (s.labelled()
          && attempt < failAt.length
          && s.sourceOffset >= failAt[attempt]
          && checkpointed) {
        injected.incrementAndGet();
        throw new IllegalStateException(
            "injected failure " + (attempt + 1) + " at offset " + s.sourceOffset);
      }
      return s;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }
}
