package io.streamner.job;

import io.streamner.eval.TokenDecisions;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.model.TagDecoder;
import io.streamner.text.EntityTags;
import io.streamner.text.Mention;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The job's output records in their wire formats (io.streamner.kafka.wire, schemas/). */
final class Outputs {
  /**
   * The largest output record (key and value) the job writes: below Kafka's default limits for one
   * record (the producer's max.request.size, 1 MiB, and the broker's message.max.bytes, 1 MiB plus
   * a batch header). A larger prediction (a long sentence echoed with its probabilities) would fail
   * the sink and stop the job, so it becomes a dead letter instead.
   */
  static final int MAX_RECORD_BYTES = 1_000_000;

  private Outputs() {}

  /**
   * The prediction of a binary model for one sentence; for a labelled one it carries the gold tags
   * (prequential record).
   */
  static EncodedRecord prediction(ModelInput input, double[] probabilities, ModelCheckpoint model)
      throws RecordRejected {
    boolean[] positive = TokenDecisions.positives(probabilities, TokenDecisions.THRESHOLD);
    return encode(
        input,
        model,
        Arrays.asList(EntityTags.bioLabels(positive, input.model)),
        probabilities,
        null,
        null);
  }

  /**
   * The prediction of a typed model (format {@link PredictionRecord#TYPED_VERSION}): the decoded
   * tags, the probability of each, and the entities they spell, as {@code tag --json} prints them.
   */
  static EncodedRecord typedPrediction(
      ModelInput input, TagSet tagSet, TagDecoder.Sentence decoded, ModelCheckpoint model)
      throws RecordRejected {
    List<String> tokens = Arrays.asList(input.sentence.tokens);
    List<PredictionRecord.Entity> entities = new ArrayList<>();
    for (TagDecoder.ScoredMention m : decoded.mentions()) {
      Mention mention = m.mention();
      entities.add(
          new PredictionRecord.Entity(
              mention.start(),
              mention.end(),
              mention.type(),
              String.join(" ", tokens.subList(mention.start(), mention.end())),
              m.score()));
    }
    return encode(
        input,
        model,
        tagSet.labels(decoded.tags()),
        decoded.probabilities(),
        PredictionRecord.TYPED_VERSION,
        entities);
  }

  private static EncodedRecord encode(
      ModelInput input,
      ModelCheckpoint model,
      List<String> labels,
      double[] probabilities,
      Integer version,
      List<PredictionRecord.Entity> entities)
      throws RecordRejected {
    ParsedRecord s = input.sentence;
    PredictionRecord record =
        new PredictionRecord(
            s.id,
            s.labelled() ? PredictionRecord.TRAIN : PredictionRecord.SCORE,
            input.model,
            model.version,
            model.examplesSeen,
            Arrays.asList(s.tokens),
            labels,
            probabilities,
            s.tags == null ? null : Arrays.asList(s.tags),
            s.eventTime,
            System.currentTimeMillis(),
            version,
            entities);
    EncodedRecord encoded =
        new EncodedRecord(s.id.getBytes(StandardCharsets.UTF_8), WireFormat.encode(record), null);
    int size = encoded.key.length + encoded.value.length;
    if (size > MAX_RECORD_BYTES) {
      throw new RecordRejected(
          String.format(
              Locale.ROOT,
              "the prediction of model %s would be %,d bytes, more than the %,d a record on the"
                  + " predictions topic may hold",
              input.model,
              size,
              MAX_RECORD_BYTES));
    }
    return encoded;
  }

  /**
   * The dead letter of a sentence a model could not use: keyed by its source and the model, so that
   * each model's refusal of one record is its own entry.
   */
  static EncodedRecord deadLetter(ModelInput input, String reason, long now) {
    ParsedRecord s = input.sentence;
    DeadLetterRecord letter =
        DeadLetterRecord.of(
            "model " + input.model + ": " + reason,
            new DeadLetterRecord.Source(s.sourceTopic, s.sourcePartition, s.sourceOffset),
            s.raw,
            now);
    String key = WireFormat.key(letter) + "/" + input.model;
    return new EncodedRecord(WireFormat.keyBytes(key), WireFormat.encode(letter), null);
  }

  static EncodedRecord snapshot(SnapshotRecord record) {
    return new EncodedRecord(
        SnapshotCodec.keyBytes(record), SnapshotCodec.encode(record), record.model());
  }

  static SnapshotRecord.Manifest manifest(
      LiveModel<?, ?> model,
      long version,
      boolean full,
      long columnsWritten,
      int chunks,
      int denseValues,
      JobDefinition definition,
      TokenNormalizer normalizer,
      ModelCheckpoint c,
      long now) {
    SnapshotRecord.Metrics metrics =
        c.tokensSeen == 0
            ? SnapshotRecord.Metrics.unknown()
            : new SnapshotRecord.Metrics(
                c.recentLoss,
                Prequential.recentPrecision(c),
                Prequential.recentRecall(c),
                Prequential.recentF1(c));
    return new SnapshotRecord.Manifest(
        definition.name(),
        model.name,
        version,
        full,
        c.examplesSeen,
        columnsWritten,
        c.columns,
        chunks,
        denseValues,
        definition.hyperparameters(model.typed()),
        normalizer,
        metrics,
        now,
        model.parameters.tagSet,
        model.typed() ? model.parameters.capitalizationDim() : null);
  }

  static EncodedRecord deadLetter(DeadLetterRecord letter) {
    return new EncodedRecord(
        WireFormat.keyBytes(WireFormat.key(letter)), WireFormat.encode(letter), null);
  }
}
