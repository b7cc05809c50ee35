package io.streamner.job;

import static io.streamner.job.JobTesting.definition;
import static io.streamner.job.JobTesting.labelled;
import static io.streamner.job.JobTesting.score;
import static io.streamner.job.JobTesting.train;
import static io.streamner.job.JobTesting.unlabelled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobTesting.ModelHarness;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.WireFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The scoring operator in Flink's harness, beside the model operator. */
class ScoreWithReplicasTest {
  private static ParsedRecord sentence(int i) {
    return train("t" + i, "Anna/B-PER", "met/O", "Zoe" + i + "/B-PER", "in/O", "Porto/O");
  }

  @Test
  void aScoreRequestQueuedBehindTrainingIsAnsweredBeforeIt() throws Exception {
    try (ModelHarness h = new ModelHarness(definition()).open()) {
      for (int i = 0; i < 3; i++) h.process(labelled("PER", sentence(i)));
      long trained = h.predictions().get(2).examplesSeen() + 5;
      // 1,000 labelled sentences wait for the model operator; a request comes after them.
      List<ModelInput> backlog = new ArrayList<>();
      for (int i = 3; i < 1_003; i++) backlog.add(labelled("PER", sentence(i)));
      h.process(unlabelled("PER", score("q", "Anna", "flew")));
      List<PredictionRecord> first = h.predictions();
      assertEquals(1, first.size(), "the request is answered while the backlog still waits");
      assertEquals("q", first.get(0).id());
      assertEquals(trained, first.get(0).examplesSeen(), "by the model as trained so far");
      h.process(backlog.toArray(new ModelInput[0]));
      assertEquals(1_000, h.predictions().size());
    }
  }

  @Test
  void requestsWaitForTheirModelsFirstVersionInOrderAndAreThenAnswered() throws Exception {
    JobDefinition d = definition("models", "PER");
    try (BroadcastOperatorTestHarness<ParsedRecord, ModelUpdate, EncodedRecord> scorer =
            ModelHarness.scorer(d);
        ModelHarness trainer = new ModelHarness(d).open()) {
      scorer.open();
      for (int i = 0; i < 3; i++) {
        ParsedRecord r = score("w" + i, "Anna", "flew");
        scorer.processElement(new StreamRecord<>(r));
      }
      assertTrue(scorer.extractOutputValues().isEmpty(), "no model yet: nothing answered");
      trainer.process(labelled("PER", sentence(0)));
      trainer.harness.prepareSnapshotPreBarrier(1);
      for (StreamRecord<ModelUpdate> u : trainer.harness.getSideOutput(ModelOperator.UPDATES)) {
        scorer.processBroadcastElement(u);
      }
      List<String> ids = new ArrayList<>();
      for (EncodedRecord e : scorer.extractOutputValues()) {
        PredictionRecord p = WireFormat.decodePrediction(e.value);
        ids.add(p.id());
        assertEquals(5, p.examplesSeen());
      }
      assertEquals(List.of("w0", "w1", "w2"), ids);
    }
  }

  @Test
  void anUpdateThatCannotBeUsedIsSkippedAndTheReplicaStaysAsItWas() throws Exception {
    JobDefinition d = definition("models", "PER");
    try (ModelHarness h = new ModelHarness(d).open()) {
      h.process(labelled("PER", sentence(0)));
      h.process(unlabelled("PER", score("q1", "Anna", "flew")));
      PredictionRecord before = h.predictions().get(1);
      ModelUpdate broken = new ModelUpdate();
      broken.model = "PER";
      broken.manifest = "not a manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      broken.dense = new double[0];
      broken.words = new String[0];
      broken.vectors = new double[0][];
      h.scorer.processBroadcastElement(new StreamRecord<>(broken));
      h.scorer.processElement(new StreamRecord<>(score("q2", "Anna", "flew")));
      List<EncodedRecord> out = h.scorer.extractOutputValues();
      PredictionRecord after = WireFormat.decodePrediction(out.get(out.size() - 1).value);
      assertEquals("q2", after.id());
      assertEquals(before.examplesSeen(), after.examplesSeen());
      assertTrue(java.util.Arrays.equals(before.probabilities(), after.probabilities()));
    }
  }

  @Test
  void aScoreRequestIsAnsweredByTheModelsItNamesOrByAll() throws Exception {
    JobDefinition d = definition("models", "PER,LOC,ORG");
    try (ModelHarness h = new ModelHarness(d).open()) {
      ParsedRecord s = sentence(0);
      h.process(labelled("PER", s), labelled("LOC", s), labelled("ORG", s));
      // A request for one model takes the updates to the scorer (at a barrier, as in the job).
      h.process(unlabelled("PER", score("first", "Anna")));
      ParsedRecord named = score("q", "Anna");
      named.models = new String[] {"LOC"};
      h.scorer.processElement(new StreamRecord<>(named));
      h.scorer.processElement(new StreamRecord<>(score("q2", "Anna")));
      List<String> answered = new ArrayList<>();
      for (EncodedRecord e : h.scorer.extractOutputValues()) {
        PredictionRecord p = WireFormat.decodePrediction(e.value);
        answered.add(p.id() + " " + p.model());
      }
      assertEquals(List.of("q LOC", "q2 PER", "q2 LOC", "q2 ORG"), answered);
    }
  }
}
