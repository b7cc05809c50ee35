package io.streamner.kafka.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.DeadLetterRecord.Source;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every record of the four non-snapshot topics survives encode and decode unchanged, bit for bit.
 */
class RoundTripTest {

  /** Doubles that break lazy formatting: subnormals, the sign of zero, the edges of [0, 1]. */
  static final double[] AWKWARD_PROBABILITIES = {
    0.0,
    -0.0,
    1.0,
    Double.MIN_VALUE,
    Double.MIN_NORMAL,
    Math.nextDown(Double.MIN_NORMAL),
    0.1 + 0.2,
    Math.nextDown(1.0),
    1e-300,
    0.5,
    1.0 / 3,
    4.9e-324 * 3
  };

  static PredictionRecord trainPrediction() {
    int n = AWKWARD_PROBABILITIES.length;
    List<String> tokens = java.util.stream.IntStream.range(0, n).mapToObj(i -> "tok" + i).toList();
    List<String> labels =
        java.util.stream.IntStream.range(0, n).mapToObj(i -> i % 3 == 0 ? "B-PER" : "O").toList();
    List<String> gold =
        java.util.stream.IntStream.range(0, n)
            .mapToObj(i -> i % 2 == 0 ? "I-person" : "O")
            .toList();
    return new PredictionRecord(
        "tweet-17",
        PredictionRecord.TRAIN,
        "PER",
        12,
        20031,
        tokens,
        labels,
        AWKWARD_PROBABILITIES,
        gold,
        1764115200000L,
        1764115200412L,
        null,
        null);
  }

  static PredictionRecord scorePrediction() {
    return new PredictionRecord(
        "q-1 ünïcødé 😀",
        PredictionRecord.SCORE,
        "CREATIVE-WORK",
        0,
        0,
        List.of("Stranger", "Things", "\"quoted\"", "tab\there"),
        List.of("B-CREATIVE-WORK", "I-CREATIVE-WORK", "O", "O"),
        new double[] {0.93, 0.88, 0.01, 0.02},
        null,
        null,
        1L,
        null,
        null);
  }

  @Test
  void trainRecordsRoundTrip() {
    for (TrainRecord r :
        List.of(
            new TrainRecord(
                "tweet-17",
                List.of("I", "met", "Anna"),
                List.of("O", "O", "B-PER"),
                1764115200000L),
            new TrainRecord(
                "ü 😀",
                List.of("\"", "\\", "\u0001", "é"),
                List.of("o", "B-creative-work", "PERSON", "S-loc"),
                null))) {
      assertEquals(r, WireFormat.parseTrain(WireFormat.encode(r), 1_000).get());
    }
  }

  @Test
  void scoreRecordsRoundTrip() {
    for (ScoreRecord r :
        List.of(
            new ScoreRecord("q-1", List.of("Anna", "met", "Bob"), List.of("PER", "LOC"), 5L),
            new ScoreRecord("q-2", List.of("x"), List.of(), null))) {
      assertEquals(r, WireFormat.parseScore(WireFormat.encode(r), 1_000).get());
    }
    String json =
        new String(
            WireFormat.encode(new ScoreRecord("q", List.of("x"), null, null)),
            StandardCharsets.UTF_8);
    assertEquals("{\"id\":\"q\",\"tokens\":[\"x\"]}", json, "optional fields left out when empty");
  }

  @Test
  void predictionsRoundTripBitForBit() {
    for (PredictionRecord r : List.of(trainPrediction(), scorePrediction())) {
      PredictionRecord back = WireFormat.decodePrediction(WireFormat.encode(r));
      assertEquals(r, back);
      for (int i = 0; i < r.probabilities().length; i++) {
        assertEquals(
            Double.doubleToRawLongBits(r.probabilities()[i]),
            Double.doubleToRawLongBits(back.probabilities()[i]),
            "probability " + i);
      }
    }
    assertEquals("q-1 ünïcødé 😀", WireFormat.key(scorePrediction()));
  }

  /** The fast double writer must give back every probability exactly, extremes included. */
  @Test
  void anyProbabilityRoundTripsBitForBit() {
    java.util.Random random = new java.util.Random(7);
    double[] p = new double[20_000];
    for (int i = 0; i < p.length; i++) {
      double u = random.nextDouble();
      // Uniform, then tiny and near-one values where the digits run long.
      p[i] = i % 3 == 0 ? u : i % 3 == 1 ? Math.pow(u, 40) : 1 - Math.pow(u, 40);
    }
    double[] extremes = {
      0, 1, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, Math.nextDown(1.0), 0.5, 1e-7, 2.5e-5
    };
    System.arraycopy(extremes, 0, p, 0, extremes.length);
    List<String> tokens = java.util.Collections.nCopies(p.length, "w");
    PredictionRecord r =
        new PredictionRecord(
            "id",
            PredictionRecord.SCORE,
            "PER",
            1,
            1,
            tokens,
            java.util.Collections.nCopies(p.length, "O"),
            p,
            null,
            null,
            1,
            null,
            null);
    double[] back = WireFormat.decodePrediction(WireFormat.encode(r)).probabilities();
    for (int i = 0; i < p.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(p[i]),
          Double.doubleToRawLongBits(back[i]),
          "probability " + p[i]);
    }
  }

  /** {@code p} with kind, model, gold and probabilities as given: each variant breaks one rule. */
  private static PredictionRecord with(
      PredictionRecord p, String kind, String model, List<String> gold, double[] probabilities) {
    return new PredictionRecord(
        p.id(),
        kind,
        model,
        1,
        1,
        p.tokens(),
        p.labels(),
        probabilities,
        gold,
        null,
        1,
        null,
        null);
  }

  @Test
  void predictionsRefuseInconsistentContent() {
    PredictionRecord p = trainPrediction();
    assertThrows(
        IllegalArgumentException.class,
        () -> with(p, PredictionRecord.SCORE, p.model(), p.gold(), p.probabilities()),
        "score with gold");
    assertThrows(
        IllegalArgumentException.class,
        () -> with(p, PredictionRecord.TRAIN, p.model(), null, p.probabilities()),
        "train without gold");
    double[] nan = p.probabilities().clone();
    nan[0] = Double.NaN;
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> with(p, p.kind(), p.model(), p.gold(), nan))
            .getMessage()
            .contains("probabilities[0] is NaN"));
    assertThrows(
        IllegalArgumentException.class,
        () -> with(p, p.kind(), "person", p.gold(), p.probabilities()),
        "model not canonical");
    assertThrows(
        IllegalArgumentException.class,
        () -> with(p, "test", p.model(), p.gold(), p.probabilities()));
  }

  @Test
  void predictionDecodingNamesTheBrokenField() {
    String reason =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    WireFormat.decodePrediction(
                        "{\"id\": \"a\", \"kind\": \"score\"}".getBytes(StandardCharsets.UTF_8)))
            .getMessage();
    assertEquals("prediction: missing field \"model\"", reason);
    assertThrows(IllegalArgumentException.class, () -> WireFormat.decodePrediction(null));
    assertThrows(
        IllegalArgumentException.class, () -> WireFormat.decodePrediction(new byte[] {'[', ']'}));
  }

  @Test
  void deadLettersKeepTheOriginalAndRoundTrip() {
    Source source = new Source("train", 3, 1234);
    byte[] text =
        "{\"id\": \"tweet-19\", \"tokens\": [\"I\", \"met\", \"Anna\"], \"tags\": [\"O\", \"B-PER\"]}"
            .getBytes(StandardCharsets.UTF_8);
    DeadLetterRecord d =
        DeadLetterRecord.of("tokens and tags differ in length (3 vs 2)", source, text, 99L);
    assertEquals(new String(text, StandardCharsets.UTF_8), d.originalText());
    assertArrayEquals(text, d.originalBytes());
    assertFalse(d.originalTruncated());
    assertEquals(text.length, d.originalSize());
    assertEquals(d, WireFormat.decodeDeadLetter(WireFormat.encode(d)));
    assertEquals("train/3/1234", WireFormat.key(d));

    byte[] bad = {'{', (byte) 0xC3, '(', '}'};
    DeadLetterRecord binary = DeadLetterRecord.of("value is not valid UTF-8", source, bad, 99L);
    assertNull(binary.originalText(), "no text for bytes that are not UTF-8");
    assertArrayEquals(bad, binary.originalBytes());
    assertEquals(binary, WireFormat.decodeDeadLetter(WireFormat.encode(binary)));

    DeadLetterRecord tombstone = DeadLetterRecord.of("value is null", source, null, 99L);
    assertEquals("", tombstone.originalBase64());
    assertEquals(0, tombstone.originalSize());
    assertEquals(tombstone, WireFormat.decodeDeadLetter(WireFormat.encode(tombstone)));
  }

  @Test
  void hugeOriginalsAreCutSoTheDeadLetterFitsInAKafkaRecord() {
    // 10 MB of emoji: 4 bytes and 2 chars each; the text cut must not split a pair.
    byte[] huge = "😀".repeat(2_621_440).getBytes(StandardCharsets.UTF_8);
    DeadLetterRecord d =
        DeadLetterRecord.of("sentence has 9,999,999 tokens", new Source("score", 0, 0), huge, 1L);
    assertTrue(d.originalTruncated());
    assertEquals(huge.length, d.originalSize());
    assertEquals(DeadLetterRecord.MAX_ORIGINAL_BYTES, d.originalBytes().length);
    assertArrayEquals(Arrays.copyOf(huge, DeadLetterRecord.MAX_ORIGINAL_BYTES), d.originalBytes());
    assertEquals(DeadLetterRecord.MAX_ORIGINAL_CHARS, d.originalText().length());
    assertEquals("😀".repeat(DeadLetterRecord.MAX_ORIGINAL_CHARS / 2), d.originalText());
    byte[] encoded = WireFormat.encode(d);
    assertTrue(
        encoded.length < 1024 * 1024 * 9 / 10, "dead letter of " + encoded.length + " bytes");
    assertEquals(d, WireFormat.decodeDeadLetter(encoded));

    byte[] odd = ("x" + "😀".repeat(6_000)).getBytes(StandardCharsets.UTF_8);
    DeadLetterRecord cut = DeadLetterRecord.of("r", new Source("score", 0, 0), odd, 1L);
    assertEquals(
        DeadLetterRecord.MAX_ORIGINAL_CHARS - 1,
        cut.originalText().length(),
        "cut before the pair");
  }
}
