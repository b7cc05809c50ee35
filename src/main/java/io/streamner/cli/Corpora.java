package io.streamner.cli;

import io.streamner.text.Corpus;
import io.streamner.text.CorpusFormat;
import io.streamner.text.CorpusReader;
import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reading corpora for the commands: format option, warnings for skipped lines, clear errors. */
final class Corpora {
  private Corpora() {}

  static CorpusFormat format(String name) {
    if (name == null) return null;
    return UserError.ifRefused(() -> CorpusFormat.parse(name));
  }

  /** Reads a corpus, printing its skipped-line summary to {@code err}. */
  static Corpus read(Path file, String format, PrintWriter err) throws IOException {
    if (!Files.exists(file)) throw new UserError("file not found: " + file);
    if (Files.isDirectory(file))
      throw new UserError(file + " is a directory, expected a corpus file");
    Corpus corpus = CorpusReader.read(file, format(format));
    if (corpus.hasProblems()) err.println("warning: " + corpus.problemSummary());
    return corpus;
  }

  /**
   * Reads a corpus that must carry tags. Training data without a single token of {@code entity} is
   * an error (the model would learn nothing); evaluation data gets a warning.
   */
  static List<Sentence> readLabelled(
      Path file, String format, String entity, boolean forTraining, PrintWriter err)
      throws IOException {
    return readLabelled(file, format, List.of(entity), forTraining, err);
  }

  /**
   * Reads a corpus that must carry tags, of which each of {@code types} must tag a token to train
   * on (evaluation data without one gets a warning).
   */
  static List<Sentence> readLabelled(
      Path file, String format, List<String> types, boolean forTraining, PrintWriter err)
      throws IOException {
    return requireTypes(file, readLabelled(file, format, err), types, forTraining, err);
  }

  /**
   * The labelled sentences of {@code file}, checked to tag each of {@code types} (an error to train
   * on, a warning to evaluate on).
   */
  static List<Sentence> requireTypes(
      Path file,
      List<Sentence> labelled,
      List<String> types,
      boolean forTraining,
      PrintWriter err) {
    Map<String, Integer> present = EntityTags.countTypes(labelled);
    List<String> missing = types.stream().filter(t -> !present.containsKey(t)).toList();
    if (!missing.isEmpty()) {
      String message =
          file
              + ": no token is tagged "
              + String.join(" or ", missing)
              + "; entity types present: "
              + (present.isEmpty() ? "none" : String.join(", ", present.keySet()));
      if (forTraining) throw new UserError(message);
      err.println("warning: " + message);
    }
    return labelled;
  }

  /** Reads a corpus that must carry tags: its labelled sentences. */
  static List<Sentence> readLabelled(Path file, String format, PrintWriter err) throws IOException {
    Corpus corpus = read(file, format, err);
    if (corpus.format() == CorpusFormat.TEXT) {
      throw new UserError(
          file
              + " looks like plain text without tags; labelled data must be CoNLL-2003, "
              + "token<TAB>tag (or any columns, tag last) or JSON lines (use --format to force one)");
    }
    List<Sentence> labelled = corpus.sentences().stream().filter(Sentence::labelled).toList();
    if (labelled.isEmpty()) throw new UserError(file + ": no labelled sentences found");
    return labelled;
  }
}
