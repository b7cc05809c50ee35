package io.streamner.job;

import io.streamner.eval.TokenDecisions;
import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.PredictionRecord;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.EntityTags;
import io.streamner.text.TokenNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The job's output records in their wire formats (io.streamner.kafka.wire, schemas/). */
final class Outputs {
  private Outputs() {}

  /**
   * The prediction for one sentence; for a labelled one it carries the gold tags (prequential
   * record).
   */
  static EncodedRecord prediction(ModelInput input, double[] probabilities, ModelCheckpoint model) {
    Sentence s = input.sentence;
    boolean[] positive = TokenDecisions.positives(probabilities, TokenDecisions.THRESHOLD);
    PredictionRecord record =
        new PredictionRecord(
            s.id,
            s.labelled() ? PredictionRecord.TRAIN : PredictionRecord.SCORE,
            input.model,
            model.version,
            model.examplesSeen,
            Arrays.asList(s.tokens),
            Arrays.asList(EntityTags.bioLabels(positive, input.model)),
            probabilities,
            s.tags == null ? null : Arrays.asList(s.tags),
            s.eventTime,
            System.currentTimeMillis());
    return new EncodedRecord(
        s.id.getBytes(StandardCharsets.UTF_8), WireFormat.encode(record), null);
  }

  static EncodedRecord snapshot(SnapshotRecord record) {
    return new EncodedRecord(
        SnapshotCodec.keyBytes(record), SnapshotCodec.encode(record), record.model());
  }

  static SnapshotRecord.Manifest manifest(
      String model,
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
        SnapshotRecord.DEFAULT_NAMESPACE,
        model,
        version,
        full,
        c.examplesSeen,
        columnsWritten,
        c.columns,
        chunks,
        denseValues,
        definition.hyperparameters(),
        normalizer,
        metrics,
        now);
  }

  static EncodedRecord deadLetter(DeadLetterRecord letter) {
    return new EncodedRecord(
        WireFormat.keyBytes(WireFormat.key(letter)), WireFormat.encode(letter), null);
  }
}
