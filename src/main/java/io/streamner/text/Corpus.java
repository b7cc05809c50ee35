package io.streamner.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The sentences read from one source, together with every line that had to be skipped.
 *
 * <p>Problems travel with the sentences so that no caller can lose them: the CLI prints {@link
 * #problemSummary()} and the user learns that, say, five lines of btc.test were left out and where
 * they are.
 *
 * @param source the file (as given) or stream name, for messages
 * @param format the format the source was read as
 * @param sentences the sentences that were read, in source order
 * @param problems the skipped lines, in source order
 */
public record Corpus(
    String source, CorpusFormat format, List<Sentence> sentences, List<Problem> problems) {

  /** How many line numbers per reason the summary lists before writing "...". */
  static final int LINES_PER_REASON = 10;

  /** Copies the lists so that a corpus is a fixed snapshot of what was read. */
  public Corpus {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
    sentences = List.copyOf(sentences);
    problems = List.copyOf(problems);
  }

  /** Total number of tokens over all sentences. */
  public int tokenCount() {
    int n = 0;
    for (Sentence s : sentences) {
      n += s.size();
    }
    return n;
  }

  /** True when at least one line was skipped. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * True when every sentence has tags. A trainer should refuse a corpus for which this is false
   * (for example plain text, or JSONL records without tags) rather than train on missing labels.
   */
  public boolean labelled() {
    return sentences.stream().allMatch(Sentence::labelled);
  }

  /**
   * A one-line account of the skipped lines, grouped by reason in order of first appearance, with
   * the first {@value #LINES_PER_REASON} line numbers of each, e.g. {@code btc.test: skipped 4 bad
   * lines: whitespace-only line (1): line 13045; empty token (3): lines 13046, 16303, 16304}.
   * Without problems: {@code btc.train: no bad lines}.
   */
  public String problemSummary() {
    if (problems.isEmpty()) {
      return source + ": no bad lines";
    }
    Map<String, List<Long>> byReason = new LinkedHashMap<>();
    for (Problem p : problems) {
      byReason.computeIfAbsent(p.reason(), r -> new ArrayList<>()).add(p.line());
    }
    StringBuilder out =
        new StringBuilder(source)
            .append(": skipped ")
            .append(problems.size())
            .append(problems.size() == 1 ? " bad line: " : " bad lines: ");
    String groups =
        byReason.entrySet().stream()
            .map(e -> describeGroup(e.getKey(), e.getValue()))
            .collect(Collectors.joining("; "));
    return out.append(groups).toString();
  }

  private static String describeGroup(String reason, List<Long> lines) {
    String shown =
        lines.stream()
            .limit(LINES_PER_REASON)
            .map(String::valueOf)
            .collect(Collectors.joining(", "));
    return reason
        + " ("
        + lines.size()
        + "): "
        + (lines.size() == 1 ? "line " : "lines ")
        + shown
        + (lines.size() > LINES_PER_REASON ? ", ..." : "");
  }
}
