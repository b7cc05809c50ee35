package io.streamner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamner.eval.Counts;
import io.streamner.eval.Scores;

/** The JSON shapes the commands print with --json. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** {@code {"entity":..,"token":{"precision":..,"recall":..,"f1":..},"span":{...},"tokens":N}}. */
  static ObjectNode scores(Scores s) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("entity", s.entity());
    node.set("token", counts(s.token()));
    node.set("span", counts(s.span()));
    node.set("mention", counts(s.mention()));
    node.put("tokens", s.tokens());
    node.put("sentences", s.sentences());
    return node;
  }

  static ObjectNode counts(Counts c) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("precision", c.precision());
    node.put("recall", c.recall());
    node.put("f1", c.f1());
    node.put("true_positives", c.truePositives());
    node.put("false_positives", c.falsePositives());
    node.put("false_negatives", c.falseNegatives());
    return node;
  }
}
