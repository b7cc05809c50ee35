package io.streamner.model;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamner.model.ModelFileException.Reason;
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
import java.time.format.DateTimeParseException;
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
 *   4 bytes   format version, big-endian int (1)
 *   4 bytes   header length h, big-endian int
 *   h bytes   header: UTF-8 JSON, padded with spaces so the payload starts at a multiple of 8
 *   8*N bytes payload: N little-endian IEEE-754 doubles, the arrays the header lists, in order
 *   8 bytes   CRC-32 (zlib's) of every byte before it, as a big-endian long
 * </pre>
 *
 * <p>Reading checks the file size against the size the header implies before it allocates any
 * array, so a damaged or foreign file fails with a {@link ModelFileException} that says what is
 * wrong, never with an {@code OutOfMemoryError} or an {@code EOFException}.
 */
public final class ModelFile {
  /** The version this build writes and the only one it reads. */
  public static final int FORMAT_VERSION = 1;

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

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ModelFile() {}

  /**
   * One array of the payload: its name ({@code L}, {@code W}, {@code b1}, {@code U}, {@code b2})
   * and shape.
   */
  public record PayloadArray(String name, List<Long> shape) {
    public PayloadArray {
      shape = List.copyOf(shape);
    }

    /** The number of doubles the array holds. */
    public long values() {
      long n = 1;
      for (long d : shape) n = Math.multiplyExact(n, d);
      return n;
    }
  }

  /**
   * The JSON header of a model file: everything but the numbers. {@link #readHeader} returns it
   * without reading the payload, for tools that only describe a model.
   */
  public record Header(
      int formatVersion,
      String entity,
      Hyperparameters hyperparameters,
      TokenNormalizer normalizer,
      List<String> vocabulary,
      long examplesTrained,
      int epochsTrained,
      Instant created,
      String software,
      List<PayloadArray> payload) {
    public Header {
      vocabulary = List.copyOf(vocabulary);
      payload = List.copyOf(payload);
    }

    /** The number of doubles in the payload. */
    public long payloadValues() {
      long n = 0;
      for (PayloadArray a : payload) n = Math.addExact(n, a.values());
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
   *     hyper-parameters say (the arrays are mutable); nothing is written then
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
        out.writeInt(FORMAT_VERSION);
        out.writeInt(header.length);
        out.write(header);
        writePayload(model, out);
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + 16 * words.size());
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("format_version", FORMAT_VERSION);
      g.writeStringField("entity", model.entity());
      SettingsJson.write(g, hp, model.normalizer());
      g.writeObjectFieldStart("counters");
      g.writeNumberField("examples_trained", model.examplesTrained());
      g.writeNumberField("epochs_trained", model.epochsTrained());
      g.writeEndObject();
      g.writeStringField("created", created.toString());
      g.writeStringField("software", software());
      g.writeStringField("checksum", CHECKSUM_ALGORITHM);
      g.writeObjectFieldStart("payload");
      g.writeStringField("dtype", "float64");
      g.writeStringField("byte_order", "little");
      List<PayloadArray> arrays =
          payloadArrays(words.size(), hp.dim(), hp.hidden(), hp.inputSize());
      long values = 0;
      for (PayloadArray a : arrays) values += a.values();
      g.writeNumberField("values", values);
      g.writeArrayFieldStart("arrays");
      for (PayloadArray a : arrays) {
        g.writeStartObject();
        g.writeStringField("name", a.name());
        g.writeArrayFieldStart("shape");
        for (long d : a.shape()) g.writeNumber(d);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      // last, so that `head -c 1000 model` shows everything else
      g.writeArrayFieldStart("vocabulary");
      for (String w : words) g.writeString(w);
      g.writeEndArray();
      g.writeEndObject();
    }
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

  private static void writePayload(NerModel model, OutputStream out) throws IOException {
    Hyperparameters hp = model.hyperparameters();
    DenseParameters dense = model.dense();
    double[][] l = model.vectors();
    if (l.length != model.vocabulary().size()) {
      throw new IllegalStateException(
          l.length + " word vectors for " + model.vocabulary().size() + " words");
    }
    PayloadWriter payload = new PayloadWriter(out);
    for (int id = 0; id < l.length; id++) payload.write(l[id], hp.dim(), "word vector " + id);
    for (int k = 0; k < dense.hidden; k++)
      payload.write(dense.w[k], hp.inputSize(), "row " + k + " of W");
    payload.write(dense.b1, hp.hidden(), "b1");
    payload.write(dense.u, hp.hidden(), "U");
    payload.write(new double[] {dense.b2}, 1, "b2");
  }

  /** Doubles to little-endian bytes through one reused buffer. */
  private static final class PayloadWriter {
    private final OutputStream out;
    private final byte[] bytes = new byte[CHUNK_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    PayloadWriter(OutputStream out) {
      this.out = out;
    }

    void write(double[] values, int expectedLength, String what) throws IOException {
      if (values.length != expectedLength) {
        throw new IllegalStateException(
            what + " has " + values.length + " values, the model's shape says " + expectedLength);
      }
      for (int i = 0; i < values.length; ) {
        int n = Math.min(values.length - i, CHUNK_BYTES / Double.BYTES);
        for (int k = 0; k < n; k++) buffer.putDouble(k * Double.BYTES, values[i + k]);
        out.write(bytes, 0, n * Double.BYTES);
        i += n;
      }
    }
  }

  // ----------------------------------------------------------------------------------------- read

  /**
   * Reads a model file written by {@link #write}, checking its format version, its size against its
   * header, and its checksum.
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
      checkPayloadSize(file, size, parsed.payloadOffset(), header.payloadValues());

      Hyperparameters hp = header.hyperparameters();
      PayloadReader payload = new PayloadReader(data);
      double[][] l = new double[header.vocabulary().size()][];
      for (int id = 0; id < l.length; id++) l[id] = payload.read(new double[hp.dim()]);
      DenseParameters dense = new DenseParameters(hp.hidden(), hp.inputSize());
      for (double[] row : dense.w) payload.read(row);
      payload.read(dense.b1);
      payload.read(dense.u);
      dense.b2 = payload.read(new double[1])[0];

      long computed = checked.getChecksum().getValue();
      long stored = data.readLong();
      if (computed != stored) {
        throw new ModelFileException(
            file,
            Reason.CORRUPT,
            file
                + " is corrupt: checksum mismatch (the file says "
                + Long.toHexString(stored)
                + ", its bytes give "
                + Long.toHexString(computed)
                + ")");
      }
      return new NerModel(
          header.entity(),
          hp,
          header.normalizer(),
          Vocabulary.of(header.vocabulary()),
          l,
          dense,
          header.examplesTrained(),
          header.epochsTrained());
    } catch (EOFException e) {
      // the size was checked up front, so the file shrank while we read it
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file + " is truncated: it ended while being read (is something writing to it?)",
          e);
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
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file + " is truncated: it ended while being read (is something writing to it?)",
          e);
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
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file + " is truncated: it ends after " + size + " bytes, inside the 8-byte magic");
    }
    if (size < 12) {
      throw new ModelFileException(
          file, Reason.TRUNCATED, file + " is truncated: it ends inside the format version");
    }
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new ModelFileException(
          file,
          Reason.UNSUPPORTED_VERSION,
          file
              + " was written by model file format version "
              + version
              + "; this streamner reads version "
              + FORMAT_VERSION
              + (version > FORMAT_VERSION ? " (a newer streamner can read it)" : ""));
    }
    if (size < PREAMBLE_BYTES) {
      throw new ModelFileException(
          file, Reason.TRUNCATED, file + " is truncated: it ends inside the header length");
    }
    int headerLength = in.readInt();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new ModelFileException(
          file,
          Reason.CORRUPT,
          file
              + " is corrupt: its header length is "
              + headerLength
              + " bytes, a model file header is between 2 and "
              + MAX_HEADER_BYTES
              + " bytes");
    }
    if (PREAMBLE_BYTES + (long) headerLength > size) {
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file
              + " is truncated: the header is "
              + headerLength
              + " bytes, the file ends after "
              + (size - PREAMBLE_BYTES)
              + " of them");
    }
    byte[] json = new byte[headerLength];
    in.readFully(json);
    return new Parsed(new HeaderParser(file).parse(json), PREAMBLE_BYTES + (long) headerLength);
  }

  private static void checkPayloadSize(Path file, long size, long payloadOffset, long values)
      throws ModelFileException {
    long available = size - payloadOffset;
    if (values > (Long.MAX_VALUE - payloadOffset - CHECKSUM_BYTES) / Double.BYTES
        || available < values * Double.BYTES) {
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file
              + " is truncated: expected "
              + values
              + " payload values, file ends after "
              + available / Double.BYTES);
    }
    long expected = payloadOffset + values * Double.BYTES + CHECKSUM_BYTES;
    if (size < expected) {
      throw new ModelFileException(
          file,
          Reason.TRUNCATED,
          file
              + " is truncated: the payload is complete but the file ends "
              + (size - expected + CHECKSUM_BYTES)
              + " bytes into the 8-byte checksum");
    }
    if (size > expected) {
      throw new ModelFileException(
          file,
          Reason.CORRUPT,
          file
              + " is corrupt: "
              + (size - expected)
              + " bytes follow the checksum, where the file should end");
    }
  }

  /** Little-endian bytes to doubles through one reused buffer. */
  private static final class PayloadReader {
    private final DataInputStream in;
    private final byte[] bytes = new byte[CHUNK_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    PayloadReader(DataInputStream in) {
      this.in = in;
    }

    double[] read(double[] into) throws IOException {
      for (int i = 0; i < into.length; ) {
        int n = Math.min(into.length - i, CHUNK_BYTES / Double.BYTES);
        in.readFully(bytes, 0, n * Double.BYTES);
        for (int k = 0; k < n; k++) into[i + k] = buffer.getDouble(k * Double.BYTES);
        i += n;
      }
      return into;
    }
  }

  /** The header JSON to a {@link Header}, naming the field in every complaint. */
  private static final class HeaderParser {
    private final Path file;

    HeaderParser(Path file) {
      this.file = file;
    }

    Header parse(byte[] json) throws ModelFileException {
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw invalid("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
      } catch (IOException e) {
        throw invalid("it is not valid JSON (" + e.getMessage() + ")", e);
      }
      if (root == null || !root.isObject()) throw invalid("it is not a JSON object");

      int version = intField(root, "", "format_version");
      if (version != FORMAT_VERSION) {
        throw new ModelFileException(
            file,
            Reason.CORRUPT,
            file
                + " is corrupt: its header says format version "
                + version
                + " but the file says "
                + FORMAT_VERSION);
      }
      String entity = textField(root, "", "entity");
      if (entity.isEmpty()) throw invalid("the field \"entity\" is empty");

      JsonNode h = objectField(root, "", "hyperparameters");
      int windowSize = intField(h, "hyperparameters.", "window_size");
      int dim = intField(h, "hyperparameters.", "dim");
      int hidden = intField(h, "hyperparameters.", "hidden");
      double learningRate = numberField(h, "hyperparameters.", "learning_rate");
      double regularization = numberField(h, "hyperparameters.", "regularization");
      long seed = longField(h, "hyperparameters.", "seed");
      Hyperparameters hp;
      try {
        hp = new Hyperparameters(windowSize, dim, hidden, learningRate, regularization, seed);
      } catch (IllegalArgumentException e) {
        throw invalid("hyperparameters: " + e.getMessage(), e);
      }
      long inputSize = (long) windowSize * dim;
      if (inputSize > MAX_ARRAY || dim > MAX_ARRAY) {
        throw invalid(
            "a window of "
                + windowSize
                + " words of dimension "
                + dim
                + " is too large for one array");
      }

      JsonNode n = objectField(root, "", "normalizer");
      if (!booleanField(n, "normalizer.", "lowercase")) {
        throw invalid(
            "\"normalizer.lowercase\" is false; this streamner only reads models that lowercase their words");
      }
      TokenNormalizer normalizer = new TokenNormalizer(booleanField(n, "normalizer.", "numbers"));

      JsonNode c = objectField(root, "", "counters");
      long examples = longField(c, "counters.", "examples_trained");
      int epochs = intField(c, "counters.", "epochs_trained");
      if (examples < 0) throw invalid("\"counters.examples_trained\" is negative");
      if (epochs < 0) throw invalid("\"counters.epochs_trained\" is negative");

      Instant created;
      try {
        created = Instant.parse(textField(root, "", "created"));
      } catch (DateTimeParseException e) {
        throw invalid("\"created\" is not an ISO-8601 instant such as 2025-01-31T12:00:00Z", e);
      }
      String software = textField(root, "", "software");
      String checksum = textField(root, "", "checksum");
      if (!checksum.equals(CHECKSUM_ALGORITHM)) {
        throw invalid(
            "\"checksum\" is \""
                + checksum
                + "\"; this streamner knows \""
                + CHECKSUM_ALGORITHM
                + "\"");
      }

      List<String> vocabulary = vocabulary(arrayField(root, "", "vocabulary"));
      if (vocabulary.size() > MAX_ARRAY)
        throw invalid("the vocabulary has more words than one array holds");
      List<PayloadArray> payload =
          payload(
              objectField(root, "", "payload"),
              payloadArrays(vocabulary.size(), dim, hidden, inputSize));
      return new Header(
          version,
          entity,
          hp,
          normalizer,
          vocabulary,
          examples,
          epochs,
          created,
          software,
          payload);
    }

    private List<String> vocabulary(JsonNode array) throws ModelFileException {
      List<String> words = new ArrayList<>(array.size());
      Map<String, Integer> seen = new HashMap<>(array.size() * 2);
      for (int i = 0; i < array.size(); i++) {
        JsonNode w = array.get(i);
        if (!w.isTextual() || w.textValue().isEmpty())
          throw invalid("\"vocabulary[" + i + "]\" must be a non-empty string");
        Integer before = seen.putIfAbsent(w.textValue(), i);
        if (before != null) {
          throw invalid(
              "the vocabulary has \"" + w.textValue() + "\" twice, at " + before + " and " + i);
        }
        words.add(w.textValue());
      }
      if (words.isEmpty() || !words.get(0).equals(Vocabulary.UNKNOWN)) {
        throw invalid("the vocabulary must start with " + Vocabulary.UNKNOWN);
      }
      for (String padding : List.of(Vocabulary.START, Vocabulary.END)) {
        if (!seen.containsKey(padding))
          throw invalid("the vocabulary lacks the padding word " + padding);
      }
      return words;
    }

    private List<PayloadArray> payload(JsonNode p, List<PayloadArray> expected)
        throws ModelFileException {
      String dtype = textField(p, "payload.", "dtype");
      if (!dtype.equals("float64"))
        throw invalid("\"payload.dtype\" is \"" + dtype + "\"; this streamner reads float64");
      String order = textField(p, "payload.", "byte_order");
      if (!order.equals("little"))
        throw invalid("\"payload.byte_order\" is \"" + order + "\"; this streamner reads little");
      JsonNode arrays = arrayField(p, "payload.", "arrays");
      List<PayloadArray> found = new ArrayList<>();
      for (int i = 0; i < arrays.size(); i++) {
        String at = "payload.arrays[" + i + "].";
        JsonNode a = arrays.get(i);
        if (!a.isObject()) throw invalid("\"payload.arrays[" + i + "]\" must be an object");
        String name = textField(a, at, "name");
        JsonNode shape = arrayField(a, at, "shape");
        List<Long> dims = new ArrayList<>();
        for (int d = 0; d < shape.size(); d++) {
          JsonNode v = shape.get(d);
          if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw invalid("\"" + at + "shape[" + d + "]\" must be a non-negative integer");
          }
          dims.add(v.longValue());
        }
        found.add(new PayloadArray(name, dims));
      }
      if (!found.equals(expected)) {
        throw invalid(
            "\"payload.arrays\" is "
                + describe(found)
                + " but the vocabulary and hyperparameters make it "
                + describe(expected));
      }
      long values = longField(p, "payload.", "values");
      long sum = 0;
      try {
        for (PayloadArray a : expected) sum = Math.addExact(sum, a.values());
      } catch (ArithmeticException e) {
        throw invalid(
            "the payload arrays " + describe(expected) + " hold more values than any file can", e);
      }
      if (values != sum)
        throw invalid("\"payload.values\" is " + values + " but its arrays hold " + sum);
      return found;
    }

    private static String describe(List<PayloadArray> arrays) {
      StringBuilder s = new StringBuilder();
      for (PayloadArray a : arrays)
        s.append(s.length() == 0 ? "" : ", ").append(a.name()).append(a.shape());
      return s.toString();
    }

    private JsonNode field(JsonNode parent, String path, String name) throws ModelFileException {
      JsonNode v = parent.get(name);
      if (v == null || v.isNull()) throw invalid("it lacks the field \"" + path + name + "\"");
      return v;
    }

    private int intField(JsonNode parent, String path, String name) throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isIntegralNumber() || !v.canConvertToInt())
        throw wrongType(path, name, "an integer (32 bits)");
      return v.intValue();
    }

    private long longField(JsonNode parent, String path, String name) throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isIntegralNumber() || !v.canConvertToLong())
        throw wrongType(path, name, "an integer (64 bits)");
      return v.longValue();
    }

    private double numberField(JsonNode parent, String path, String name)
        throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isNumber()) throw wrongType(path, name, "a number");
      return v.doubleValue();
    }

    private String textField(JsonNode parent, String path, String name) throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isTextual()) throw wrongType(path, name, "a string");
      return v.textValue();
    }

    private boolean booleanField(JsonNode parent, String path, String name)
        throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isBoolean()) throw wrongType(path, name, "true or false");
      return v.booleanValue();
    }

    private JsonNode objectField(JsonNode parent, String path, String name)
        throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isObject()) throw wrongType(path, name, "an object");
      return v;
    }

    private JsonNode arrayField(JsonNode parent, String path, String name)
        throws ModelFileException {
      JsonNode v = field(parent, path, name);
      if (!v.isArray()) throw wrongType(path, name, "an array");
      return v;
    }

    private ModelFileException wrongType(String path, String name, String what) {
      return invalid("the field \"" + path + name + "\" must be " + what);
    }

    private ModelFileException invalid(String why) {
      return new ModelFileException(
          file, Reason.INVALID_HEADER, file + " has an invalid header: " + why);
    }

    private ModelFileException invalid(String why, Throwable cause) {
      return new ModelFileException(
          file, Reason.INVALID_HEADER, file + " has an invalid header: " + why, cause);
    }
  }
}
