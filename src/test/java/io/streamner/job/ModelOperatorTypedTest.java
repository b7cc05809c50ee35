package io.streamner.job;

import static io.streamner.job.JobTesting.definition;
import static io.streamner.job.JobTesting.labelled;
import static io.streamner.job.JobTesting.score;
import static io.streamner.job.JobTesting.train;
import static io.streamner.job.JobTesting.unlabelled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.job.JobTesting.Checkpoint;
import io.streamner.job.JobTesting.ModelHarness;
import io.streamner.job.JobTesting.Version;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.model.DenseWithCapitals;
import io.streamner.model.Precision;
import io.streamner.model.TagDecoder;
import io.streamner.model.Trainer;
import io.streamner.model.TrainingSet;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.EntityTags;
import io.streamner.text.Mention;
import io.streamner.text.Sentence;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import io.streamner.text.VocabularyBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A typed model ({@code PER+LOC}) in {@link ModelOperator}, beside a binary one. */
class ModelOperatorTypedTest {
  static final String TYPED = "PER+LOC";

  /** Labelled sentences with PER, LOC and (for neither model) ORG mentions. */
  static List<ParsedRecord> corpus() {
    List<ParsedRecord> c = new ArrayList<>(ModelOperatorTest.corpus());
    c.add(train("t9", "Acme/B-ORG", "hired/O", "Anna/B-PER", "in/O", "Porto/B-LOC"));
    return c;
  }

  /** The typed model's input: its tag ids, as {@link FanOutToModels} gives them. */
  static ModelInput typed(JobDefinition d, ParsedRecord s) {
    return new ModelInput(TYPED, s, d.tagSet(TYPED).encode(Arrays.asList(s.tags)));
  }

  static int windows(List<ParsedRecord> sentences) {
    return sentences.stream().mapToInt(s -> s.tokens.length).sum();
  }

  static JobDefinition typedDefinition(String... overrides) {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "models",
                "PER, per+location",
                "model.regularization-examples",
                String.valueOf(windows(corpus()))));
    keys.addAll(Arrays.asList(overrides));
    return definition(keys.toArray(new String[0]));
  }

  /**
   * One in-order epoch of the offline trainer over the same sentences, from the same start, in the
   * definition's precision (a float model starts from the double start rounded once, as {@code
   * train --types --precision float}).
   */
  static TypedModel offlineEpoch(JobDefinition d, List<ParsedRecord> records) {
    List<Sentence> sentences = new ArrayList<>();
    for (ParsedRecord r : records)
      sentences.add(new Sentence(Arrays.asList(r.tokens), Arrays.asList(r.tags), 1));
    TokenNormalizer normalizer = new TokenNormalizer(d.numbers());
    Vocabulary vocabulary =
        Vocabulary.of(VocabularyBuilder.frequentWords(sentences, normalizer, 1));
    var hp = d.hyperparameters(true); // a typed model's, with its step size schedule
    TypedModel offline =
        TypedModel.initialise(
            d.tagSet(TYPED),
            new WindowInput(
                    hp.withPrecision(Precision.DOUBLE),
                    normalizer,
                    vocabulary,
                    WordVectors.initialise(vocabulary, null, hp.seed(), hp.dim()),
                    WindowInput.initialCapitals(
                        hp.features(), d.typed().capitalizationDim(), hp.seed()))
                .in(hp.precision()));
    Trainer.train(offline, TrainingSet.of(offline, sentences), 1, false, r -> {});
    return offline;
  }

  @Test
  void aTypedModelBesideABinaryOneTrainsAsOneOfflineEpochAndPredictsTypedEntities(@TempDir Path dir)
      throws Exception {
    JobDefinition d = typedDefinition("final-model.dir", dir.toString());
    assertEquals(TYPED, d.models().get(1), "the name is canonical: per+location is PER+LOC");
    TagSet tags = d.tagSet(TYPED);
    assertEquals(
        List.of("O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"),
        tags.tags(),
        "BIOES by default");
    List<ParsedRecord> c = corpus();
    try (ModelHarness h = new ModelHarness(d).open()) {
      for (ParsedRecord s : c) h.process(labelled("PER", s), typed(d, s));
      h.process(unlabelled(TYPED, score("q", "Anna", "flew", "to", "Porto")));
      List<PredictionRecord> predictions = h.predictions();
      assertEquals(2 * c.size() + 1, predictions.size());
      for (PredictionRecord p : predictions) {
        if (p.model().equals("PER")) {
          assertNull(p.version(), "a binary model's prediction is format 1, as before");
          assertNull(p.entities());
          continue;
        }
        assertEquals(TYPED, p.model());
        assertEquals(PredictionRecord.TYPED_VERSION, p.version());
        assertTrue(tags.tags().containsAll(p.labels()), p.labels().toString());
        List<Mention> spelled = EntityTags.mentions(p.labels());
        assertEquals(spelled.size(), p.entities().size(), "one entity per mention of the labels");
        for (int i = 0; i < spelled.size(); i++) {
          PredictionRecord.Entity e = p.entities().get(i);
          assertEquals(spelled.get(i), new Mention(e.type(), e.start(), e.end()));
          assertEquals(String.join(" ", p.tokens().subList(e.start(), e.end())), e.text());
        }
      }
      h.endInput();
      Version last = h.versions().stream().filter(v -> v.model().equals(TYPED)).findFirst().get();
      assertEquals(tags, last.manifest().tagSet());
      assertEquals(5, last.manifest().capitalizationDim(), "on by default, k=5 as train --types");
      assertEquals(windows(c), last.manifest().examplesSeen());
    }

    TypedModel streamed = (TypedModel) ModelFile.readModel(dir.resolve(TYPED + ".model"));
    TypedModel offline = offlineEpoch(d, c);
    assertArrayEquals(offline.dense().flatten(), streamed.dense().flatten());
    assertArrayEquals(
        new DenseWithCapitals(offline.dense(), offline.input().capitals()).flatten(),
        new DenseWithCapitals(streamed.dense(), streamed.input().capitals()).flatten(),
        "E too");
    StreamingJobTypedTest.assertSameVectors(offline, streamed);
  }

  /**
   * In a float job the typed model trains on the float kernel, as binary models do: float32
   * snapshots with its tag set and k, a float model file (format version 3), bit for bit one
   * in-order offline epoch of {@code train --types --precision float}; what the file holds it
   * scores.
   */
  @Test
  void aTypedModelInAFloatJobIsOneOfflineFloatEpochBitForBit(@TempDir Path dir) throws Exception {
    JobDefinition d =
        typedDefinition("model.precision", "float", "final-model.dir", dir.toString());
    List<ParsedRecord> c = corpus();
    List<String> query = List.of("Anna", "flew", "to", "Porto");
    try (ModelHarness h = new ModelHarness(d).open()) {
      for (ParsedRecord s : c) h.process(labelled("PER", s), typed(d, s));
      h.endInput();
      Version v = h.versions().stream().filter(x -> x.model().equals(TYPED)).findFirst().get();
      assertEquals(Precision.FLOAT, v.manifest().hyperparameters().precision());
      assertEquals(d.tagSet(TYPED), v.manifest().tagSet());
      assertEquals(5, v.manifest().capitalizationDim());
      for (double x : v.dense()) assertEquals(x, (float) x, 0.0, "float32 on the wire");
      TypedModel file = (TypedModel) ModelFile.readModel(dir.resolve(TYPED + ".model"));
      assertEquals(3, ModelFile.readHeader(dir.resolve(TYPED + ".model")).formatVersion());
      TypedModel offline = offlineEpoch(d, c);
      assertEquals(Precision.FLOAT, file.precision());
      assertEquals(offline.weights(), file.weights(), "W, b1, U, b2");
      assertArrayEquals(offline.input().floatCapitals(), file.input().floatCapitals(), "E");
      // Widened exactly, the float vectors compare as the double models' do.
      StreamingJobTypedTest.assertSameVectors(
          offline.in(Precision.DOUBLE), file.in(Precision.DOUBLE));
      assertArrayEquals(
          new DenseWithCapitals(
                  file.weights().toDouble(), file.in(Precision.DOUBLE).input().capitals())
              .flatten(),
          v.dense(),
          "the snapshot's dense chunks are the file's, widened");
      h.predictions();
      h.process(unlabelled(TYPED, score("q", query.toArray(new String[0]))));
      PredictionRecord p = h.predictions().get(0);
      TagDecoder.Sentence expected =
          TagDecoder.decodeSentence(file.tagSet(), file.probabilities(query));
      assertEquals(file.tagSet().labels(expected.tags()), p.labels());
      assertArrayEquals(expected.probabilities(), p.probabilities());
    }
  }

  /**
   * A typed model's precision cannot change under its state either: a double typed model's
   * checkpoint restored under {@code model.precision = float} stops the job, saying what to do.
   */
  @Test
  void aDoubleTypedStateIsRefusedByAFloatJob() throws Exception {
    JobDefinition d = typedDefinition();
    Checkpoint checkpoint;
    try (ModelHarness h = new ModelHarness(d).open()) {
      h.process(typed(d, corpus().get(0)));
      checkpoint = h.checkpoint(1);
    }
    try (ModelHarness floats = new ModelHarness(typedDefinition("model.precision", "float"))) {
      String message = floats.refusedRestore(checkpoint);
      assertTrue(
          message.contains(
                  "model "
                      + TYPED
                      + " is a double model but the job definition says model.precision = float")
              && message.contains("--fresh"),
          message);
    }
  }

  @Test
  void aTypedModelStartsFromAModelFileOfTheSameTagSetAndShape(@TempDir Path dir) throws Exception {
    List<ParsedRecord> c = corpus();
    Path file = dir.resolve("offline.model");
    TypedModel offline = offlineEpoch(typedDefinition(), c);
    ModelFile.write(offline, file);
    JobDefinition d = typedDefinition("model.init.per+loc", file.toString());
    try (ModelHarness h = new ModelHarness(d).open()) {
      h.process(unlabelled(TYPED, score("q", "Anna", "flew", "to", "Porto")));
      assertEquals(windows(c), h.predictions().get(0).examplesSeen(), "the file's training");
    }
    // A float file (train --types --precision float) is widened in a double job.
    Path floats = dir.resolve("offline-float.model");
    ModelFile.write(offline.in(Precision.FLOAT), floats);
    try (ModelHarness h =
        new ModelHarness(typedDefinition("model.init.per+loc", floats.toString())).open()) {
      h.process(unlabelled(TYPED, score("q", "Anna", "flew", "to", "Porto")));
      assertEquals(windows(c), h.predictions().get(0).examplesSeen(), "the float file's training");
    }
    JobDefinition binaryFile = typedDefinition("models", "PER", "model.init.PER", file.toString());
    try (ModelHarness h = new ModelHarness(binaryFile).open()) {
      // A definition that does not fit its model file is not a record's fault: the task fails.
      String reason =
          assertThrows(
                  IllegalArgumentException.class,
                  () -> h.process(unlabelled("PER", score("q", "Anna"))))
              .getMessage();
      assertTrue(
          reason.contains(
              "is a typed model of [O, B-PER, I-PER, E-PER, S-PER, B-LOC, I-LOC, E-LOC, S-LOC],"
                  + " configured as the"
                  + " binary model PER"),
          reason);
    }
  }

  @Test
  void aRestoreThatChangesTheTagSchemeOrTheCapitalisationFeaturesStopsTheJobAtOnce()
      throws Exception {
    JobDefinition d = typedDefinition();
    Checkpoint checkpoint;
    try (ModelHarness h = new ModelHarness(d).open()) {
      h.process(typed(d, corpus().get(0)));
      checkpoint = h.checkpoint(1);
    }
    for (String[] change :
        new String[][] {
          {"model.tag-scheme", "BIO"},
          {"model.caps-dim", "3"},
          {"model.token-features", "shape"},
          {"model.feature-buckets", "512"}
        }) {
      try (ModelHarness changed = new ModelHarness(typedDefinition(change))) {
        String message = changed.refusedRestore(checkpoint);
        assertTrue(
            message.contains("model " + TYPED)
                && message.contains(
                    "O B-PER I-PER E-PER S-PER B-LOC I-LOC E-LOC S-LOC, model.caps-dim = 5")
                && message.contains("--fresh"),
            message);
        assertEquals(
            change[0].equals("model.tag-scheme"),
            message.contains("(model.tag-scheme = BIOES)"),
            "the setting that restores the state is named when the scheme changed: " + message);
      }
    }
    try (ModelHarness same = new ModelHarness(typedDefinition("model.learning-rate", "0.2"))) {
      same.restore(checkpoint); // a learning rate may change
    }
    // State stored without token features (as before there were any) names the setting that
    // resumes it under the default features.
    JobDefinition none = typedDefinition("model.token-features", "");
    try (ModelHarness h = new ModelHarness(none).open()) {
      h.process(typed(none, corpus().get(0)));
      checkpoint = h.checkpoint(1);
    }
    try (ModelHarness changed = new ModelHarness(typedDefinition())) {
      String message = changed.refusedRestore(checkpoint);
      assertTrue(message.contains("model.token-features = an empty value"), message);
    }
    try (ModelHarness same = new ModelHarness(none)) {
      same.restore(checkpoint);
    }
  }

  @Test
  void aTypedSentenceWhoseUpdateWouldOverflowIsADeadLetterAndTheModelStaysAsItWas()
      throws Exception {
    String[] wild = {"model.learning-rate", "1e15"};
    JobDefinition d = typedDefinition(wild);
    try (ModelHarness h = new ModelHarness(d).open();
        ModelHarness before = new ModelHarness(d).open()) {
      Map<String, DeadLetterRecord> letters = Map.of();
      ParsedRecord refused = null;
      for (int round = 0; round < 100 && letters.isEmpty(); round++) {
        for (ParsedRecord s : corpus()) {
          ParsedRecord copy = train(s.id + "-" + round);
          copy.tokens = s.tokens;
          copy.tags = s.tags;
          h.process(typed(d, copy));
          letters = h.deadLetters();
          if (!letters.isEmpty()) {
            refused = copy;
            break;
          }
          before.process(typed(d, copy));
        }
      }
      assertEquals(1, letters.size(), "training overflowed at some sentence");
      DeadLetterRecord letter = letters.values().iterator().next();
      assertTrue(
          letter.reason().startsWith("model " + TYPED + ": non-finite update"), letter.reason());
      assertTrue(refused != null);
      h.endInput();
      before.endInput();
      Version a = h.versions().get(0);
      Version b = before.versions().get(0);
      assertArrayEquals(b.dense(), a.dense(), "the refused sentence left the model as it was");
      assertEquals(b.manifest().examplesSeen(), a.manifest().examplesSeen());
    }
  }
}
