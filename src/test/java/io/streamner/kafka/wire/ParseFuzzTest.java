package io.streamner.kafka.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The input parsers are total: no byte string makes them throw, every rejection has a short reason,
 * and whatever they accept survives an encode and re-parse unchanged. Huge values are handled in
 * linear time.
 */
class ParseFuzzTest {

  private static final List<String> SEEDS =
      List.of(
          "{\"id\": \"tweet-17\", \"tokens\": [\"I\",\"met\",\"Anna\"], \"tags\": [\"O\",\"O\",\"B-PER\"], \"event_time\": 1764115200000}",
          "{\"id\": \"t\", \"tokens\": [\"Stranger\", \"Things\", \"\\u00e9t\\u00e9\"], \"tags\": [\"B-creative-work\", \"I-creative-work\", \"O\"]}",
          "{\"id\": \"q-1\", \"text\": \"Anna met @bob in Porto (https://x.com/a) at 3.5 km/h!\", \"models\": [\"PER\", \"loc\"]}",
          "{\"id\": \"q-2\", \"tokens\": [\"Ines\", \"opened\", \"a\", \"bakery\"], \"event_time\": 5}",
          "{\"id\": \"\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \ud83d\ude00\", \"text\": \"caf\u00e9 \u2014 \u201cquoted\u201d\"}");

  private static final byte[] INTERESTING =
      "{}[]\",:\\ 0123456789eE.-+tfnul\u00e9\ud83d\ude00".getBytes(StandardCharsets.UTF_8);

  @Test
  void twoThousandMutationsNeverThrow() {
    SplittableRandom random = new SplittableRandom(20261126);
    int accepted = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] seed = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
      byte[] value = mutate(seed, random);
      accepted += check(value, i);
    }
    // The mutations must exercise both paths, or the test proves little.
    assertTrue(accepted > 100 && accepted < 3_000, "accepted " + accepted + " of 4,000 parses");
  }

  /** Parses with both parsers; returns how many accepted. */
  private static int check(byte[] value, int round) {
    Supplier<String> what =
        () ->
            "round "
                + round
                + ": "
                + new String(value, 0, Math.min(value.length, 300), StandardCharsets.UTF_8);
    ParseResult<TrainRecord> train = WireFormat.parseTrain(value, 50);
    ParseResult<ScoreRecord> score = WireFormat.parseScore(value, 50);
    int accepted = 0;
    for (ParseResult<?> r : List.of(train, score)) {
      assertNotNull(r, what);
      if (r.isOk()) {
        accepted++;
      } else {
        assertFalse(r.reason().isBlank(), what);
        assertFalse(
            r.reason().startsWith("internal error"), () -> what.get() + " -> " + r.reason());
        assertTrue(r.reason().length() < 600, () -> what.get() + " -> " + r.reason());
      }
    }
    if (train.isOk()) {
      assertEquals(
          train.value(), WireFormat.parseTrain(WireFormat.encode(train.value()), 50).get(), what);
    }
    if (score.isOk()) {
      assertEquals(
          score.value(), WireFormat.parseScore(WireFormat.encode(score.value()), 50).get(), what);
    }
    return accepted;
  }

  private static byte[] mutate(byte[] seed, SplittableRandom random) {
    byte[] v = seed.clone();
    int kind = random.nextInt(9);
    switch (kind) {
      case 0 -> { // flip bits in a few bytes
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          v[random.nextInt(v.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> v = Arrays.copyOf(v, random.nextInt(v.length)); // truncate
      case 2 -> { // random bytes
        v = new byte[random.nextInt(64)];
        for (int i = 0; i < v.length; i++) {
          v[i] = (byte) random.nextInt(256);
        }
      }
      case 3 -> { // replace a byte with a JSON-ish one
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          v[random.nextInt(v.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
      }
      case 4 -> v = insert(v, random.nextInt(v.length + 1), "[".repeat(10_000)); // deep nesting
      case 5 -> v = insert(v, random.nextInt(v.length + 1), "{\"a\":".repeat(5_000));
      case 6 -> { // delete a span
        int from = random.nextInt(v.length);
        int to = Math.min(v.length, from + 1 + random.nextInt(8));
        byte[] out = new byte[v.length - (to - from)];
        System.arraycopy(v, 0, out, 0, from);
        System.arraycopy(v, to, out, from, v.length - to);
        v = out;
      }
      case 7 -> { // duplicate a span (repeated fields, doubled items)
        int from = random.nextInt(v.length);
        int to = Math.min(v.length, from + 1 + random.nextInt(20));
        v =
            insert(
                v,
                to,
                new String(v, from, to - from, StandardCharsets.ISO_8859_1),
                StandardCharsets.ISO_8859_1);
      }
      default -> { // a whole field replaced by an odd value
        String[] odd = {
          "null",
          "true",
          "-0",
          "1e999",
          "\"\\ud800\"",
          "[]",
          "{}",
          "[[[]]]",
          "\"\"",
          "\" \"",
          "1.5",
          "-1",
          "99999999999999999999999"
        };
        String s = new String(v, StandardCharsets.UTF_8);
        int colon = s.indexOf(':', random.nextInt(s.length()));
        if (colon > 0) {
          int end = s.indexOf(',', colon);
          end = end < 0 ? s.length() - 1 : end;
          s = s.substring(0, colon + 1) + odd[random.nextInt(odd.length)] + s.substring(end);
        }
        v = s.getBytes(StandardCharsets.UTF_8);
      }
    }
    return v;
  }

  private static byte[] insert(byte[] v, int at, String text) {
    return insert(v, at, text, StandardCharsets.UTF_8);
  }

  private static byte[] insert(byte[] v, int at, String text, java.nio.charset.Charset charset) {
    byte[] add = text.getBytes(charset);
    byte[] out = new byte[v.length + add.length];
    System.arraycopy(v, 0, out, 0, at);
    System.arraycopy(add, 0, out, at, add.length);
    System.arraycopy(v, at, out, at + add.length, v.length - at);
    return out;
  }

  /** Ten megabytes in many shapes; each must be answered in well under a second or two. */
  @Test
  void tenMegabyteValuesAreRejectedInLinearTime() {
    int size = 10 * 1024 * 1024;
    String words = "\"w\",".repeat(size / 4);
    assertRejectedQuickly(
        "{\"id\": \"a\", \"tokens\": [" + words + "\"w\"], \"tags\": [\"O\"]}",
        "sentence has 2,621,441 tokens; the limit is 1,000");
    assertRejectedQuickly(
        "{\"id\": \"a\", \"tags\": [" + words + "\"O\"], \"tokens\": [\"w\"]}",
        "differ in length (1 vs 2,621,441)");
    assertRejectedQuickly(
        "{\"id\": \"a\", \"tokens\": [\"" + "a".repeat(size) + "\"], \"tags\": [\"O\"]}",
        "10,485,760 characters long");
    assertRejectedQuickly(
        "{\"id\": \"" + "i".repeat(size) + "\"}", "id is 10,485,760 characters long");
    assertRejectedQuickly("[".repeat(size), "a list, not a JSON object");
    assertRejectedQuickly(
        "{\"id\": " + "[".repeat(size), "field \"id\" must be a string, got a list");
    assertRejectedQuickly(
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"]}" + " ".repeat(size) + "}",
        "text after the JSON object");
    assertRejectedQuickly(
        "{\"id\": \"a\", \"tokens\": [\"x\"], \"tags\": [\"O\"], \"extra\": \""
            + "x".repeat(size)
            + "\"}",
        "unknown field \"extra\"");

    long start = System.nanoTime();
    ParseResult<ScoreRecord> text =
        WireFormat.parseScore(
            ("{\"id\": \"q\", \"text\": \"" + "a. ".repeat(size / 3) + "\"}")
                .getBytes(StandardCharsets.UTF_8),
            1_000);
    assertEquals("text splits into 6,990,506 tokens; the limit is 1,000", text.reason());
    assertQuick(start, "text");
  }

  private static void assertRejectedQuickly(String json, String mentions) {
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    long start = System.nanoTime();
    ParseResult<TrainRecord> r = WireFormat.parseTrain(value, 1_000);
    assertFalse(r.isOk());
    assertTrue(r.reason().contains(mentions), () -> r.reason() + " should mention " + mentions);
    assertTrue(r.reason().length() < 400, r.reason());
    assertQuick(start, mentions);
  }

  /**
   * Not a speed measurement: a bound so loose that only a quadratic pass over 10 MB (hours) can
   * break it, even on a 2-core machine busy with a Flink cluster (one linear pass took 7 s there).
   */
  private static void assertQuick(long start, String what) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 60_000, what + " took " + millis + " ms");
  }
}
