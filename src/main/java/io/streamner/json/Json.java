package io.streamner.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Collection;

/**
 * The one Jackson configuration of streamner, for all the JSON it reads and writes: the records of
 * the Kafka topics, the model file's header, JSON-lines corpora and the commands' {@code --json}
 * output. Records bind by their component names in snake_case ({@code examplesSeen} is {@code
 * examples_seen}), and a boxed component ({@code Long eventTime}) is an optional field, left out
 * when null.
 *
 * <p>Reading is strict, because every format here is written by a program and a lenient reader
 * would hide a writer's bug: a required field that is missing or null, a number where a string
 * belongs (or a string, a fraction or {@code true} where a number belongs), a field given twice or
 * text after the value are errors, and {@link #describe} words them with the field's path. Unknown
 * fields are ignored by default, so that writers may add fields; the readers of streamner's inputs
 * refuse them (see {@code io.streamner.text.SentenceJson}).
 */
public final class Json {

  /**
   * Deepest nesting read. Every format here is at most four levels deep; the limit stops a value
   * such as {@code [[[[...} of many megabytes at its 65th bracket.
   */
  public static final int MAX_DEPTH = 64;

  /**
   * For everything but the two input topics and JSON-lines corpora. Doubles are written by the fast
   * (Schubfach) writer, which gives the same shortest text that reads back to the same double: on
   * Java 17 {@code Double.toString} took a tenth of the job's model operator, writing the
   * probabilities of every prediction.
   */
  public static final JsonMapper MAPPER = outputs();

  private Json() {}

  /**
   * The shared configuration, for a mapper with other null handling or modules (the input readers).
   */
  public static JsonMapper.Builder builder() {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    JsonMapper.Builder builder =
        JsonMapper.builder(factory)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule()) // an Instant as ISO-8601 text
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    return builder;
  }

  /**
   * A missing or null field is an error, except for a boxed value: that one is optional (a field
   * may say otherwise with {@code @JsonSetter}).
   */
  private static JsonMapper outputs() {
    JsonMapper.Builder builder =
        builder().defaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL));
    for (Class<?> optional : new Class<?>[] {Long.class, Double.class}) {
      builder.withConfigOverride(
          optional, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SET)));
    }
    return builder.build();
  }

  /**
   * Why a value could not be read, for a person: {@code missing field "hyperparameters.dim"},
   * {@code field "version" must be an integer}, the message of the record's own check (a
   * constructor's {@link IllegalArgumentException}), or {@code not valid JSON: ...}.
   */
  public static String describe(JacksonException e) {
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      return v.getCause().getMessage();
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String field = path(m);
      if (e instanceof InvalidNullException) {
        return "missing field \"" + field + "\"";
      }
      if (e.getCause() instanceof IllegalArgumentException cause) {
        return "field \"" + field + "\": " + cause.getMessage();
      }
      Class<?> type =
          e instanceof MismatchedInputException mi && mi.getTargetType() != null
              ? mi.getTargetType()
              : e.getCause() instanceof InputCoercionException ic ? ic.getTargetType() : null;
      return "field \"" + field + "\" must be " + (type == null ? "valid" : expected(type));
    }
    return "not valid JSON: " + e.getOriginalMessage();
  }

  /** The field a mapping error is about, as {@code payload.arrays[1].shape}. */
  public static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == Integer.class) return "a 32-bit integer";
    if (type == long.class || type == Long.class) return "an integer";
    if (type == double.class || type == Double.class) return "a number";
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (type == Instant.class) return "an ISO-8601 instant such as 2025-01-31T12:00:00Z";
    return type.isArray() || Collection.class.isAssignableFrom(type) ? "a list" : "an object";
  }
}
