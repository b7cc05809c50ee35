package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.EmbeddedKafka;
import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.DenseParameters;
import io.streamner.model.NerModel;
import io.streamner.testing.SharedData;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input on the running job (a Kafka broker in process, Flink's MiniCluster): good sentences
 * mixed with thousands of records of random Unicode, records up to the broker's size limit and JSON
 * of every wrong shape, and a model whose learning rate overflows. Restarts are off, so any failure
 * fails the job and the test. Every input record must end as one parse dead letter, or as one
 * prediction or one dead letter for each model; the model must be the one trained on the records
 * the job accepted alone; no snapshot may hold a non-finite number.
 */
class JobFuzzTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobHarness.miniCluster(2);

  private static final List<String> MODELS = List.of("PER", "LOC");

  static EmbeddedKafka kafka;
  static Stream stream;

  /** The records of the train and score topics, in offset order, and which were meant to fail. */
  record Stream(List<Input> train, List<Input> score) {}

  /**
   * One input record.
   *
   * @param id its id when it is a record the job can parse, else null
   * @param parseFails whether it is meant to become a dead letter at parsing
   * @param modelsRefuse whether every model is meant to refuse it (its prediction is too large)
   */
  record Input(byte[] value, String id, boolean parseFails, boolean modelsRefuse) {
    Input(byte[] value, String id, boolean parseFails) {
      this(value, id, parseFails, false);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    List<Sentence> btc = CorpusReader.read(SharedData.require("btc/btc.train"), null).sentences();
    stream = Hostile.stream(new Random(20261201), btc.subList(0, 2_500), 2_500, 600);
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) kafka.close();
  }

  @Test
  void hostileRecordsNeverStopTheJobAndLeaveNoTraceInTheModel() throws Exception {
    JobDefinition.Topics topics = run("fuzz", stream.train(), stream.score(), "0.05");
    Set<Long> refused = assertEveryRecordAccountedFor(topics, stream.train(), stream.score());
    assertModelsRefusedOnlyFor(topics, "bytes, more than the 1,000,000 a record");
    Set<Long> tooLarge = new HashSet<>();
    for (int offset = 0; offset < stream.train().size(); offset++) {
      if (stream.train().get(offset).modelsRefuse()) tooLarge.add((long) offset);
    }
    assertTrue(!tooLarge.isEmpty());
    assertEquals(tooLarge, refused, "the models refused exactly the records too large to predict");
    assertFinite(topics);

    // The same job on the records it accepted and nothing else: the same models, bit for bit.
    List<Input> accepted = new ArrayList<>();
    for (Input in : stream.train()) if (!in.parseFails() && !in.modelsRefuse()) accepted.add(in);
    JobDefinition.Topics clean = run("fuzz-clean", accepted, List.of(), "0.05");
    for (String model : MODELS) {
      NerModel fuzzed = JobHarness.export(kafka, topics, model).model();
      NerModel reference = JobHarness.export(kafka, clean, model).model();
      assertTrue(JobHarness.sameModel(reference, fuzzed), model + " learned from a refused record");
    }
  }

  @Test
  void aLearningRateThatOverflowsRefusesSentencesInsteadOfStoppingTheJob() throws Exception {
    // The largest learning rate a definition allows; the parameters soon pass the largest double.
    JobDefinition.Topics topics = run("overflow", stream.train(), stream.score(), "1e15");
    Set<Long> refused = assertEveryRecordAccountedFor(topics, stream.train(), stream.score());
    assertTrue(refused.size() > 100, "overflow refused many sentences: " + refused.size());
    assertModelsRefusedOnlyFor(topics, "non-finite update");
    assertFinite(topics);

    List<Input> accepted = new ArrayList<>();
    for (int offset = 0; offset < stream.train().size(); offset++) {
      Input in = stream.train().get(offset);
      if (!in.parseFails() && !refused.contains((long) offset)) accepted.add(in);
    }
    JobDefinition.Topics clean = run("overflow-clean", accepted, List.of(), "1e15");
    assertTrue(
        assertEveryRecordAccountedFor(clean, accepted, List.of()).isEmpty(),
        "what was accepted once is accepted again from the same states");
    for (String model : MODELS) {
      NerModel fuzzed = JobHarness.export(kafka, topics, model).model();
      NerModel reference = JobHarness.export(kafka, clean, model).model();
      assertTrue(
          JobHarness.sameModel(reference, fuzzed), model + " kept a trace of a refused sentence");
    }
  }

  /** Runs a bounded job of PER and LOC on the given records; restarts off. */
  private static JobDefinition.Topics run(
      String name, List<Input> train, List<Input> score, String learningRate) throws Exception {
    JobDefinition.Topics topics = JobHarness.createTopics(kafka, name);
    JobHarness.produce(kafka, topics.train(), train.stream().map(Input::value).toList());
    JobHarness.produce(kafka, topics.score(), score.stream().map(Input::value).toList());
    Properties p = JobHarness.properties(kafka, topics);
    p.setProperty("models", String.join(",", MODELS));
    p.setProperty("model.dim", "20");
    p.setProperty("model.hidden", "30");
    p.setProperty("model.learning-rate", learningRate);
    p.setProperty("snapshot.every-examples", "20000");
    p.setProperty("snapshot.every-seconds", "0");
    p.setProperty("restart.attempts", "0");
    JobHarness.run(JobDefinition.parse(p, name), s -> s);
    return topics;
  }

  /**
   * Every record ends as exactly one of: a dead letter from parsing (and nothing else), or, for
   * each model, one prediction or one dead letter of that model. Returns the train offsets some
   * model refused.
   */
  private static Set<Long> assertEveryRecordAccountedFor(
      JobDefinition.Topics topics, List<Input> train, List<Input> score) {
    Map<String, Integer> predictions = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : read(topics.predictions())) {
      PredictionRecord p = WireFormat.decodePrediction(r.value());
      predictions.merge(p.id() + "|" + p.model(), 1, Integer::sum);
    }
    Map<String, Integer> letters = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : read(topics.deadLetter())) {
      DeadLetterRecord letter = WireFormat.decodeDeadLetter(r.value());
      String key = new String(r.key(), StandardCharsets.UTF_8);
      letters.merge(key, 1, Integer::sum);
      assertTrue(
          key.startsWith(
              letter.source().topic()
                  + "/"
                  + letter.source().partition()
                  + "/"
                  + letter.source().offset()),
          key);
    }
    Set<Long> refused = new HashSet<>();
    for (String topic : List.of(topics.train(), topics.score())) {
      List<Input> inputs = topic.equals(topics.train()) ? train : score;
      for (int offset = 0; offset < inputs.size(); offset++) {
        Input in = inputs.get(offset);
        String where = topic + "/0/" + offset;
        if (in.parseFails()) {
          assertEquals(1, letters.getOrDefault(where, 0), "one dead letter for " + where);
          for (String model : MODELS) {
            assertEquals(null, letters.get(where + "/" + model), where + " reached " + model);
          }
          continue;
        }
        assertEquals(null, letters.get(where), where + " parsed, yet a parse dead letter");
        for (String model : MODELS) {
          int predicted = predictions.getOrDefault(in.id() + "|" + model, 0);
          int refusedHere = letters.getOrDefault(where + "/" + model, 0);
          assertEquals(
              1,
              predicted + refusedHere,
              where
                  + " ("
                  + in.id()
                  + ") for "
                  + model
                  + ": "
                  + predicted
                  + " predictions, "
                  + refusedHere
                  + " dead letters");
          if (refusedHere > 0 && topic.equals(topics.train())) refused.add((long) offset);
        }
      }
    }
    return refused;
  }

  /** Every dead letter a model wrote gives this reason (and not, say, a failure to encode). */
  private static void assertModelsRefusedOnlyFor(JobDefinition.Topics topics, String reason) {
    for (ConsumerRecord<byte[], byte[]> r : read(topics.deadLetter())) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (key.split("/").length < 4) continue; // a parse dead letter: topic/partition/offset
      String given = WireFormat.decodeDeadLetter(r.value()).reason();
      // A score request trains nothing: the replica that answers it may be any state the stream
      // passed through, and a model whose finite weights overflow a forward pass refuses it so.
      boolean overflowingScore =
          key.startsWith(topics.score() + "/") && given.contains("(its weights overflow)");
      assertTrue(given.contains(reason) || overflowingScore, key + ": " + given);
    }
  }

  /** Every snapshot record ever written, committed or not, holds finite numbers only. */
  private static void assertFinite(JobDefinition.Topics topics) {
    int records = 0;
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaClients.readAll(
            kafka.bootstrapServers(), topics.snapshots(), false, Duration.ofSeconds(60))) {
      SnapshotRecord record = SnapshotCodec.decodeSnapshot(r.value());
      double[] values =
          record instanceof SnapshotRecord.DenseChunk c
              ? c.data()
              : record instanceof SnapshotRecord.Column c ? c.vector() : new double[0];
      assertTrue(DenseParameters.allFinite(values), "a non-finite value in " + record);
      records++;
    }
    assertTrue(records > 0, "snapshots were written");
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String topic) {
    return KafkaClients.readAll(kafka.bootstrapServers(), topic, false, Duration.ofSeconds(60));
  }
}
