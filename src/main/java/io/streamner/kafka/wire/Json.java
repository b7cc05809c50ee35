package io.streamner.kafka.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writing records as compact UTF-8 JSON, and reading the output topics back with errors that name
 * the field. Writing goes through the streaming generator (no tree, fields in the documented
 * order); the outputs are small and written by this project, so reading them uses the tree model,
 * which keeps the decoders short.
 */
final class Json {

  /**
   * For writing, and for the input parser, which detects repeated fields itself to say which one in
   * its reason. The fast double writer (Schubfach) writes the same shortest text that reads back to
   * the same double; on Java 17 Double.toString took a tenth of the model operator's time, writing
   * the probabilities of every prediction.
   */
  static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  /** For reading outputs; its own factory, so that its features do not leak into FACTORY. */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The fields of one object, written between its braces. */
  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private Json() {}

  /** One JSON object as UTF-8 bytes. */
  static byte[] object(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail, and the records only hold writable text.
      throw new UncheckedIOException("cannot write JSON", e);
    }
    return out.toByteArray();
  }

  static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** A finite double as a JSON number, anything else as {@code null} (JSON has no NaN). */
  static void numberOrNull(JsonGenerator g, String field, double value) throws IOException {
    if (Double.isFinite(value)) {
      g.writeNumberField(field, value);
    } else {
      g.writeNullField(field);
    }
  }

  /**
   * Parses an output record into a reader of its fields.
   *
   * @throws IllegalArgumentException if the bytes are not one JSON object
   */
  static Reader readObject(byte[] value) {
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("value is " + (value == null ? "null" : "empty"));
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return new Reader(node, "");
  }

  /**
   * Reads the fields of one decoded object; errors name the field with its path, e.g. {@code
   * hyperparameters.dim}. Fields the reader does not ask for are ignored.
   */
  record Reader(JsonNode node, String path) {

    JsonNode field(String name) {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        throw new IllegalArgumentException("missing field \"" + path + name + "\"");
      }
      return v;
    }

    boolean has(String name) {
      JsonNode v = node.get(name);
      return v != null && !v.isNull();
    }

    String text(String name) {
      JsonNode v = field(name);
      if (!v.isTextual()) {
        throw wrongType(name, "a string");
      }
      return v.textValue();
    }

    long integer(String name) {
      JsonNode v = field(name);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw wrongType(name, "an integer");
      }
      return v.longValue();
    }

    int int32(String name) {
      JsonNode v = field(name);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw wrongType(name, "a 32-bit integer");
      }
      return v.intValue();
    }

    Long optionalInteger(String name) {
      return has(name) ? integer(name) : null;
    }

    boolean bool(String name) {
      JsonNode v = field(name);
      if (!v.isBoolean()) {
        throw wrongType(name, "true or false");
      }
      return v.booleanValue();
    }

    double number(String name) {
      JsonNode v = field(name);
      if (!v.isNumber()) {
        throw wrongType(name, "a number");
      }
      return v.doubleValue();
    }

    /** A number, or NaN for {@code null} or a missing field: how metrics say "unknown". */
    double numberOrNaN(String name) {
      return has(name) ? number(name) : Double.NaN;
    }

    List<String> strings(String name) {
      JsonNode v = field(name);
      if (!v.isArray()) {
        throw wrongType(name, "a list of strings");
      }
      List<String> out = new ArrayList<>(v.size());
      for (JsonNode item : v) {
        if (!item.isTextual()) {
          throw wrongType(name, "a list of strings");
        }
        out.add(item.textValue());
      }
      return out;
    }

    double[] numbers(String name) {
      JsonNode v = field(name);
      if (!v.isArray()) {
        throw wrongType(name, "a list of numbers");
      }
      double[] out = new double[v.size()];
      for (int i = 0; i < out.length; i++) {
        if (!v.get(i).isNumber()) {
          throw wrongType(name, "a list of numbers");
        }
        out[i] = v.get(i).doubleValue();
      }
      return out;
    }

    Reader object(String name) {
      JsonNode v = field(name);
      if (!v.isObject()) {
        throw wrongType(name, "an object");
      }
      return new Reader(v, path + name + ".");
    }

    private IllegalArgumentException wrongType(String name, String expected) {
      return new IllegalArgumentException("field \"" + path + name + "\" must be " + expected);
    }
  }
}
