package io.streamner.job;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Records a real stream gets wrong, one kind per call in turn, for the bad-input tests. */
final class Malformed {
  private Malformed() {}

  static byte[] record(Random random, int i) {
    String json =
        switch (i % 10) {
          case 0 -> "{\"id\":\"b" + i + "\",\"tokens\":[\"a\",\"b\""; // broken JSON
          case 1 -> "{\"id\":" + i + ",\"tokens\":[\"a\"],\"tags\":[\"O\"]}"; // wrong type
          case 2 ->
              "{\"id\":\"b"
                  + i
                  + "\",\"tokens\":[\"a\",\"b\"],\"tags\":[\"O\"]}"; // length mismatch
          case 3 -> "{\"id\":\"b" + i + "\",\"tokens\":[],\"tags\":[]}"; // empty sentence
          case 4 -> huge(i); // huge sentence
          case 5 -> null; // invalid UTF-8
          case 6 -> "[1,2,3]"; // not an object
          case 7 -> "{\"id\":\"b" + i + "\",\"tokens\":[\"a\"],\"tags\":[\"0\"]}"; // stray tag
          case 8 -> ""; // empty value
          default ->
              "{\"id\":\"b"
                  + i
                  + "\",\"tokens\":[\"a\",null],\"tags\":[\"O\",\"O\"]}"; // null token
        };
    if (json == null) {
      byte[] bytes =
          ("{\"id\":\"b" + i + "\",\"tokens\":[\"x\"],\"tags\":[\"O\"]}")
              .getBytes(StandardCharsets.UTF_8);
      bytes[bytes.length - 8] =
          (byte) (0xC0 | random.nextInt(2)); // an overlong lead byte: never valid UTF-8
      return bytes;
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What the dead letter of {@code record(random, i)} must say: the problem of that record, which a
   * reason that merely exists (the dead letter's constructor guarantees one) would not show. On the
   * score topic a record with tags is refused for them first.
   */
  static String reason(int i, boolean score) {
    if (score && List.of(2, 3, 4, 7).contains(i % 10)) {
      return "unknown field \"tags\"; a score record has only";
    }
    return switch (i % 10) {
      case 0 -> "not valid JSON";
      case 1 -> "field \"id\" must be a string, got a number";
      case 2 -> "tokens and tags differ in length (2 vs 1)";
      case 3 -> "tokens is empty";
      case 4 -> "sentence has 5,000 tokens; the limit is 1,000";
      case 5 -> "value is not valid UTF-8";
      case 6 -> "value is a list, not a JSON object";
      case 7 -> "tags[0] is not a valid tag: \"0\"";
      case 8 -> "value is empty";
      default -> "tokens[1] is null, not a string";
    };
  }

  private static String huge(int i) {
    StringBuilder tokens = new StringBuilder();
    StringBuilder tags = new StringBuilder();
    for (int t = 0; t < 5000; t++) {
      tokens.append(t == 0 ? "" : ",").append("\"w").append(t).append('"');
      tags.append(t == 0 ? "" : ",").append("\"O\"");
    }
    return "{\"id\":\"b" + i + "\",\"tokens\":[" + tokens + "],\"tags\":[" + tags + "]}";
  }
}
