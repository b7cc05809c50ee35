package io.streamner.job;

import static io.streamner.job.JobTesting.START;
import static io.streamner.job.JobTesting.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.DeadLetterRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.TagSet;
import io.streamner.text.TokenNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing raw Kafka records into sentences or dead letters, and addressing sentences to models. */
class ParseSentencesTest {
  private static final String TRAIN = "streamner.train";
  private static final String SCORE = "streamner.score";
  private static final int MAX_TOKENS = 5;

  private OneInputStreamOperatorTestHarness<RawRecord, ParsedRecord> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new ParseSentences(
                TRAIN, List.of("PER", "LOC"), MAX_TOKENS, TokenNormalizer.defaults()));
    harness.setProcessingTime(START); // the test clock starts at Long.MIN_VALUE, not a time
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void process(String topic, int partition, long offset, byte[] value) throws Exception {
    harness.processElement(new RawRecord(topic, partition, offset, 42L, value), 42L);
  }

  private List<DeadLetterRecord> deadLetters() {
    List<DeadLetterRecord> out = new ArrayList<>();
    for (EncodedRecord r : JobTesting.take(harness.getSideOutput(ParseSentences.DEAD_LETTERS))) {
      DeadLetterRecord letter = WireFormat.decodeDeadLetter(r.value);
      assertArrayEquals(
          WireFormat.keyBytes(WireFormat.key(letter)),
          r.key,
          "a dead letter is keyed topic/partition/offset (schemas/topics.md)");
      out.add(letter);
    }
    return out;
  }

  @Test
  void aGoodTrainRecordBecomesALabelledSentence() throws Exception {
    process(
        TRAIN,
        2,
        17,
        utf8(
            "{\"id\": \"t-1\", \"tokens\": [\"Anna\", \"flew\", \"to\", \"Porto\"], \"tags\": [\"B-PER\", \"O\", \"O\", \"B-LOC\"],"
                + " \"event_time\": 1764115200000}"));
    List<ParsedRecord> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    ParsedRecord s = out.get(0);
    assertTrue(s.labelled());
    assertTrue(s.labelled());
    assertEquals("t-1", s.id);
    assertArrayEquals(new String[] {"Anna", "flew", "to", "Porto"}, s.tokens);
    assertArrayEquals(new String[] {"B-PER", "O", "O", "B-LOC"}, s.tags);
    assertEquals(1_764_115_200_000L, s.eventTime);
    assertEquals(2, s.sourcePartition);
    assertEquals(17, s.sourceOffset);
    assertTrue(deadLetters().isEmpty());
  }

  @Test
  void aGoodScoreRecordBecomesARequestForTheModelsItNames() throws Exception {
    process(
        SCORE,
        0,
        3,
        utf8("{\"id\": \"q-1\", \"text\": \"Anna met Bob!\", \"models\": [\"person\"]}"));
    process(SCORE, 0, 4, utf8("{\"id\": \"q-2\", \"tokens\": [\"Ines\", \"opened\"]}"));
    List<ParsedRecord> out = harness.extractOutputValues();
    assertEquals(2, out.size());
    ParsedRecord named = out.get(0);
    assertFalse(named.labelled());
    assertEquals("q-1", named.id);
    assertArrayEquals(new String[] {"Anna", "met", "Bob", "!"}, named.tokens, "text is split");
    assertNull(named.tags);
    assertArrayEquals(new String[] {"PER"}, named.models, "aliases fold to the canonical type");
    assertEquals(3, named.sourceOffset);
    ParsedRecord all = out.get(1);
    assertArrayEquals(new String[] {"Ines", "opened"}, all.tokens);
    assertNull(all.models, "no models named: every model answers");
    assertNull(all.eventTime);
    assertTrue(deadLetters().isEmpty());
  }

  static Stream<Arguments> brokenRecords() {
    return Stream.of(
        Arguments.of("broken JSON", TRAIN, utf8("{\"id\": \"t\", \"tokens\": [\"a\""), "JSON"),
        Arguments.of(
            "tags and tokens mismatch",
            TRAIN,
            utf8("{\"id\": \"t\", \"tokens\": [\"a\", \"b\"], \"tags\": [\"O\"]}"),
            "tokens and tags differ in length (2 vs 1)"),
        Arguments.of(
            "unknown requested model",
            SCORE,
            utf8("{\"id\": \"q\", \"tokens\": [\"a\"], \"models\": [\"ORG\"]}"),
            "unknown model 'ORG'; this job runs PER, LOC"),
        Arguments.of(
            "invalid UTF-8",
            TRAIN,
            new byte[] {'{', '"', 'i', 'd', '"', ':', ' ', '"', (byte) 0xC3, 0x28, '"', '}'},
            "not valid UTF-8"),
        Arguments.of(
            "huge sentence",
            TRAIN,
            utf8(
                "{\"id\": \"t\", \"tokens\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"], \"tags\": [\"O\",\"O\",\"O\",\"O\",\"O\",\"O\"]}"),
            "sentence has 6 tokens; the limit is 5"),
        Arguments.of(
            "huge text",
            SCORE,
            utf8("{\"id\": \"q\", \"text\": \"a b c d e f g\"}"),
            "text splits into 7 tokens; the limit is 5"),
        Arguments.of("tombstone", SCORE, null, "null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenRecords")
  void aBrokenRecordIsADeadLetterWithItsReasonAndSource(
      String what, String topic, byte[] value, String reason) throws Exception {
    process(topic, 3, 1234, value);
    assertTrue(harness.extractOutputValues().isEmpty(), "nothing reaches the models");
    List<DeadLetterRecord> letters = deadLetters();
    assertEquals(1, letters.size());
    DeadLetterRecord letter = letters.get(0);
    assertTrue(letter.reason().contains(reason), "reason: " + letter.reason());
    assertEquals(new DeadLetterRecord.Source(topic, 3, 1234), letter.source());
    assertArrayEquals(
        value == null ? new byte[0] : value,
        letter.originalBytes(),
        "the record's bytes, to replay it");
    assertEquals(value == null ? 0 : value.length, letter.originalSize());
    assertEquals(START, letter.failedAt());
  }

  @Test
  void theJobGoesOnAfterABrokenRecord() throws Exception {
    process(TRAIN, 0, 1, utf8("not json"));
    process(TRAIN, 0, 2, utf8("{\"id\": \"t\", \"tokens\": [\"a\"], \"tags\": [\"O\"]}"));
    assertEquals(1, deadLetters().size());
    assertEquals(List.of("t"), harness.extractOutputValues().stream().map(s -> s.id).toList());
  }

  // ---- fan-out

  private static List<ModelInput> fanOut(ParsedRecord s, String... models) {
    List<ModelInput> out = new ArrayList<>();
    new FanOutToModels(List.of(models), new JobDefinition.TypedSettings(TagSet.Scheme.BIO, 0))
        .flatMap(
            s,
            new Collector<>() {
              @Override
              public void collect(ModelInput record) {
                out.add(record);
              }

              @Override
              public void close() {}
            });
    return out;
  }

  @Test
  void aLabelledSentenceGoesToEveryModelWithThatModelsLabels() {
    ParsedRecord s =
        train("t", "Bob/B-PER", "Smith/I-PERSON", "in/O", "Porto/B-location", "Acme/B-ORG");
    List<ModelInput> out = fanOut(s, "PER", "LOC", "ORG");
    assertEquals(List.of("PER", "LOC", "ORG"), out.stream().map(m -> m.model).toList());
    assertArrayEquals(new int[] {1, 1, 0, 0, 0}, out.get(0).labels, "B-PER and I-PERSON are PER");
    assertArrayEquals(new int[] {0, 0, 0, 1, 0}, out.get(1).labels);
    assertArrayEquals(new int[] {0, 0, 0, 0, 1}, out.get(2).labels);
    for (ModelInput m : out) assertTrue(m.sentence == s);
  }

  @Test
  void aTypedModelGetsTagIdsOfItsTagSetAndMentionsOfOtherTypesAreOToIt() {
    ParsedRecord s =
        train("t", "Bob/B-PER", "Smith/I-PERSON", "in/O", "Porto/B-location", "Acme/B-ORG");
    List<ModelInput> out = fanOut(s, "ORG", "PER+LOC");
    // PER+LOC: O, B-PER, I-PER, B-LOC, I-LOC; the ORG mention is not of its types.
    assertArrayEquals(new int[] {1, 2, 0, 3, 0}, out.get(1).labels);
    assertArrayEquals(new int[] {0, 0, 0, 0, 1}, out.get(0).labels, "the binary ORG model");
  }
}
