package io.streamner.text;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads {@link CorpusFormat#JSONL}: one {@code {"id", "tokens", "tags"}} object per line.
 *
 * <p>Accepts exactly what {@code schemas/sentence.schema.json} accepts, plus the one rule a schema
 * cannot express (tags as many as tokens). A record that breaks a rule is dropped whole and
 * reported: unlike a column file there is no meaningful "rest of the sentence". Unknown fields are
 * rejected rather than ignored, because the likely cause is a misspelt {@code tags} (BTC's own JSON
 * calls them {@code labels}) and ignoring it would quietly turn training data into unlabelled text.
 * Duplicate keys and trailing text after the object are rejected too, as they mean the line is not
 * what its writer thought.
 */
final class JsonLineParser extends LineParser {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> FIELDS = Set.of("id", "tokens", "tags");

  @Override
  void accept(long number, String line) {
    if (line.isBlank()) {
      return;
    }
    String problem = isMalformed(line) ? Problem.MALFORMED_UTF8 : parse(number, line);
    if (problem != null) {
      skip(number, problem, line);
    }
  }

  /** Emits the sentence of a valid line; returns the reason it is invalid otherwise. */
  private String parse(long number, String line) {
    JsonNode record;
    try {
      record = JSON.readTree(line);
    } catch (JacksonException e) {
      return Problem.INVALID_JSON;
    }
    if (!record.isObject()) {
      return Problem.NOT_AN_OBJECT;
    }
    for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        return Problem.UNKNOWN_FIELD;
      }
    }
    JsonNode id = record.get("id");
    JsonNode tokenNode = record.get("tokens");
    JsonNode tagNode = record.get("tags");
    if (tokenNode == null) {
      return Problem.MISSING_TOKENS;
    }
    if ((id != null && !id.isTextual())
        || !tokenNode.isArray()
        || (tagNode != null && !tagNode.isArray())) {
      return Problem.WRONG_FIELD_TYPE;
    }
    if (!allStrings(tokenNode) || (tagNode != null && !allStrings(tagNode))) {
      return Problem.NON_STRING_ITEM;
    }
    if (tokenNode.isEmpty()) {
      return Problem.EMPTY_TOKEN_LIST;
    }
    List<String> tokens = new ArrayList<>(tokenNode.size());
    for (JsonNode token : tokenNode) {
      String t = token.textValue().strip();
      if (t.isEmpty()) {
        return Problem.EMPTY_TOKEN;
      }
      tokens.add(t);
    }
    List<String> tags = null;
    if (tagNode != null) {
      if (tagNode.size() != tokenNode.size()) {
        return Problem.LENGTH_MISMATCH;
      }
      tags = new ArrayList<>(tagNode.size());
      for (JsonNode tag : tagNode) {
        if (!EntityTags.isValidTag(tag.textValue())) {
          return Problem.INVALID_TAG;
        }
        tags.add(tag.textValue());
      }
    }
    emit(new Sentence(tokens, tags, number));
    return null;
  }

  private static boolean allStrings(JsonNode array) {
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
