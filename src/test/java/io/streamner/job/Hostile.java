package io.streamner.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamner.job.JobFuzzTest.Input;
import io.streamner.job.JobFuzzTest.Stream;
import io.streamner.text.Sentence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Records for {@link JobFuzzTest}: good sentences shuffled among hostile ones, each marked with
 * what must become of it. Whether a record must fail is decided here by the documented input rules
 * (schemas/train.schema.json), written out plainly, not by calling the parser.
 */
final class Hostile {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest token or id, in code points, before and after lowercasing. */
  private static final int MAX_LENGTH = 1_000;

  private static final String[] TAGS = {"O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "PER"};

  /** Pieces of text that break naive code: they are all legal in a token. */
  private static final String[] ODD = {
    "e\u0301",
    "a\u0308\u0323",
    "\u202eabc",
    "\u2066x\u2069",
    "\u200b",
    "a\u200db",
    "\ufeff",
    "\ud83d\ude00",
    "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
    "\ud83c\uddf5\ud83c\uddf9",
    "\u0001",
    "a\u0007b",
    "\u001f",
    "\u0130stanbul",
    "\u01c5",
    "\u00df",
    "\u03a3\u03af\u03c3",
    "\u6771\u4eac",
    "\u0645\u0631\u062d\u0628\u0627",
    "\uffff",
    "\"quoted\"",
    "back\\slash",
    "a/b",
    "<s>",
    "UUUNKKK",
    "</s>",
    "\u0000",
    "  padded  "
  };

  private Hostile() {}

  /**
   * @param good sentences that are valid whatever else happens
   * @param hostileTrain hostile records for the train topic
   * @param score records for the score topic, good and bad
   */
  static Stream stream(Random random, List<Sentence> good, int hostileTrain, int score) {
    List<Input> train = new ArrayList<>();
    for (int i = 0; i < good.size(); i++) {
      Sentence s = good.get(i);
      train.add(valid("g" + i, s.tokens(), s.tags()));
    }
    for (int i = 0; i < hostileTrain; i++) train.add(hostile(random, i));
    Collections.shuffle(train, random);
    List<Input> scores = new ArrayList<>();
    for (int i = 0; i < score; i++) scores.add(scoreRecord(random, i));
    return new Stream(train, scores);
  }

  private static Input hostile(Random random, int i) {
    String id = "h" + i;
    return switch (i % 12) {
      case 0, 1, 2, 3 -> randomSentence(random, id);
      case 4 -> // grows past the word limit when lowercased (U+0130 becomes two characters)
          labelled(id, List.of("\u0130".repeat(501), "x", "\u0130".repeat(501)), "O", true);
      case 5 -> raw("{\"id\":\"" + id + "\",\"tokens\":[\"a\\ud800b\"],\"tags\":[\"O\"]}", true);
      case 6 -> new Input(Malformed.record(random, i / 12), null, true);
      case 7 ->
          i % 24 == 7
              ? tooLargeToPredict(id)
              : labelled(id, List.of("x".repeat(MAX_LENGTH), "y"), "O", false);
      case 8 ->
          raw(
              "{\"id\":\"" + "i".repeat(1_000_001) + "\",\"tokens\":[\"a\"],\"tags\":[\"O\"]}",
              true);
      case 9 -> raw("{\"id\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}", true);
      case 10 ->
          raw("{\"id\":\"" + id + "\",\"id\":\"again\",\"tokens\":[\"a\"],\"tags\":[\"O\"]}", true);
      default -> new Input(null, null, true); // a tombstone
    };
  }

  /** Tokens of odd and random characters with random tags; invalid only if a rule says so. */
  private static Input randomSentence(Random random, String id) {
    int n = 1 + random.nextInt(25);
    List<String> tokens = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      tokens.add(randomToken(random));
      tags.add(TAGS[random.nextInt(TAGS.length)]);
    }
    boolean fails = tokens.stream().anyMatch(Hostile::invalidToken);
    return new Input(json(id, tokens, tags), fails ? null : id, fails);
  }

  private static String randomToken(Random random) {
    StringBuilder token = new StringBuilder();
    int pieces = 1 + random.nextInt(3);
    for (int p = 0; p < pieces; p++) {
      if (random.nextBoolean()) {
        token.append(ODD[random.nextInt(ODD.length)]);
      } else {
        int cp;
        do cp = random.nextInt(0x110000);
        while (cp >= 0xD800 && cp <= 0xDFFF); // a lone surrogate cannot be written as UTF-8
        token.appendCodePoint(cp);
      }
    }
    return token.toString();
  }

  /**
   * The token rules of the train schema: not empty or white space only, at most 1,000 code points,
   * and (the model's own limit) at most 1,000 once lowercased. Tokens are stripped first.
   */
  private static boolean invalidToken(String token) {
    if (token.codePointCount(0, token.length()) > MAX_LENGTH) return true;
    String t = token.strip();
    if (t.isEmpty()) return true;
    String word = t.toLowerCase(Locale.ROOT);
    return word.codePointCount(0, word.length()) > MAX_LENGTH;
  }

  /**
   * Just under the broker's 1 MiB record limit, and valid: but the prediction that echoes its
   * tokens would outgrow a Kafka record, so every model refuses it rather than fail the sink.
   */
  private static Input tooLargeToPredict(String id) {
    List<String> tokens = new ArrayList<>();
    for (int t = 0; t < 1_000; t++) tokens.add((char) ('a' + t % 26) + "z".repeat(990));
    Input in = labelled(id, tokens, "O", false);
    return new Input(in.value(), id, false, true);
  }

  private static Input scoreRecord(Random random, int i) {
    String id = "s" + i;
    return switch (i % 6) {
      case 0, 1 -> {
        List<String> tokens = new ArrayList<>();
        for (int t = 0; t < 1 + random.nextInt(10); t++) tokens.add(randomToken(random));
        boolean fails = tokens.stream().anyMatch(Hostile::invalidToken);
        ObjectNode o = JSON.createObjectNode().put("id", id);
        o.putPOJO("tokens", tokens);
        yield new Input(bytes(o), fails ? null : id, fails);
      }
      case 2 ->
          new Input(
              bytes(JSON.createObjectNode().put("id", id).put("text", "Anna met Bob in Porto.")),
              id,
              false);
      case 3 -> raw("{\"id\":\"" + id + "\",\"text\":\"   \"}", true);
      case 4 -> raw("{\"id\":\"" + id + "\",\"tokens\":[\"a\"],\"tags\":[\"O\"]}", true);
      default -> new Input(Malformed.record(random, i), null, true);
    };
  }

  private static Input valid(String id, List<String> tokens, List<String> tags) {
    return new Input(json(id, tokens, tags), id, false);
  }

  private static Input labelled(String id, List<String> tokens, String tag, boolean fails) {
    return new Input(
        json(id, tokens, tokens.stream().map(t -> tag).toList()), fails ? null : id, fails);
  }

  private static Input raw(String json, boolean fails) {
    return new Input(json.getBytes(StandardCharsets.UTF_8), null, fails);
  }

  private static byte[] json(String id, List<String> tokens, List<String> tags) {
    ObjectNode o = JSON.createObjectNode().put("id", id);
    o.putPOJO("tokens", tokens);
    o.putPOJO("tags", tags);
    return bytes(o);
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
