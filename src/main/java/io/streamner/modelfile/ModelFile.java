package io.streamner.modelfile;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import io.streamner.json.Json;
import io.streamner.model.DenseParameters;
import io.streamner.model.FloatParameters;
import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.modelfile.ModelFileException.Reason;
import io.streamner.text.Capitalization;
import io.streamner.text.TagSet;
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
 *   4 bytes   format version, big-endian int (1, 2 or 3)
 *   4 bytes   header length h, big-endian int
 *   h bytes   header: UTF-8 JSON, padded with spaces so the payload starts at a multiple of 8
 *   s*N bytes payload: N little-endian IEEE-754 numbers of s bytes (8: float64; 4: float32 in
 *             version 3), the arrays the header lists, in order
 *   8 bytes   CRC-32 (zlib's) of every byte before it, as a big-endian long
 * </pre>
 *
 * <p>Version 1 holds a binary model ({@link NerModel}); version 2 also holds typed models ({@link
 * TypedModel}: the header names the tag set, U has a row and b2 a value per tag) and capitalisation
 * vectors (the array {@code E}); version 3 is version 2 with float32 numbers, a float model's (its
 * header says {@code "precision": "float"}). The writer writes the oldest version that holds the
 * model: version 1 for a double binary model without capitalisation features, version 2 for other
 * double models, version 3 for float ones. So double files stay readable by every reader of their
 * version, and a reader that knows only versions 1 and 2 refuses a float file by its version
 * instead of misreading its numbers. This build reads all three.
 *
 * <p>Reading checks the file size against the size the header implies before it allocates any
 * array, so a damaged or foreign file fails with a {@link ModelFileException} that says what is
 * wrong, never with an {@code OutOfMemoryError} or an {@code EOFException}. Every number of a model
 * file is finite: the writer refuses a model holding NaN or an infinity, and the reader a file.
 */
public final class ModelFile {
  /** The version of a double binary model without capitalisation features. */
  public static final int BINARY_VERSION = 1;

  /** The version of the other double models: typed, or with capitalisation features. */
  public static final int TYPED_VERSION = 2;

  /** The version of a float model: version 2 with float32 numbers. */
  public static final int FLOAT_VERSION = 3;

  /** The newest version this build reads and writes. */
  public static final int FORMAT_VERSION = FLOAT_VERSION;

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
      @JsonSetter(nulls = Nulls.SET) String entity,
      @JsonSetter(nulls = Nulls.SET) TagSetHeader tagSet,
      Hyperparameters hyperparameters,
      @JsonSetter(nulls = Nulls.SET) CapitalizationHeader capitalization,
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

  /**
   * The tags of a typed model (versions 2 and 3): the scheme, the types in output order and, for
   * readers that do not know the schemes, every tag in the order of U's rows.
   */
  public record TagSetHeader(String scheme, List<String> types, List<String> tags) {
    static TagSetHeader of(TagSet tagSet) {
      return new TagSetHeader(tagSet.scheme().name(), tagSet.types(), tagSet.tags());
    }
  }

  /**
   * Capitalisation features (versions 2 and 3): k values per class, the classes in the order of E's
   * rows.
   */
  public record CapitalizationHeader(int dim, List<String> classes) {
    static CapitalizationHeader of(int dim) {
      return new CapitalizationHeader(
          dim, Arrays.stream(Capitalization.values()).map(Capitalization::key).toList());
    }
  }

  /** What follows the header: {@code values} doubles of {@code dtype}, the arrays in order. */
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
  public static void write(TaggingModel model, Path file) throws IOException {
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
        out.writeInt(versionOf(model));
        out.writeInt(header.length);
        out.write(header);
        Rows.write(rows(model), out);
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

  /**
   * The oldest version that holds the model: 3 for a float model, 1 for a double binary model
   * without capitalisation features, else 2.
   */
  private static int versionOf(TaggingModel model) {
    WindowInput input = model.input();
    if (input.precision() == Precision.FLOAT) return FLOAT_VERSION;
    return model instanceof NerModel && !input.hasCapitals() ? BINARY_VERSION : TYPED_VERSION;
  }

  private static byte[] headerBytes(TaggingModel model, Instant created) throws IOException {
    WindowInput input = model.input();
    Hyperparameters hp = input.hyperparameters();
    List<String> words = input.vocabulary().words();
    List<PayloadArray> arrays = Shape.of(model).arrays();
    long values = 0;
    for (PayloadArray a : arrays) values += a.values();
    int k = input.capitalizationDim();
    // the vocabulary last, so that `head -c 1000 model` shows everything else
    Header header =
        new Header(
            versionOf(model),
            model instanceof NerModel binary ? binary.entity() : null,
            model instanceof TypedModel typed ? TagSetHeader.of(typed.tagSet()) : null,
            hp,
            k > 0 ? CapitalizationHeader.of(k) : null,
            input.normalizer(),
            new Counters(model.examplesTrained(), model.epochsTrained()),
            created,
            software(),
            CHECKSUM_ALGORITHM,
            new Payload(input.precision().dtype(), "little", values, arrays),
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

  /**
   * The shape of a model's payload: V words of n values, R rows of E (the capitalisation classes
   * and the token feature buckets) of k values (k = 0: none), H hidden units, I inputs and K tags
   * (0 for a binary model: one output).
   */
  private record Shape(
      long words, long dim, long capsRows, long dimCaps, long hidden, long inputSize, long tags) {
    static Shape of(TaggingModel model) {
      WindowInput input = model.input();
      Hyperparameters hp = input.hyperparameters();
      return new Shape(
          input.vocabulary().size(),
          hp.dim(),
          hp.features().rows(),
          input.capitalizationDim(),
          hp.hidden(),
          input.inputSize(),
          model instanceof TypedModel typed ? typed.tagSet().size() : 0);
    }

    /** The payload arrays of a model of this shape, in file order. */
    List<PayloadArray> arrays() {
      List<PayloadArray> arrays = new ArrayList<>();
      arrays.add(new PayloadArray("L", List.of(words, dim)));
      if (dimCaps > 0) {
        arrays.add(new PayloadArray("E", List.of(capsRows, dimCaps)));
      }
      arrays.add(new PayloadArray("W", List.of(hidden, inputSize)));
      arrays.add(new PayloadArray("b1", List.of(hidden)));
      arrays.add(new PayloadArray("U", tags == 0 ? List.of(hidden) : List.of(tags, hidden)));
      arrays.add(new PayloadArray("b2", List.of(tags == 0 ? 1L : tags)));
      return arrays;
    }
  }

  /**
   * The payload in file order, row by row: L's rows, E's rows, W's rows, b1, U (its rows), b2. A
   * binary model's b2 is a field, so its row is a one-value array that {@link #read} copies back.
   * Each row is named for messages: {@code row 3 of W}. A float model's rows of W (and of a typed
   * U) are read and written in place in its padded array.
   */
  private static List<Row> rows(TaggingModel model) {
    WindowInput input = model.input();
    Hyperparameters hp = input.hyperparameters();
    int k = input.capitalizationDim();
    List<Row> rows = new ArrayList<>();
    if (input.precision() == Precision.FLOAT) {
      float[][] l = input.floatVectors();
      for (int id = 0; id < l.length; id++)
        rows.add(new FloatRow("word vector " + id, l[id], 0, l[id].length, hp.dim()));
      float[][] e = input.floatCapitals();
      for (int c = 0; e != null && c < e.length; c++)
        rows.add(new FloatRow(capitalizationRow(c), e[c], 0, e[c].length, k));
      FloatParameters dense = (FloatParameters) model.weights();
      floatRows(rows, "W", dense.w, dense.hidden, dense.inputSize, dense.stride);
      rows.add(new FloatRow("b1", dense.b1, 0, dense.b1.length, hp.hidden()));
      if (dense.outputs == 1) rows.add(new FloatRow("U", dense.u, 0, dense.hidden, hp.hidden()));
      else floatRows(rows, "U", dense.u, dense.outputs, dense.hidden, dense.uStride);
      rows.add(new FloatRow("b2", dense.b2, 0, dense.b2.length, dense.outputs));
      return rows;
    }
    double[][] l = input.vectors();
    for (int id = 0; id < l.length; id++)
      rows.add(new DoubleRow("word vector " + id, l[id], hp.dim()));
    double[][] e = input.capitals();
    for (int c = 0; e != null && c < e.length; c++)
      rows.add(new DoubleRow(capitalizationRow(c), e[c], k));
    DenseParameters dense = (DenseParameters) model.weights();
    for (int j = 0; j < dense.hidden; j++)
      rows.add(new DoubleRow("row " + j + " of W", dense.w[j], input.inputSize()));
    rows.add(new DoubleRow("b1", dense.b1, hp.hidden()));
    for (int t = 0; t < dense.outputs; t++)
      rows.add(
          new DoubleRow(dense.outputs == 1 ? "U" : "row " + t + " of U", dense.u[t], hp.hidden()));
    rows.add(new DoubleRow("b2", dense.b2, dense.outputs));
    return rows;
  }

  /** The rows of a padded float matrix (W, or a typed model's U), read and written in place. */
  private static void floatRows(
      List<Row> rows, String matrix, float[] values, int count, int length, int stride) {
    for (int r = 0; r < count; r++)
      rows.add(new FloatRow("row " + r + " of " + matrix, values, r * stride, length, length));
  }

  private static String capitalizationRow(int c) {
    int classes = Capitalization.values().length;
    return c < classes
        ? "capitalisation vector " + Capitalization.values()[c].key()
        : "token feature vector " + (c - classes);
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
   * Reads a binary model file written by {@link #write}, for a caller that needs a binary model
   * ({@link #readModel} reads either kind, as the streaming job and {@code train --init} do).
   *
   * @throws ModelFileException when the file is not a model file, is of another format version, is
   *     truncated, corrupt, has an invalid header, or holds a typed model ({@link
   *     Reason#NOT_BINARY})
   */
  public static NerModel read(Path file) throws IOException {
    TaggingModel model = readModel(file);
    if (model instanceof NerModel binary) return binary;
    throw new ModelFileException(
        file,
        Reason.NOT_BINARY,
        file
            + " holds a typed model ("
            + String.join(", ", model.types())
            + "); this needs a binary model of one entity type");
  }

  /**
   * Reads a model file written by {@link #write}, binary or typed, checking its format version, its
   * size against its header, its checksum, and that every number is finite.
   *
   * @throws ModelFileException when the file is not a model file, is of another format version, is
   *     truncated, corrupt, or has an invalid header
   */
  public static TaggingModel readModel(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      CheckedInputStream checked =
          new CheckedInputStream(new BufferedInputStream(in, CHUNK_BYTES), new CRC32());
      DataInputStream data = new DataInputStream(checked);
      Parsed parsed = readPreambleAndHeader(file, size, data);
      Header header = parsed.header();
      Precision precision = header.hyperparameters().precision();
      checkPayloadSize(file, size, parsed.payloadOffset(), header.payloadValues(), precision);

      TaggingModel model = emptyModel(header);
      List<Row> rows = rows(model);
      Rows payload = new Rows();
      for (Row row : rows) payload.transfer(row, null, data);

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
        String notFinite = row.notFinite();
        if (notFinite != null) {
          throw corrupt(file, notFinite + ", and a model file holds only finite numbers");
        }
      }
      return model;
    } catch (EOFException e) {
      // the size was checked up front, so the file shrank while we read it
      throw shrank(file, e);
    }
  }

  /** The model the header describes, its arrays all zeros, for the payload to fill. */
  private static TaggingModel emptyModel(Header header) {
    Hyperparameters hp = header.hyperparameters();
    int k = header.capitalization() == null ? 0 : header.capitalization().dim();
    int words = header.vocabulary().size();
    Vocabulary vocabulary = Vocabulary.of(header.vocabulary());
    int classes = hp.features().rows();
    boolean floats = hp.precision() == Precision.FLOAT;
    WindowInput input =
        floats
            ? new WindowInput(
                hp,
                header.normalizer(),
                vocabulary,
                new float[words][hp.dim()],
                k == 0 ? null : new float[classes][k])
            : new WindowInput(
                hp,
                header.normalizer(),
                vocabulary,
                new double[words][hp.dim()],
                k == 0 ? null : new double[classes][k]);
    if (header.tagSet() == null) {
      return new NerModel(
          header.entity(),
          input,
          floats
              ? new FloatParameters(hp.hidden(), input.inputSize(), 1)
              : new DenseParameters(hp.hidden(), input.inputSize(), 1),
          header.examplesTrained(),
          header.epochsTrained());
    }
    TagSet tagSet = tagSet(header.tagSet());
    return new TypedModel(
        tagSet,
        input,
        floats
            ? new FloatParameters(hp.hidden(), input.inputSize(), tagSet.size())
            : new DenseParameters(hp.hidden(), input.inputSize(), tagSet.size()),
        header.examplesTrained(),
        header.epochsTrained());
  }

  private static TagSet tagSet(TagSetHeader h) {
    return new TagSet(TagSet.Scheme.parse(h.scheme()), h.types());
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
    if (version < BINARY_VERSION || version > FORMAT_VERSION) {
      throw new ModelFileException(
          file,
          Reason.UNSUPPORTED_VERSION,
          file
              + " was written by model file format version "
              + version
              + "; this streamner reads versions "
              + BINARY_VERSION
              + " to "
              + FORMAT_VERSION
              + (version > FORMAT_VERSION ? " (a newer streamner can read it)" : ""));
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
    check(file, version, header);
    return new Parsed(header, PREAMBLE_BYTES + (long) headerLength);
  }

  /** What the header's JSON Schema says and what it cannot: shapes that agree with each other. */
  private static void check(Path file, int version, Header h) throws ModelFileException {
    if (h.formatVersion() != version) {
      throw corrupt(
          file,
          "its header says format version " + h.formatVersion() + " but the file says " + version);
    }
    checkKind(file, version, h);
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
    Precision precision = h.hyperparameters().precision();
    if ((precision == Precision.FLOAT) != (version == FLOAT_VERSION)) {
      throw invalid(
          file,
          "\"hyperparameters.precision\" is \""
              + precision
              + "\", which format version "
              + version
              + " does not hold (a float model is version "
              + FLOAT_VERSION
              + ", a double one version "
              + BINARY_VERSION
              + " or "
              + TYPED_VERSION
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
    List<PayloadArray> expected = shape(file, h).arrays();
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

  /**
   * What the version allows: version 1 is a binary model ({@code entity}) without capitalisation
   * features; versions 2 and 3 have either an {@code entity} or a {@code tag_set}, and may have
   * {@code capitalization}. A tag set's and the capitalisation's lists must be the ones this build
   * knows.
   */
  private static void checkKind(Path file, int version, Header h) throws ModelFileException {
    if (h.entity() == null && h.tagSet() == null) {
      throw invalid(
          file,
          version == BINARY_VERSION
              ? "missing field \"entity\""
              : "it has neither \"entity\" (a binary model) nor \"tag_set\" (a typed model)",
          null);
    }
    if (h.entity() != null && h.tagSet() != null) {
      throw invalid(file, "it has both \"entity\" and \"tag_set\"; a model has one", null);
    }
    if (version == BINARY_VERSION && (h.tagSet() != null || h.capitalization() != null)) {
      throw invalid(
          file,
          "format version 1 holds binary models without capitalisation features, but the header"
              + " has \""
              + (h.tagSet() != null ? "tag_set" : "capitalization")
              + "\"",
          null);
    }
    if (h.entity() != null && h.entity().isEmpty()) {
      throw invalid(file, "the field \"entity\" is empty", null);
    }
    if (h.tagSet() != null) {
      TagSet tagSet;
      try {
        tagSet = tagSet(h.tagSet());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw invalid(file, "\"tag_set\": " + e.getMessage(), e);
      }
      if (!tagSet.tags().equals(h.tagSet().tags())) {
        throw invalid(
            file,
            "\"tag_set.tags\" is "
                + h.tagSet().tags()
                + " but its scheme and types make it "
                + tagSet.tags(),
            null);
      }
    }
    CapitalizationHeader caps = h.capitalization();
    if (caps != null) {
      List<String> known = CapitalizationHeader.of(1).classes();
      if (caps.dim() < 1 || !known.equals(caps.classes())) {
        throw invalid(
            file,
            "\"capitalization\" must have a dim of at least 1 and the classes "
                + known
                + "; it has "
                + caps.dim()
                + " and "
                + caps.classes(),
            null);
      }
    }
    if (caps == null && h.hyperparameters().tokenFeatures() != null) {
      throw invalid(
          file,
          "\"hyperparameters.token_features\" needs \"capitalization\": the token feature vectors"
              + " are rows of E after the capitalisation vectors",
          null);
    }
  }

  /** The payload's shape by the header (its kind already checked). */
  private static Shape shape(Path file, Header h) throws ModelFileException {
    Hyperparameters hp = h.hyperparameters();
    long dimCaps = h.capitalization() == null ? 0 : h.capitalization().dim();
    long lookups = dimCaps == 0 ? 0 : hp.features().lookups();
    long inputSize = hp.windowSize() * (hp.dim() + lookups * dimCaps);
    if (inputSize > MAX_ARRAY) {
      throw invalid(
          file,
          "a window of "
              + hp.windowSize()
              + " words of dimension "
              + (hp.dim() + lookups * dimCaps)
              + " is too large for one array",
          null);
    }
    long tags = h.tagSet() == null ? 0 : h.tagSet().tags().size();
    return new Shape(
        h.vocabulary().size(),
        hp.dim(),
        hp.features().rows(),
        dimCaps,
        hp.hidden(),
        inputSize,
        tags);
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
