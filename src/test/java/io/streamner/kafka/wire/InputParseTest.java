package io.streamner.kafka.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every reason {@link WireFormat#parseTrain} and {@link WireFormat#parseScore} give, each asserted
 * to name the problem, and the records they accept.
 */
class InputParseTest {

  static final int MAX = WireFormat.DEFAULT_MAX_TOKENS;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String trainReason(String json) {
    return trainReason(utf8(json));
  }

  static String trainReason(byte[] value) {
    return reason(WireFormat.parseTrain(value, MAX));
  }

  static String scoreReason(String json) {
    return reason(WireFormat.parseScore(utf8(json), MAX));
  }

  /** The reason of a result that must be a rejection. */
  private static String reason(ParseResult<?> r) {
    assertFalse(r.isOk(), () -> "should be rejected: " + r.value());
    assertNull(r.value());
    return r.reason();
  }

  static void assertMentions(String reason, String... parts) {
    for (String part : parts) {
      assertTrue(
          reason.contains(part), () -> "reason <" + reason + "> does not mention <" + part + ">");
    }
    assertTrue(reason.length() < 400, () -> "reason too long: " + reason.length());
  }

  @Test
  void readsAGoodTrainRecord() {
    TrainRecord r =
        WireFormat.parseTrain(
                utf8(
                    "{\"id\": \"tweet-17\", \"tokens\": [\"I\",\" met \",\"Anna\"], \"tags\": [\"O\",\"O\",\"B-PER\"], "
                        + "\"event_time\": 1764115200000}"),
                MAX)
            .get();
    assertEquals(
        new TrainRecord(
            "tweet-17", List.of("I", "met", "Anna"), List.of("O", "O", "B-PER"), 1764115200000L),
        r);
  }

  @Test
  void eventTimeIsOptionalAndMayBeWrittenWithAZeroFraction() {
    String base = "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]";
    assertNull(WireFormat.parseTrain(utf8(base + "}"), MAX).get().eventTime());
    assertEquals(
        1764115200000L,
        WireFormat.parseTrain(utf8(base + ", \"event_time\": 1764115200000.0}"), MAX)
            .get()
            .eventTime());
    assertEquals(
        17L, WireFormat.parseTrain(utf8(base + ", \"event_time\": 1.7e1}"), MAX).get().eventTime());
  }

  @Test
  void aByteOrderMarkIsSkipped() {
    assertTrue(
        WireFormat.parseTrain(
                utf8("\uFEFF{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]}"), MAX)
            .isOk());
  }

  @Test
  void readsScoreRecordsWithTokensOrText() {
    ScoreRecord tokens =
        WireFormat.parseScore(utf8("{\"id\": \"q-1\", \"tokens\": [\"Ines\", \"opened\"]}"), MAX)
            .get();
    assertEquals(new ScoreRecord("q-1", List.of("Ines", "opened"), List.of(), null), tokens);
    assertTrue(tokens.asks("PER"));

    ScoreRecord text =
        WireFormat.parseScore(
                utf8(
                    "{\"id\": \"q-2\", \"text\": \"Anna met @bob in Porto.\", \"models\": [\"person\", \"PER\", \"loc\"], "
                        + "\"event_time\": 5}"),
                MAX)
            .get();
    assertEquals(List.of("Anna", "met", "@bob", "in", "Porto", "."), text.tokens());
    assertEquals(List.of("PER", "LOC"), text.models(), "canonical, each once");
    assertTrue(text.asks("LOC"));
    assertFalse(text.asks("ORG"));
    assertEquals(5L, text.eventTime());
  }

  @Test
  void nullEmptyAndBlankValues() {
    assertMentions(trainReason((byte[]) null), "null", "tombstone");
    assertMentions(trainReason(new byte[0]), "empty");
    assertMentions(trainReason(" \n\t "), "only white space");
  }

  @Test
  void invalidUtf8IsReportedWithTheBytesAndWhere() {
    byte[] prefix = utf8("{\"id\": \"");
    byte[] value = new byte[prefix.length + 2];
    System.arraycopy(prefix, 0, value, 0, prefix.length);
    value[prefix.length] = (byte) 0xC3; // a lead byte followed by an ASCII byte
    value[prefix.length + 1] = '(';
    assertMentions(trainReason(value), "not valid UTF-8", "0xC3", "at byte 8");
    assertMentions(
        trainReason(new byte[] {'{', (byte) 0xC0, (byte) 0x80, '}'}), "not valid UTF-8", "0xC0");
    // An encoded surrogate (CESU-8) is not UTF-8 either.
    assertMentions(
        trainReason(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}),
        "not valid UTF-8");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"id\": x}                                   | not valid JSON, line 1, column",
        "{\"id\": \"a\", \"tokens\": [\"x\"]           | not valid JSON",
        "{\"id\": \"a\" \"tokens\": []}                | not valid JSON",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]} x        | text after the JSON object",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]} {}       | text after the JSON object, an object",
        "[\"I\", \"met\", \"Anna\"]                    | a list, not a JSON object",
        "\"I met Anna\"                                | a string, not a JSON object",
        "42                                            | a number, not a JSON object",
        "{\"tokens\": [\"x\"], \"tags\": [\"O\"]}      | missing field \"id\"",
        "{\"id\": \"a\", \"tags\": [\"O\"]}            | missing field \"tokens\"",
        "{\"id\": \"a\", \"tokens\": [\"x\"]}          | missing field \"tags\"",
        "{\"id\": 17, \"tokens\": [\"x\"], \"tags\": [\"O\"]}                 | field \"id\" must be a string, got a number",
        "{\"id\": \"\", \"tokens\": [\"x\"], \"tags\": [\"O\"]}               | id is empty",
        "{\"id\": \"a\", \"tokens\": \"I met Anna\", \"tags\": [\"O\"]}       | field \"tokens\" must be a list of strings, got a string",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": null}                 | field \"tags\" must be a list of strings, got null",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"event_time\": \"today\"} | field \"event_time\" must be a whole number of milliseconds, got a string",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"event_time\": 1.5}     | event_time 1.5 is not a whole number",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"event_time\": 1e30}    | event_time 1e30 is not a whole number",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"event_time\": 99999999999999999999} | is not a whole number",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"event_time\": -5}      | event_time is negative (-5)",
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"labels\": [\"O\"]}            | unknown field \"labels\", id, tokens, tags, event_time",
        "{\"id\": \"a\", \"id\": \"b\", \"tokens\": [\"x\"], \"tags\": [\"O\"]} | field \"id\" appears twice",
        "{\"id\": \"a\", \"tokens\": [], \"tags\": []}                        | tokens is empty",
        "{\"id\": \"a\", \"tokens\": [\"I\", \"\"], \"tags\": [\"O\", \"O\"]}  | tokens[1] is empty",
        "{\"id\": \"a\", \"tokens\": [\"I\", \" \\t\"], \"tags\": [\"O\", \"O\"]} | tokens[1] is only white space",
        "{\"id\": \"a\", \"tokens\": [\"I\", 7], \"tags\": [\"O\", \"O\"]}     | tokens[1] is a number, not a string",
        "{\"id\": \"a\", \"tokens\": [\"I\", [\"x\"]], \"tags\": [\"O\", \"O\"]} | tokens[1] is a list, not a string",
        "{\"id\": \"a\", \"tokens\": [\"I\"], \"tags\": [null]}                | tags[0] is null, not a string",
        "{\"id\": \"a\", \"tokens\": [\"I\", \"met\", \"Anna\"], \"tags\": [\"O\", \"B-PER\"]} | tokens and tags differ in length (3 vs 2)",
        "{\"id\": \"a\", \"tokens\": [\"I\", \"met\"], \"tags\": [\"O\", \"B-\"]}  | tags[1] is not a valid tag: \"B-\"",
        "{\"id\": \"a\", \"tokens\": [\"I\"], \"tags\": [\"0\"]}                   | tags[0] is not a valid tag: \"0\"",
        "{\"id\": \"a\", \"tokens\": [\"I\"], \"tags\": [\"B-O\"]}                 | tags[0] is not a valid tag",
        "{\"id\": \"a\", \"tokens\": [\"\\ud800x\"], \"tags\": [\"O\"]}            | tokens[0] holds an unpaired surrogate \\uD800",
      })
  void trainReasonsNameTheProblem(String json, String mentions) {
    assertMentions(trainReason(json), mentions.split(", "));
  }

  /** {@code n} copies of a JSON value, comma-separated: the inside of a long list. */
  static String copies(int n, String value) {
    return String.join(",", Collections.nCopies(n, value));
  }

  @Test
  void tooManyTokensSaysHowManyAndTheLimit() {
    String json =
        "{\"id\": \"a\", \"tokens\": [" + copies(50_000, "\"w\"") + "], \"tags\": [\"O\"]}";
    assertEquals("sentence has 50,000 tokens; the limit is 1,000", trainReason(json));
    assertTrue(
        WireFormat.parseTrain(utf8(json), 50_000)
            .reason()
            .contains("differ in length (50,000 vs 1)"));
  }

  @Test
  void tagsBeyondTheLimitAreCountedForTheMismatch() {
    String json =
        "{\"id\": \"a\", \"tags\": [" + copies(5_000, "\"O\"") + "], \"tokens\": [\"w\"]}";
    assertEquals("tokens and tags differ in length (1 vs 5,000)", trainReason(json));
  }

  @Test
  void overlongStringsAreRejectedAndExcerptsAreCut() {
    String token = "a".repeat(1_001);
    assertMentions(
        trainReason("{\"id\": \"a\", \"tokens\": [\"" + token + "\"], \"tags\": [\"O\"]}"),
        "tokens[0] is 1,001 characters long; the limit is 1,000");
    String badTag = "0".repeat(900);
    String reason =
        trainReason("{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"" + badTag + "\"]}");
    assertMentions(reason, "tags[0] is not a valid tag: \"000", "...\"", "(900 characters in all)");
    String field = "f".repeat(40_000); // Jackson refuses names over 50,000 characters
    assertMentions(
        trainReason("{\"" + field + "\": 1}"), "unknown field \"fff", "(40,000 characters in all)");
    assertMentions(
        trainReason(
            "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]} " + "x".repeat(10_000)),
        "text after the JSON object");
  }

  @Test
  void controlCharactersInExcerptsAreEscaped() {
    String reason =
        trainReason("{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"B-\\n\\u0000\"]}");
    assertMentions(reason, "\\u000A", "\\u0000");
    assertFalse(reason.contains("\n"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"text\": \"x\"}   | either tokens or text, not both",
        "{\"id\": \"q\"}                                          | missing field \"tokens\" or \"text\"",
        "{\"tokens\": [\"x\"]}                                    | missing field \"id\"",
        "{\"id\": \"q\", \"text\": \"  \\t \"}                    | text holds no tokens, only white space",
        "{\"id\": \"q\", \"text\": \"\"}                          | text holds no tokens",
        "{\"id\": \"q\", \"text\": 5}                             | field \"text\" must be a string, got a number",
        "{\"id\": \"q\", \"text\": \"a \\udc00\"}                 | text holds an unpaired surrogate \\uDC00",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"tags\": [\"O\"]}  | unknown field \"tags\", send labelled sentences to the train topic",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": []}      | models is empty; leave it out to ask every model",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": \"PER\"} | field \"models\" must be a list of strings, got a string",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": [5]}     | models[0] is a number, not a string",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": [\"B-PER\"]} | models[0] is not an entity type: \"B-PER\", is a tag",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": [\"O\"]}  | models[0] is not an entity type: \"O\"",
        "{\"id\": \"q\", \"tokens\": [\"x\"], \"event_time\": true} | field \"event_time\" must be a whole number, got a boolean",
      })
  void scoreReasonsNameTheProblem(String json, String mentions) {
    assertMentions(scoreReason(json), mentions.split(", "));
  }

  @Test
  void textThatSplitsIntoTooManyTokensOrAHugeTokenIsRejected() {
    assertEquals(
        "text splits into 1,001 tokens; the limit is 1,000",
        scoreReason("{\"id\": \"q\", \"text\": \"" + "w ".repeat(1_001) + "\"}"));
    assertMentions(
        scoreReason("{\"id\": \"q\", \"text\": \"hi " + "a".repeat(5_000) + "\"}"),
        "token 1 of text is 5,000 characters long; the limit is 1,000");
  }

  @Test
  void tooManyModelsAreRejected() {
    StringBuilder models = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      models.append(i == 0 ? "" : ",").append("\"T").append(i).append('"');
    }
    assertMentions(
        scoreReason("{\"id\": \"q\", \"tokens\": [\"x\"], \"models\": [" + models + "]}"),
        "models lists 101 entity types; the limit is 100");
  }

  @Test
  void aLimitBelowOneIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> WireFormat.parseTrain(utf8("{}"), 0));
    assertThrows(IllegalArgumentException.class, () -> WireFormat.parseScore(utf8("{}"), -1));
  }

  @Test
  void recordConstructorsEnforceTheSameRules() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainRecord("a", List.of("I", "met", "Anna"), List.of("O", "B-PER"), null));
    assertEquals("tokens and tags differ in length (3 vs 2)", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrainRecord(" ", List.of("x"), List.of("O"), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrainRecord("a", List.of("x"), List.of("0"), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrainRecord("a", List.of("x"), List.of("O"), -1L));
    assertThrows(IllegalArgumentException.class, () -> new ScoreRecord("a", List.of(), null, null));
    assertMentions(
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScoreRecord("a", List.of("x"), List.of("person"), null))
            .getMessage(),
        "write \"PER\"");
  }
}
