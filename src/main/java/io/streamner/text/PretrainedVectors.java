package io.streamner.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Word vectors trained elsewhere, read from GloVe text ({@code word v1 .. vn} a line, n taken from
 * the first line) or from the aligned two-file layout of the classic exercise (vocab.txt with one
 * word a line, wordVectors.txt with the vector of that word on the same line number).
 *
 * <p>A number that is not finite ({@code nan}, {@code inf}, {@code 1e400}) is not a vector of a
 * trained model but of a diverged one: the whole file is refused, naming the line, rather than the
 * line skipped.
 *
 * @param problems lines that were skipped (wrong number of values, not a number, duplicate word)
 */
public record PretrainedVectors(
    List<String> words, List<double[]> vectors, int dim, List<String> problems) {

  /** How other programs write NaN and the infinities (numpy: {@code nan}, {@code inf}). */
  private static final Pattern NOT_FINITE =
      Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

  /** GloVe text format; a word2vec-style first line "count dim" is recognised and skipped. */
  public static PretrainedVectors readGlove(Path file) throws IOException {
    List<String> words = new ArrayList<>();
    List<double[]> vectors = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int dim = -1;
    long lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) continue;
        String[] fields = line.trim().split(" +");
        if (lineNumber == 1
            && fields.length == 2
            && fields[0].matches("\\d+")
            && fields[1].matches("\\d+")) {
          continue;
        }
        if (dim < 0) dim = fields.length - 1;
        if (dim < 1)
          throw new IOException(file + ": line 1 has no vector values; is this a GloVe text file?");
        if (fields.length != dim + 1) {
          problems.add(
              "line " + lineNumber + ": " + (fields.length - 1) + " values, expected " + dim);
          continue;
        }
        double[] v = parse(fields, 1, dim, file, lineNumber);
        if (v == null) {
          problems.add("line " + lineNumber + ": a value is not a number");
        } else if (!seen.add(fields[0])) {
          problems.add("line " + lineNumber + ": duplicate word '" + fields[0] + "', first kept");
        } else {
          words.add(fields[0]);
          vectors.add(v);
        }
      }
    }
    if (words.isEmpty()) throw new IOException(file + ": no word vectors found");
    return new PretrainedVectors(words, vectors, dim, problems);
  }

  /**
   * The aligned layout: line i of {@code vocabFile} is the word whose vector is line i of {@code
   * vectorFile}.
   */
  public static PretrainedVectors readAligned(Path vocabFile, Path vectorFile) throws IOException {
    List<String> vocab = readWords(vocabFile);
    List<String> lines = Files.readAllLines(vectorFile, StandardCharsets.UTF_8);
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank())
      lines.remove(lines.size() - 1);
    if (lines.size() != vocab.size()) {
      throw new IOException(
          vocabFile
              + " has "
              + vocab.size()
              + " words but "
              + vectorFile
              + " has "
              + lines.size()
              + " vectors: the two files must be aligned line by line");
    }
    List<String> words = new ArrayList<>();
    List<double[]> vectors = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int dim = -1;
    for (int i = 0; i < lines.size(); i++) {
      String[] fields = lines.get(i).trim().split("\\s+");
      if (dim < 0) dim = fields.length;
      double[] v = fields.length == dim ? parse(fields, 0, dim, vectorFile, i + 1) : null;
      if (v == null) {
        problems.add(
            vectorFile.getFileName() + " line " + (i + 1) + ": expected " + dim + " numbers");
      } else if (!seen.add(vocab.get(i))) {
        problems.add(
            vocabFile.getFileName()
                + " line "
                + (i + 1)
                + ": duplicate word '"
                + vocab.get(i)
                + "', first kept");
      } else {
        words.add(vocab.get(i));
        vectors.add(v);
      }
    }
    if (words.isEmpty()) throw new IOException(vectorFile + ": no word vectors found");
    return new PretrainedVectors(words, vectors, dim, problems);
  }

  /** One word a line (the first whitespace-separated field; blank lines skipped). */
  public static List<String> readWords(Path file) throws IOException {
    List<String> words = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String w = line.strip();
        if (!w.isEmpty()) words.add(w.split("\\s+")[0]);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return words;
  }

  /**
   * The values, or null if one is not a number at all.
   *
   * @throws IOException for a number that is not finite, naming the file and line
   */
  private static double[] parse(String[] fields, int from, int dim, Path file, long line)
      throws IOException {
    double[] v = new double[dim];
    for (int d = 0; d < dim; d++) {
      String text = fields[from + d];
      try {
        v[d] = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        if (!NOT_FINITE.matcher(text).matches()) return null;
        v[d] = Double.NaN;
      }
      if (!Double.isFinite(v[d])) {
        throw new IOException(
            file
                + ": line "
                + line
                + ": value "
                + (d + 1)
                + " is "
                + text
                + ", not a finite number; a vectors file must hold only finite numbers");
      }
    }
    return v;
  }
}
