package io.streamner.modelfile;

import com.fasterxml.jackson.core.JacksonException;
import io.streamner.json.Json;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.ModelParameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.modelfile.ModelFileException.Reason;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The one on-disk format of a trained {@link NerModel}: written by {@code train}, read by {@code
 * eval} and {@code tag}, and the seed and export format of the streaming job. The layout is
 * documented byte for byte in {@code schemas/model-file.md}; in short:
 *
 * <pre>
 *   8 bytes   magic "STRMNER\n" (ASCII)
 *   4 bytes   format version, big-endian int (1, or 2 for a float model)
 *   4 bytes   header length h, big-endian int
 *   h bytes   header: UTF-8 JSON, padded with spaces so the payload starts at a multiple of 8
 *   s*N bytes payload: N little-endian IEEE-754 numbers of s bytes (8: float64; 4: float32 in
 *             version 2), the arrays the header lists, in order
 *   8 bytes   CRC-32 (zlib's) of every byte before it, as a big-endian long
 * </pre>
 *
 * <p>A double model is written in version 1, exactly as before float models existed, so every
 * streamner reads it; a float model in version 2, whose payload is float32 and whose header says
 * {@code "precision": "float"}. This build reads both.
 *
 * <p>Reading checks the file size against the size the header implies before it allocates any
 * array, so a damaged or foreign file fails with a {@link ModelFileException} that says what is
 * wrong, never with an {@code OutOfMemoryError} or an {@code EOFException}. Every number of a model
 * file is finite: the writer refuses a model holding NaN or an infinity, and the reader a file.
 */
public final class ModelFile {
  /** The version of a double model's file: float64 numbers, as every streamner writes them. */
  public static final int FORMAT_VERSION = 1;

  /** The version of a float model's file: float32 numbers. This build reads it and version 1. */
  public static final int FLOAT_FORMAT_VERSION = 2;

  /** A header longer than this is taken for damage, not for a vocabulary. */
  public static final long MAX_HEADER_BYTES = 512L << 20;

  /**
   * The name of the checksum in the header; zlib's CRC-32 so that every language has it built in.
   */
  public static final String CHECKSUM_ALGORITHM = "crc32";

  private static final byte[] MAGIC = "STRMNER\n".getBytes(StandardCharsets.US_ASCII);

  /** Magic, version and header length. */
  private static final int PREAMBLE_BYTES = 16;

  private static final int CHECKSUM_BYTES = 8;

  /** Largest array the JVM will allocate. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final int CHUNK_BYTES = 1 << 16;

  private ModelFile() {}

  /**
   * The JSON header of a model file, field for component ({@code
   * schemas/model-header.schema.json}): everything but the numbers. {@link #readHeader} returns it
   * without reading the payload, for tools that only describe a model.
   */
  public record Header(
      int formatVersion,
      String entity,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      Counters counters,
      Instant created,
      String software,
      String checksum,
      Payload payload,
      List<String> vocabulary) {

    /** Training windows the parameters have seen. */
    public long examplesTrained() {
      return counters.examplesTrained();
    }

    /** Passes over a corpus so far. */
    public int epochsTrained() {
      return counters.epochsTrained();
    }

    /** The number of values in the payload. */
    public long payloadValues() {
      long n = 0;
      for (PayloadArray a : payload.arrays()) n = Math.addExact(n, a.values());
      return n;
    }
  }

  /** How much training the parameters have seen. */
  public record Counters(long examplesTrained, int epochsTrained) {}

  /** What follows the header: {@code values} numbers of {@code dtype}, the arrays in order. */
  public record Payload(String dtype, String byteOrder, long values, List<PayloadArray> arrays) {}

  /**
   * One array of the payload: its name ({@code L}, {@code W}, {@code b1}, {@code U}, {@code b2})
   * and shape.
   */
  public record PayloadArray(String name, List<Long> shape) {
    public PayloadArray {
      shape = List.copyOf(shape);
    }

    /** The number of values the array holds. */
    public long values() {
      long n = 1;
      for (long d : shape) n = Math.multiplyExact(n, d);
      return n;
    }
  }

  /**
   * "streamner &lt;version&gt;": the version from the jar manifest, "development" when run from
   * classes.
   */
  public static String software() {
    String v = ModelFile.class.getPackage().getImplementationVersion();
    return "streamner " + (v == null ? "development" : v);
  }

  // ---------------------------------------------------------------------------------------- write

  /**
   * Writes {@code model} to {@code file}, replacing it if it exists. The bytes go to a temporary
   * file in the same folder which is synced and then renamed over {@code file}, so a crash or a
   * full disk leaves either the old file or the new one, never half of one.
   *
   * @throws IllegalStateException when the model's arrays no longer have the shapes its
   *     hyper-parameters say (the arrays are mutable), or hold a number that is not finite (a
   *     diverged model); the previous file is kept then
   */
  public static void write(NerModel model, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path folder = target.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "cannot write the model: the folder " + folder + " does not exist");
    }
    byte[] header = headerBytes(model, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    Path temp =
        folder.resolve(
            "."
                + target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    boolean done = false;
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        CheckedOutputStream checked =
            new CheckedOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), CHUNK_BYTES),
                new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        out.write(MAGIC);
        out.writeInt(formatVersion(model.precision()));
        out.writeInt(header.length);
        out.write(header);
        Rows.write(rows(model.parameters(), model.hyperparameters()), out);
        out.writeLong(checked.getChecksum().getValue());
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the original failure is the one to report
        }
      }
    }
  }

  private static byte[] headerBytes(NerModel model, Instant created) throws IOException {
    Hyperparameters hp = model.hyperparameters();
    List<String> words = model.vocabulary().words();
    List<PayloadArray> arrays = payloadArrays(words.size(), hp.dim(), hp.hidden(), hp.inputSize());
    long values = 0;
    for (PayloadArray a : arrays) values += a.values();
    // the vocabulary last, so that `head -c 1000 model` shows everything else
    Header header =
        new Header(
            formatVersion(model.precision()),
            model.entity(),
            hp,
            model.normalizer(),
            new Counters(model.examplesTrained(), model.epochsTrained()),
            created,
            software(),
            CHECKSUM_ALGORITHM,
            new Payload(model.precision().dtype(), "little", values, arrays),
            words);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + 16 * words.size());
    Json.MAPPER.writeValue(bytes, header);
    // pad so the payload starts 8-byte aligned: a reader can map the doubles in place
    while ((PREAMBLE_BYTES + bytes.size()) % 8 != 0) bytes.write(' ');
    if (bytes.size() > MAX_HEADER_BYTES) {
      throw new IllegalStateException(
          "the model header would be "
              + bytes.size()
              + " bytes, more than the "
              + MAX_HEADER_BYTES
              + " a model file allows (the vocabulary has "
              + words.size()
              + " words)");
    }
    return bytes.toByteArray();
  }

  /** The payload arrays of a model of this shape, in file order. */
  private static List<PayloadArray> payloadArrays(
      long words, long dim, long hidden, long inputSize) {
    return List.of(
        new PayloadArray("L", List.of(words, dim)),
        new PayloadArray("W", List.of(hidden, inputSize)),
        new PayloadArray("b1", List.of(hidden)),
        new PayloadArray("U", List.of(hidden)),
        new PayloadArray("b2", List.of(1L)));
  }

  /** The format version of a model of {@code precision}: the oldest that can hold it. */
  static int formatVersion(Precision precision) {
    return precision == Precision.FLOAT ? FLOAT_FORMAT_VERSION : FORMAT_VERSION;
  }

  /**
   * The payload in file order, row by row: L's rows, W's rows, b1, U, b2 (a one-value row: the
   * model holds it as a field, so it is read and written through a one-value array, whose value the
   * caller copies; see {@link Rows#b2}). Each row is named for messages: {@code row 3 of W}. A
   * float model's W rows are read and written in place in its padded array.
   */
  private static List<Row> rows(ModelParameters parameters, Hyperparameters hp) {
    List<Row> rows = new ArrayList<>(parameters.vectors().length + hp.hidden() + 3);
    if (parameters instanceof ModelParameters.Floats f) {
      float[][] l = f.vectors();
      FloatParameters dense = f.dense();
      for (int id = 0; id < l.length; id++)
        rows.add(new FloatRow("word vector " + id, l[id], 0, l[id].length, hp.dim()));
      for (int k = 0; k < dense.hidden; k++) {
        rows.add(
            new FloatRow(
                "row " + k + " of W", dense.w, k * dense.stride, dense.inputSize, hp.inputSize()));
      }
      rows.add(new FloatRow("b1", dense.b1, 0, dense.b1.length, hp.hidden()));
      rows.add(new FloatRow("U", dense.u, 0, dense.u.length, hp.hidden()));
      rows.add(new FloatRow("b2", new float[] {dense.b2}, 0, 1, 1));
    } else {
      ModelParameters.Doubles d = (ModelParameters.Doubles) parameters;
      double[][] l = d.vectors();
      DenseParameters dense = d.dense();
      for (int id = 0; id < l.length; id++)
        rows.add(new DoubleRow("word vector " + id, l[id], hp.dim()));
      for (int k = 0; k < dense.hidden; k++)
        rows.add(new DoubleRow("row " + k + " of W", dense.w[k], hp.inputSize()));
      rows.add(new DoubleRow("b1", dense.b1, hp.hidden()));
      rows.add(new DoubleRow("U", dense.u, hp.hidden()));
      rows.add(new DoubleRow("b2", new double[] {dense.b2}, 1));
    }
    return rows;
  }

  /** One row of the payload: its name, its values and the length the model's shape says. */
  private sealed interface Row permits DoubleRow, FloatRow {
    String name();

    /** The number of values the row holds. */
    int size();

    /** The length the model's shape says. */
    int length();

    /** The first value that is not a finite number, named, or null. */
    String notFinite();
  }

  private record DoubleRow(String name, double[] values, int length) implements Row {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public String notFinite() {
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) return "value " + i + " of " + name + " is " + values[i];
      }
      return null;
    }
  }

  /** Values {@code [offset, offset + size)} of {@code values}. */
  private record FloatRow(String name, float[] values, int offset, int size, int length)
      implements Row {
    @Override
    public String notFinite() {
      for (int i = 0; i < size; i++) {
        float v = values[offset + i];
        if (!Float.isFinite(v)) return "value " + i + " of " + name + " is " + v;
      }
      return null;
    }
  }

  /** Rows to and from little-endian bytes through one reused buffer. */
  private static final class Rows {
    private final byte[] bytes = new byte[CHUNK_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    static void write(List<Row> rows, OutputStream out) throws IOException {
      Rows payload = new Rows();
      for (Row row : rows) {
        if (row.size() != row.length()) {
          throw new IllegalStateException(
              row.name()
                  + " has "
                  + row.size()
                  + " values, the model's shape says "
                  + row.length());
        }
        String notFinite = row.notFinite();
        if (notFinite != null) {
          throw new IllegalStateException(
              "cannot write the model: " + notFinite + "; a model file holds only finite numbers");
        }
        payload.transfer(row, out, null);
      }
    }

    /** The last row's only value: b2. */
    static double b2(List<Row> rows) {
      Row last = rows.get(rows.size() - 1);
      return last instanceof FloatRow f ? f.values()[0] : ((DoubleRow) last).values()[0];
    }

    /** Writes the row's values to out, or reads them from in, CHUNK_BYTES at a time. */
    void transfer(Row row, OutputStream out, DataInputStream in) throws IOException {
      int width = row instanceof FloatRow ? Float.BYTES : Double.BYTES;
      for (int i = 0; i < row.size(); ) {
        int n = Math.min(row.size() - i, CHUNK_BYTES / width);
        if (in != null) in.readFully(bytes, 0, n * width);
        if (row instanceof FloatRow f) {
          for (int k = 0; k < n; k++) {
            int at = f.offset() + i + k;
            if (in != null) f.values()[at] = buffer.getFloat(k * width);
            else buffer.putFloat(k * width, f.values()[at]);
          }
        } else {
          double[] values = ((DoubleRow) row).values();
          for (int k = 0; k < n; k++) {
            if (in != null) values[i + k] = buffer.getDouble(k * width);
            else buffer.putDouble(k * width, values[i + k]);
          }
        }
        if (out != null) out.write(bytes, 0, n * width);
        i += n;
      }
    }
  }

  // ----------------------------------------------------------------------------------------- read

  /**
   * Reads a model file written by {@link #write}, checking its format version, its size against its
   * header, its checksum, and that every number is finite.
   *
   * @throws ModelFileException when the file is not a model file, is of another format version, is
   *     truncated, corrupt, or has an invalid header
   */
  public static NerModel read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      CheckedInputStream checked =
          new CheckedInputStream(new BufferedInputStream(in, CHUNK_BYTES), new CRC32());
      DataInputStream data = new DataInputStream(checked);
      Parsed parsed = readPreambleAndHeader(file, size, data);
      Header header = parsed.header();
      Hyperparameters hp = header.hyperparameters();
      checkPayloadSize(file, size, parsed.payloadOffset(), header.payloadValues(), hp.precision());

      int words = header.vocabulary().size();
      ModelParameters parameters =
          hp.precision() == Precision.FLOAT
              ? new ModelParameters.Floats(
                  new float[words][hp.dim()], new FloatParameters(hp.hidden(), hp.inputSize()))
              : new ModelParameters.Doubles(
                  new double[words][hp.dim()], new DenseParameters(hp.hidden(), hp.inputSize()));
      List<Row> rows = rows(parameters, hp);
      Rows payload = new Rows();
      for (Row row : rows) payload.transfer(row, null, data);
      if (parameters instanceof ModelParameters.Floats f) f.dense().b2 = (float) Rows.b2(rows);
      else ((ModelParameters.Doubles) parameters).dense().b2 = Rows.b2(rows);

      long computed = checked.getChecksum().getValue();
      long stored = data.readLong();
      if (computed != stored) {
        throw corrupt(
            file,
            "checksum mismatch (the file says "
                + Long.toHexString(stored)
                + ", its bytes give "
                + Long.toHexString(computed)
                + ")");
      }
      for (Row row : rows) {
        if (row.notFinite() != null) {
          throw corrupt(file, row.notFinite() + ", and a model file holds only finite numbers");
        }
      }
      return new NerModel(
          header.entity(),
          hp,
          header.normalizer(),
          Vocabulary.of(header.vocabulary()),
          parameters,
          header.examplesTrained(),
          header.epochsTrained());
    } catch (EOFException e) {
      // the size was checked up front, so the file shrank while we read it
      throw shrank(file, e);
    }
  }

  /**
   * Reads only the header: cheap even for a model with a large L. It checks the magic, the format
   * version and the header, not the payload or the checksum; {@link #read} checks those.
   */
  public static Header readHeader(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      return readPreambleAndHeader(
              file, size, new DataInputStream(new BufferedInputStream(in, PREAMBLE_BYTES)))
          .header();
    } catch (EOFException e) {
      throw shrank(file, e);
    }
  }

  private record Parsed(Header header, long payloadOffset) {}

  private static Parsed readPreambleAndHeader(Path file, long size, DataInputStream in)
      throws IOException {
    if (size == 0) {
      throw new ModelFileException(
          file, Reason.NOT_A_MODEL_FILE, file + " is empty, not a streamner model file");
    }
    byte[] magic = new byte[(int) Math.min(MAGIC.length, size)];
    in.readFully(magic);
    if (!Arrays.equals(magic, 0, magic.length, MAGIC, 0, magic.length)) {
      throw new ModelFileException(
          file, Reason.NOT_A_MODEL_FILE, file + " is not a streamner model file (bad magic)");
    }
    if (size < MAGIC.length) {
      throw truncated(file, "it ends after " + size + " bytes, inside the 8-byte magic");
    }
    if (size < 12) {
      throw truncated(file, "it ends inside the format version");
    }
    int version = in.readInt();
    if (version != FORMAT_VERSION && version != FLOAT_FORMAT_VERSION) {
      throw new ModelFileException(
          file,
          Reason.UNSUPPORTED_VERSION,
          file
              + " was written by model file format version "
              + version
              + "; this streamner reads versions "
              + FORMAT_VERSION
              + " and "
              + FLOAT_FORMAT_VERSION
              + (version > FLOAT_FORMAT_VERSION ? " (a newer streamner can read it)" : ""));
    }
    if (size < PREAMBLE_BYTES) {
      throw truncated(file, "it ends inside the header length");
    }
    int headerLength = in.readInt();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw corrupt(
          file,
          "its header length is "
              + headerLength
              + " bytes, a model file header is between 2 and "
              + MAX_HEADER_BYTES
              + " bytes");
    }
    if (PREAMBLE_BYTES + (long) headerLength > size) {
      throw truncated(
          file,
          "the header is "
              + headerLength
              + " bytes, the file ends after "
              + (size - PREAMBLE_BYTES)
              + " of them");
    }
    byte[] json = new byte[headerLength];
    in.readFully(json);
    Header header;
    try {
      header = Json.MAPPER.readValue(json, Header.class);
    } catch (JacksonException e) {
      throw invalid(file, Json.describe(e), e);
    }
    check(file, header, version);
    return new Parsed(header, PREAMBLE_BYTES + (long) headerLength);
  }

  /** What the header's JSON Schema says and what it cannot: shapes that agree with each other. */
  private static void check(Path file, Header h, int version) throws ModelFileException {
    if (h.formatVersion() != version) {
      throw corrupt(
          file,
          "its header says format version " + h.formatVersion() + " but the file says " + version);
    }
    if (h.entity().isEmpty()) throw invalid(file, "the field \"entity\" is empty", null);
    Hyperparameters hp = h.hyperparameters();
    if ((long) hp.windowSize() * hp.dim() > MAX_ARRAY) {
      throw invalid(
          file,
          "a window of "
              + hp.windowSize()
              + " words of dimension "
              + hp.dim()
              + " is too large for one array",
          null);
    }
    if (h.counters().examplesTrained() < 0 || h.counters().epochsTrained() < 0) {
      throw invalid(file, "a counter is negative: " + h.counters(), null);
    }
    if (!h.checksum().equals(CHECKSUM_ALGORITHM)) {
      throw invalid(
          file,
          "\"checksum\" is \""
              + h.checksum()
              + "\"; this streamner knows \""
              + CHECKSUM_ALGORITHM
              + "\"",
          null);
    }
    checkVocabulary(file, h.vocabulary());
    Payload p = h.payload();
    Precision precision = hp.precision();
    if (formatVersion(precision) != version) {
      throw invalid(
          file,
          "\"hyperparameters.precision\" is \""
              + precision
              + "\", which format version "
              + version
              + " does not hold (a "
              + precision
              + " model is version "
              + formatVersion(precision)
              + ")",
          null);
    }
    if (!p.dtype().equals(precision.dtype()) || !p.byteOrder().equals("little")) {
      throw invalid(
          file,
          "the payload is \""
              + p.dtype()
              + "\", \""
              + p.byteOrder()
              + "\"; a "
              + precision
              + " model's is \""
              + precision.dtype()
              + "\", \"little\"",
          null);
    }
    List<PayloadArray> expected =
        payloadArrays(h.vocabulary().size(), hp.dim(), hp.hidden(), hp.inputSize());
    if (!p.arrays().equals(expected)) {
      throw invalid(
          file,
          "\"payload.arrays\" is "
              + describe(p.arrays())
              + " but the vocabulary and hyperparameters make it "
              + describe(expected),
          null);
    }
    long sum;
    try {
      sum = h.payloadValues();
    } catch (ArithmeticException e) {
      throw invalid(
          file,
          "the payload arrays " + describe(expected) + " hold more values than any file can",
          e);
    }
    if (p.values() != sum) {
      throw invalid(
          file, "\"payload.values\" is " + p.values() + " but its arrays hold " + sum, null);
    }
  }

  private static void checkVocabulary(Path file, List<String> words) throws ModelFileException {
    Map<String, Integer> seen = new HashMap<>(words.size() * 2);
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w.isEmpty()) throw invalid(file, "\"vocabulary[" + i + "]\" is empty", null);
      Integer before = seen.putIfAbsent(w, i);
      if (before != null) {
        throw invalid(
            file, "the vocabulary has \"" + w + "\" twice, at " + before + " and " + i, null);
      }
    }
    if (words.isEmpty() || !words.get(0).equals(Vocabulary.UNKNOWN)) {
      throw invalid(file, "the vocabulary must start with " + Vocabulary.UNKNOWN, null);
    }
    for (String padding : List.of(Vocabulary.START, Vocabulary.END)) {
      if (!seen.containsKey(padding)) {
        throw invalid(file, "the vocabulary lacks the padding word " + padding, null);
      }
    }
  }

  private static String describe(List<PayloadArray> arrays) {
    StringBuilder s = new StringBuilder();
    for (PayloadArray a : arrays)
      s.append(s.length() == 0 ? "" : ", ").append(a.name()).append(a.shape());
    return s.toString();
  }

  private static void checkPayloadSize(
      Path file, long size, long payloadOffset, long values, Precision precision)
      throws ModelFileException {
    long available = size - payloadOffset;
    int width = precision == Precision.FLOAT ? Float.BYTES : Double.BYTES;
    if (values > (Long.MAX_VALUE - payloadOffset - CHECKSUM_BYTES) / width
        || available < values * width) {
      throw truncated(
          file, "expected " + values + " payload values, file ends after " + available / width);
    }
    long expected = payloadOffset + values * width + CHECKSUM_BYTES;
    if (size < expected) {
      throw truncated(
          file,
          "the payload is complete but the file ends "
              + (size - expected + CHECKSUM_BYTES)
              + " bytes into the 8-byte checksum");
    }
    if (size > expected) {
      throw corrupt(
          file, (size - expected) + " bytes follow the checksum, where the file should end");
    }
  }

  private static ModelFileException truncated(Path file, String why) {
    return new ModelFileException(file, Reason.TRUNCATED, file + " is truncated: " + why);
  }

  private static ModelFileException shrank(Path file, EOFException e) {
    return new ModelFileException(
        file,
        Reason.TRUNCATED,
        file + " is truncated: it ended while being read (is something writing to it?)",
        e);
  }

  private static ModelFileException corrupt(Path file, String why) {
    return new ModelFileException(file, Reason.CORRUPT, file + " is corrupt: " + why);
  }

  private static ModelFileException invalid(Path file, String why, Throwable cause) {
    return new ModelFileException(
        file, Reason.INVALID_HEADER, file + " has an invalid header: " + why, cause);
  }
}
