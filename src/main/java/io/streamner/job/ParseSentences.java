package io.streamner.job;

import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.ParseResult;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.TokenNormalizer;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns raw records of the train and score topics into {@link ParsedRecord}s. A record that cannot
 * be used (not JSON, wrong types, tokens and tags of different lengths, an empty or oversized
 * sentence, invalid UTF-8, a model nobody runs) goes to {@link #DEAD_LETTERS} with its bytes, its
 * source and the reason; the job goes on.
 */
final class ParseSentences extends ProcessFunction<RawRecord, ParsedRecord> {
  /** The longest word a model holds: the snapshot format's limit for a word, in code points. */
  static final int MAX_WORD_LENGTH = 1_000;

  static final OutputTag<EncodedRecord> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(EncodedRecord.class));

  private final String trainTopic;
  private final List<String> models;
  private final int maxTokens;
  private final TokenNormalizer normalizer;
  private transient Counter deadLetters;

  ParseSentences(
      String trainTopic, List<String> models, int maxTokens, TokenNormalizer normalizer) {
    this.trainTopic = trainTopic;
    this.models = List.copyOf(models);
    this.maxTokens = maxTokens;
    this.normalizer = normalizer;
  }

  @Override
  public void open(OpenContext context) {
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<ParsedRecord> out) {
    String reason = raw.topic.equals(trainTopic) ? parseTrain(raw, out) : parseScore(raw, out);
    if (reason != null) {
      deadLetters.inc();
      DeadLetterRecord letter =
          DeadLetterRecord.of(
              reason,
              new DeadLetterRecord.Source(raw.topic, raw.partition, raw.offset),
              raw.value,
              ctx.timerService().currentProcessingTime());
      ctx.output(DEAD_LETTERS, Outputs.deadLetter(letter));
    }
  }

  /** Emits the sentence and returns null, or returns why the record is unusable. */
  private String parseTrain(RawRecord raw, Collector<ParsedRecord> out) {
    ParseResult<TrainRecord> parsed = WireFormat.parseTrain(raw.value, maxTokens);
    if (!parsed.isOk()) return parsed.reason();
    TrainRecord r = parsed.value();
    String problem = words(r.tokens());
    if (problem != null) return problem;
    ParsedRecord s = record(r.id(), r.tokens(), r.eventTime(), raw);
    s.tags = r.tags().toArray(new String[0]);
    out.collect(s);
    return null;
  }

  private String parseScore(RawRecord raw, Collector<ParsedRecord> out) {
    ParseResult<ScoreRecord> parsed = WireFormat.parseScore(raw.value, maxTokens);
    if (!parsed.isOk()) return parsed.reason();
    ScoreRecord r = parsed.value();
    String problem = words(r.tokens());
    if (problem != null) return problem;
    boolean restricted = r.models() != null && !r.models().isEmpty();
    if (restricted) {
      for (String model : r.models()) {
        if (!models.contains(model))
          return "unknown model '" + model + "'; this job runs " + String.join(", ", models);
      }
    }
    ParsedRecord s = record(r.id(), r.tokens(), r.eventTime(), raw);
    s.models = restricted ? r.models().toArray(new String[0]) : null;
    out.collect(s);
    return null;
  }

  /**
   * A token is a word once normalised, and lowercasing can lengthen it (U+0130 becomes two
   * characters): a word longer than a snapshot may hold would stop the snapshot writer, so the
   * record is refused here, before any model sees it.
   */
  private String words(List<String> tokens) {
    for (int i = 0; i < tokens.size(); i++) {
      String word = normalizer.normalize(tokens.get(i));
      int length = word.codePointCount(0, word.length());
      if (length > MAX_WORD_LENGTH) {
        return String.format(
            Locale.ROOT,
            "tokens[%d] becomes a word of %,d characters when lowercased; the limit is %,d",
            i,
            length,
            MAX_WORD_LENGTH);
      }
    }
    return null;
  }

  private static ParsedRecord record(
      String id, List<String> tokens, Long eventTime, RawRecord raw) {
    ParsedRecord s = new ParsedRecord();
    s.id = id;
    s.tokens = tokens.toArray(new String[0]);
    s.eventTime = eventTime;
    s.sourceTopic = raw.topic;
    s.sourcePartition = raw.partition;
    s.sourceOffset = raw.offset;
    s.raw = raw.value;
    return s;
  }
}
