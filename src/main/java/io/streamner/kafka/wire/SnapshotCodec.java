package io.streamner.kafka.wire;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.streamner.json.Json;
import io.streamner.kafka.wire.SnapshotRecord.Column;
import io.streamner.kafka.wire.SnapshotRecord.DenseChunk;
import io.streamner.kafka.wire.SnapshotRecord.Manifest;
import io.streamner.model.Precision;
import io.streamner.text.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * The {@code snapshots} topic: JSON encoding of {@link SnapshotRecord}s, their keys and partition,
 * splitting the dense parameters into chunks and putting them back together, and the base64 form of
 * vectors.
 *
 * <p>Vectors travel as base64 of little-endian IEEE-754 float64 (float32 for a float model) rather
 * than JSON numbers: a third of the size of decimal text, bit-exact (-0.0 and subnormals survive)
 * and readable in one call elsewhere ({@code numpy.frombuffer(base64.b64decode(s), "<f8")}, or
 * {@code "<f4"}).
 */
public final class SnapshotCodec {

  /**
   * Values per dense chunk: 32,768 doubles are 256 KiB raw and about 350 KiB as base64, far below
   * Kafka's default 1 MiB record limit. Readers take the split from the records ({@code offset},
   * {@code count}), so the constant may change without breaking old snapshots.
   */
  public static final int CHUNK_VALUES = 32_768;

  private SnapshotCodec() {}

  /**
   * Splits a flat dense array ({@code DenseParameters.flatten()}) into chunks of {@link
   * #CHUNK_VALUES} values (the last one shorter).
   *
   * @throws IllegalArgumentException if the array is empty or not finite, or the namespace, model
   *     or version is invalid
   */
  public static List<DenseChunk> denseChunks(
      String namespace, String model, long version, double[] flat) {
    return denseChunks(namespace, model, version, flat, Precision.DOUBLE);
  }

  /**
   * {@link #denseChunks(String, String, long, double[])} of a model of {@code precision}: float32
   * chunks for a float model, whose values must all be floats.
   */
  public static List<DenseChunk> denseChunks(
      String namespace, String model, long version, double[] flat, Precision precision) {
    if (flat.length == 0) {
      throw new IllegalArgumentException("no dense values to write");
    }
    int chunks = (flat.length + CHUNK_VALUES - 1) / CHUNK_VALUES;
    List<DenseChunk> out = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int offset = c * CHUNK_VALUES;
      double[] data = new double[Math.min(CHUNK_VALUES, flat.length - offset)];
      System.arraycopy(flat, offset, data, 0, data.length);
      out.add(new DenseChunk(namespace, model, version, c, chunks, offset, data, precision));
    }
    return out;
  }

  /**
   * The chunks of the {@link SnapshotRecord#DEFAULT_NAMESPACE}: a job left with the default name.
   */
  public static List<DenseChunk> denseChunks(String model, long version, double[] flat) {
    return denseChunks(SnapshotRecord.DEFAULT_NAMESPACE, model, version, flat);
  }

  /**
   * Puts the chunks of one version back into the flat array, in any order they arrive. Compare the
   * result's length with the manifest's {@code dense_values}.
   *
   * @throws IllegalArgumentException if the chunks are of different namespaces, models or versions
   *     or disagree on their number, if one is missing or repeated, or if they do not tile the
   *     array without gaps or overlaps
   */
  public static double[] assembleDense(List<DenseChunk> chunks) {
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("no dense chunks");
    }
    DenseChunk first = chunks.get(0);
    DenseChunk[] byNumber = new DenseChunk[first.chunks()];
    for (DenseChunk c : chunks) {
      if (!c.model().equals(first.model())
          || c.version() != first.version()
          || !c.namespace().equals(first.namespace())) {
        throw new IllegalArgumentException(
            "dense chunks of different snapshots: "
                + version(first, c)
                + " and "
                + version(c, first));
      }
      if (c.dtype() != first.dtype()) {
        throw new IllegalArgumentException(
            "dense chunks of one version in "
                + first.dtype().dtype()
                + " and "
                + c.dtype().dtype());
      }
      if (c.chunks() != first.chunks()) {
        throw new IllegalArgumentException(
            "dense chunks disagree on their number: " + first.chunks() + " and " + c.chunks());
      }
      if (byNumber[c.chunk()] != null) {
        throw new IllegalArgumentException("dense chunk " + c.chunk() + " appears twice");
      }
      byNumber[c.chunk()] = c;
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < byNumber.length; i++) {
      if (byNumber[i] == null) {
        missing.add(i);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          version(first, first)
              + ": dense chunks "
              + missing
              + " of 0.."
              + (byNumber.length - 1)
              + " are missing");
    }
    long total = 0;
    for (DenseChunk c : byNumber) {
      if (c.offset() != total) {
        throw new IllegalArgumentException(
            "dense chunk "
                + c.chunk()
                + " starts at "
                + c.offset()
                + " but the chunks before it end at "
                + total);
      }
      total += c.count();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "dense chunks add up to " + total + " values, more than an array holds");
    }
    double[] flat = new double[(int) total];
    for (DenseChunk c : byNumber) {
      System.arraycopy(c.data(), 0, flat, c.offset(), c.count());
    }
    return flat;
  }

  /** {@code PER version 7}, with its namespace when the other's differs. */
  private static String version(DenseChunk c, DenseChunk other) {
    return c.model()
        + " version "
        + c.version()
        + (c.namespace().equals(other.namespace()) ? "" : " of " + c.namespace());
  }

  /**
   * The record's key, UTF-8 on the wire: {@code NAMESPACE/PER/dense/0}, {@code
   * NAMESPACE/PER/column/anna}, {@code NAMESPACE/PER/manifest}. Namespaces and model names hold no
   * {@code /}, so the first three parts always split cleanly even when the word holds one.
   */
  public static String key(SnapshotRecord record) {
    String prefix = record.namespace() + "/" + record.model() + "/";
    if (record instanceof DenseChunk c) {
      return prefix + "dense/" + c.chunk();
    } else if (record instanceof Column c) {
      return prefix + "column/" + c.word();
    }
    return prefix + "manifest";
  }

  /** {@link #key(SnapshotRecord)} as the UTF-8 bytes a Kafka producer sends. */
  public static byte[] keyBytes(SnapshotRecord record) {
    return key(record).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The partition of every record of a model: the one Kafka's default partitioner picks for the key
   * {@code model} alone (murmur2 of its UTF-8 bytes, made positive, modulo the partition count).
   * Keys differ per record, so leaving the choice to the producer would scatter a model over
   * partitions and lose the order "chunks and columns, then manifest".
   */
  public static int partition(String model, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Base64 (RFC 4648, standard alphabet, padded) of the values as little-endian float64. */
  public static String encodeVector(double[] values) {
    return encodeVector(values, Precision.DOUBLE);
  }

  /**
   * Base64 of the values as little-endian float64, or float32 for {@link Precision#FLOAT} (each
   * value rounded to float: exactly, for the values a float record holds).
   */
  public static String encodeVector(double[] values, Precision dtype) {
    boolean floats = dtype == Precision.FLOAT;
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * (floats ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (floats) bytes.putInt(Float.floatToRawIntBits((float) v));
      else bytes.putLong(Double.doubleToRawLongBits(v));
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /**
   * The inverse of {@link #encodeVector(double[])}, bit for bit.
   *
   * @throws IllegalArgumentException if the text is not base64 or not a whole number of doubles
   */
  public static double[] decodeVector(String base64) {
    return decodeVector(base64, Precision.DOUBLE);
  }

  /**
   * The inverse of {@link #encodeVector(double[], Precision)}, bit for bit (a float widened to
   * double exactly).
   *
   * @throws IllegalArgumentException if the text is not base64 or not a whole number of values
   */
  public static double[] decodeVector(String base64, Precision dtype) {
    boolean floats = dtype == Precision.FLOAT;
    int width = floats ? 4 : 8;
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vector is not valid base64: " + e.getMessage(), e);
    }
    if (raw.length % width != 0) {
      throw new IllegalArgumentException(
          "vector has "
              + raw.length
              + " bytes, not a whole number of "
              + width
              + "-byte "
              + dtype.dtype()
              + " values");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[raw.length / width];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          floats ? Float.intBitsToFloat(bytes.getInt()) : Double.longBitsToDouble(bytes.getLong());
    }
    return values;
  }

  /** The record as UTF-8 JSON, fields in the documented order. */
  public static byte[] encode(SnapshotRecord record) {
    return WireFormat.write(record);
  }

  /**
   * Reads one record of the topic. Fields this version does not know are ignored, so that later
   * writers may add some.
   *
   * @throws IllegalArgumentException if the value is not a valid snapshot record (a null value,
   *     i.e. a tombstone, included: this format never writes one)
   */
  public static SnapshotRecord decodeSnapshot(byte[] value) {
    WireFormat.requireValue(value, "snapshot record");
    try {
      return Json.MAPPER.readValue(value, SnapshotRecord.class);
    } catch (InvalidTypeIdException e) {
      throw new IllegalArgumentException(
          "snapshot record: "
              + (e.getTypeId() == null
                  ? "missing field \"type\""
                  : "unknown type "
                      + Checks.quote(e.getTypeId())
                      + "; expected dense, column or manifest"),
          e);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("snapshot " + type(e) + ": " + Json.describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a byte array does not fail otherwise
    }
  }

  /** Which kind of record a read failed on, for the message. */
  private static String type(JacksonException e) {
    Object from =
        e instanceof JsonMappingException m && !m.getPath().isEmpty()
            ? m.getPath().get(0).getFrom()
            : e instanceof ValueInstantiationException v ? v.getType().getRawClass() : null;
    return from == DenseChunk.class
        ? "dense"
        : from == Column.class ? "column" : from == Manifest.class ? "manifest" : "record";
  }

  /**
   * The binding of a record's {@code dtype}, one annotation for the chunk's and the column's
   * component and creator parameter alike, so the four places cannot drift apart: written by {@link
   * DtypeWriter} and left out when float64, read by {@link DtypeReader}, an explicit null read as
   * absent (float64).
   */
  @Target({
    ElementType.ANNOTATION_TYPE,
    ElementType.FIELD,
    ElementType.METHOD,
    ElementType.PARAMETER
  })
  @Retention(RetentionPolicy.RUNTIME)
  @JacksonAnnotationsInside
  @JsonSerialize(using = DtypeWriter.class)
  @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Precision.DoubleIsLeftOut.class)
  @JsonDeserialize(using = DtypeReader.class)
  @JsonSetter(nulls = Nulls.SET)
  @interface Dtype {}

  /**
   * Writes a record's {@code dtype} as {@code float32} or {@code float64}; the records leave out
   * float64 (the JSON mapper's rule for {@link Precision#DOUBLE}), as before float models existed.
   */
  static final class DtypeWriter extends StdSerializer<Precision> {
    DtypeWriter() {
      super(Precision.class);
    }

    @Override
    public void serialize(Precision dtype, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      g.writeString(dtype.dtype());
    }
  }

  /** Reads a record's {@code dtype}: {@code float32} or {@code float64}. */
  static final class DtypeReader extends StdDeserializer<Precision> {
    DtypeReader() {
      super(Precision.class);
    }

    @Override
    public Precision deserialize(JsonParser p, DeserializationContext context) throws IOException {
      try {
        return Precision.ofDtype(p.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
