package io.streamner.kafka.wire;

import io.streamner.kafka.wire.SnapshotRecord.Column;
import io.streamner.kafka.wire.SnapshotRecord.DenseChunk;
import io.streamner.kafka.wire.SnapshotRecord.Manifest;
import io.streamner.kafka.wire.SnapshotRecord.Metrics;
import io.streamner.model.Hyperparameters;
import io.streamner.model.SettingsJson;
import io.streamner.text.TokenNormalizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code snapshots} topic: JSON encoding of {@link SnapshotRecord}s, their keys and partition,
 * splitting the dense parameters into chunks and putting them back together, and the base64 form of
 * vectors.
 *
 * <p>Vectors travel as base64 of little-endian IEEE-754 float64 rather than JSON numbers: a third
 * of the size of decimal text, bit-exact (NaN payloads, -0.0 and subnormals survive) and readable
 * in one call elsewhere ({@code numpy.frombuffer(base64.b64decode(s), "<f8")}).
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
   * @throws IllegalArgumentException if the array is empty or the model or version is invalid
   */
  public static List<DenseChunk> denseChunks(String model, long version, double[] flat) {
    if (flat.length == 0) {
      throw new IllegalArgumentException("no dense values to write");
    }
    int chunks = (flat.length + CHUNK_VALUES - 1) / CHUNK_VALUES;
    List<DenseChunk> out = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int offset = c * CHUNK_VALUES;
      double[] data = new double[Math.min(CHUNK_VALUES, flat.length - offset)];
      System.arraycopy(flat, offset, data, 0, data.length);
      out.add(new DenseChunk(model, version, c, chunks, offset, data));
    }
    return out;
  }

  /**
   * Puts the chunks of one version back into the flat array, in any order they arrive. Compare the
   * result's length with the manifest's {@code dense_values}.
   *
   * @throws IllegalArgumentException if the chunks are of different models or versions or disagree
   *     on their number, if one is missing or repeated, or if they do not tile the array without
   *     gaps or overlaps
   */
  public static double[] assembleDense(List<DenseChunk> chunks) {
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("no dense chunks");
    }
    DenseChunk first = chunks.get(0);
    DenseChunk[] byNumber = new DenseChunk[first.chunks()];
    for (DenseChunk c : chunks) {
      if (!c.model().equals(first.model()) || c.version() != first.version()) {
        throw new IllegalArgumentException(
            "dense chunks of different snapshots: "
                + first.model()
                + " version "
                + first.version()
                + " and "
                + c.model()
                + " version "
                + c.version());
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
          first.model()
              + " version "
              + first.version()
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

  /**
   * The record's key, UTF-8 on the wire: {@code PER/dense/0}, {@code PER/column/anna}, {@code
   * PER/manifest}. Model names hold no {@code /}, so the first two parts always split cleanly even
   * when the word holds one.
   */
  public static String key(SnapshotRecord record) {
    if (record instanceof DenseChunk c) {
      return c.model() + "/dense/" + c.chunk();
    } else if (record instanceof Column c) {
      return c.model() + "/column/" + c.word();
    }
    return record.model() + "/manifest";
  }

  /** {@link #key(SnapshotRecord)} as the UTF-8 bytes a Kafka producer sends. */
  public static byte[] keyBytes(SnapshotRecord record) {
    return key(record).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The partition of every record of a model: the one Kafka's default partitioner picks for the key
   * {@code model} alone (murmur2 of its UTF-8 bytes, sign bit cleared, modulo the partition count).
   * Keys differ per record, so leaving the choice to the producer would scatter a model over
   * partitions and lose the order "chunks and columns, then manifest".
   */
  public static int partition(String model, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
    }
    return (murmur2(model.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
  }

  /** Kafka's murmur2 (seed 0x9747b28c), the hash of its default partitioner. */
  static int murmur2(byte[] data) {
    final int m = 0x5bd1e995;
    final int r = 24;
    int length = data.length;
    int h = 0x9747b28c ^ length;
    int whole = length & ~3;
    for (int i = 0; i < whole; i += 4) {
      int k =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int rest = length & 3;
    if (rest == 3) {
      h ^= (data[whole + 2] & 0xff) << 16;
    }
    if (rest >= 2) {
      h ^= (data[whole + 1] & 0xff) << 8;
    }
    if (rest >= 1) {
      h ^= data[whole] & 0xff;
      h *= m;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }

  /** Base64 (RFC 4648, standard alphabet, padded) of the values as little-endian float64. */
  public static String encodeVector(double[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      bytes.putLong(Double.doubleToRawLongBits(v));
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /**
   * The inverse of {@link #encodeVector(double[])}, bit for bit.
   *
   * @throws IllegalArgumentException if the text is not base64 or not a whole number of doubles
   */
  public static double[] decodeVector(String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vector is not valid base64: " + e.getMessage(), e);
    }
    if (raw.length % 8 != 0) {
      throw new IllegalArgumentException(
          "vector has " + raw.length + " bytes, not a whole number of 8-byte doubles");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[raw.length / 8];
    for (int i = 0; i < values.length; i++) {
      values[i] = Double.longBitsToDouble(bytes.getLong());
    }
    return values;
  }

  /** The record as UTF-8 JSON, fields in the documented order. */
  public static byte[] encode(SnapshotRecord record) {
    return Json.object(
        g -> {
          g.writeStringField("type", record.type());
          g.writeStringField("model", record.model());
          g.writeNumberField("version", record.version());
          if (record instanceof DenseChunk c) {
            g.writeNumberField("chunk", c.chunk());
            g.writeNumberField("chunks", c.chunks());
            g.writeNumberField("offset", c.offset());
            g.writeNumberField("count", c.count());
            g.writeStringField("data", encodeVector(c.data()));
          } else if (record instanceof Column c) {
            g.writeStringField("word", c.word());
            g.writeStringField("vector", encodeVector(c.vector()));
          } else if (record instanceof Manifest m) {
            g.writeBooleanField("full", m.full());
            g.writeNumberField("examples_seen", m.examplesSeen());
            g.writeNumberField("columns_written", m.columnsWritten());
            g.writeNumberField("vocabulary_size", m.vocabularySize());
            g.writeNumberField("dense_chunks", m.denseChunks());
            g.writeNumberField("dense_values", m.denseValues());
            SettingsJson.write(g, m.hyperparameters(), m.normalizer());
            g.writeObjectFieldStart("metrics");
            Json.numberOrNull(g, "loss", m.metrics().loss());
            Json.numberOrNull(g, "precision", m.metrics().precision());
            Json.numberOrNull(g, "recall", m.metrics().recall());
            Json.numberOrNull(g, "f1", m.metrics().f1());
            g.writeEndObject();
            g.writeNumberField("created_at", m.createdAt());
          }
        });
  }

  /**
   * Reads one record of the topic. Fields this version does not know are ignored, so that later
   * writers may add some.
   *
   * @throws IllegalArgumentException if the value is not a valid snapshot record (a null value,
   *     i.e. a tombstone, included: this format never writes one)
   */
  public static SnapshotRecord decodeSnapshot(byte[] value) {
    String type = null;
    try {
      Json.Reader in = Json.readObject(value);
      type = in.text("type");
      return switch (type) {
        case "dense" -> dense(in);
        case "column" ->
            new Column(
                in.text("model"),
                in.integer("version"),
                in.text("word"),
                decodeVector(in.text("vector")));
        case "manifest" -> manifest(in);
        default ->
            throw new IllegalArgumentException(
                "unknown type " + Checks.quote(type) + "; expected dense, column or manifest");
      };
    } catch (IllegalArgumentException e) {
      String what =
          type != null && List.of("dense", "column", "manifest").contains(type)
              ? "snapshot " + type
              : "snapshot record";
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  private static DenseChunk dense(Json.Reader in) {
    double[] data = decodeVector(in.text("data"));
    int count = in.int32("count");
    if (count != data.length) {
      throw new IllegalArgumentException(
          "count is " + count + " but data holds " + data.length + " values");
    }
    return new DenseChunk(
        in.text("model"),
        in.integer("version"),
        in.int32("chunk"),
        in.int32("chunks"),
        in.int32("offset"),
        data);
  }

  private static Manifest manifest(Json.Reader in) {
    Json.Reader hp = in.object("hyperparameters");
    Json.Reader normalizer = in.object("normalizer");
    if (!normalizer.bool("lowercase")) {
      throw new IllegalArgumentException(
          "normalizer.lowercase is false; streamner models always lowercase words");
    }
    Json.Reader metrics = in.object("metrics");
    return new Manifest(
        in.text("model"),
        in.integer("version"),
        in.bool("full"),
        in.integer("examples_seen"),
        in.integer("columns_written"),
        in.integer("vocabulary_size"),
        in.int32("dense_chunks"),
        in.int32("dense_values"),
        new Hyperparameters(
            hp.int32("window_size"),
            hp.int32("dim"),
            hp.int32("hidden"),
            hp.number("learning_rate"),
            hp.number("regularization"),
            hp.integer("seed")),
        new TokenNormalizer(normalizer.bool("numbers")),
        new Metrics(
            metrics.numberOrNaN("loss"),
            metrics.numberOrNaN("precision"),
            metrics.numberOrNaN("recall"),
            metrics.numberOrNaN("f1")),
        in.integer("created_at"));
  }
}
