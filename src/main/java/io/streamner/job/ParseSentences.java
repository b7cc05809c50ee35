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
    ParseResult<ParsedRecord> parsed =
        raw.topic.equals(trainTopic)
            ? WireFormat.parseTrain(raw.value, maxTokens).map(r -> train(r, raw))
            : WireFormat.parseScore(raw.value, maxTokens).map(r -> score(r, raw));
    String reason = parsed.isOk() ? problem(parsed.value()) : parsed.reason();
    if (reason == null) {
      out.collect(parsed.value());
      return;
    }
    deadLetters.inc();
    DeadLetterRecord letter =
        DeadLetterRecord.of(
            reason,
            new DeadLetterRecord.Source(raw.topic, raw.partition, raw.offset),
            raw.value,
            ctx.timerService().currentProcessingTime());
    ctx.output(DEAD_LETTERS, Outputs.deadLetter(letter));
  }

  private static ParsedRecord train(TrainRecord r, RawRecord raw) {
    ParsedRecord s = record(r.id(), r.tokens(), r.eventTime(), raw);
    s.tags = r.tags().toArray(new String[0]);
    return s;
  }

  private static ParsedRecord score(ScoreRecord r, RawRecord raw) {
    ParsedRecord s = record(r.id(), r.tokens(), r.eventTime(), raw);
    boolean restricted = r.models() != null && !r.models().isEmpty();
    s.models = restricted ? r.models().toArray(new String[0]) : null;
    return s;
  }

  /**
   * Why a well-formed record is still unusable, or null: its words, then the models it asks for.
   */
  private String problem(ParsedRecord s) {
    String problem = words(s.tokens);
    if (problem != null || s.models == null) return problem;
    for (String model : s.models) {
      if (!models.contains(model))
        return "unknown model '" + model + "'; this job runs " + String.join(", ", models);
    }
    return null;
  }

  /**
   * A token is a word once normalised, and lowercasing can lengthen it (U+0130 becomes two
   * characters): a word longer than a snapshot may hold would stop the snapshot writer, so the
   * record is refused here, before any model sees it.
   */
  private String words(String[] tokens) {
    for (int i = 0; i < tokens.length; i++) {
      String word = normalizer.normalize(tokens[i]);
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
