package io.streamner.job;

import java.nio.charset.StandardCharsets;
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
