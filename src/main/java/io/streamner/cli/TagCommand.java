package io.streamner.cli;

import io.streamner.eval.TokenDecisions;
import io.streamner.json.Json;
import io.streamner.model.NerModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Corpus;
import io.streamner.text.CorpusReader;
import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamner tag}: every token with its predicted label and probability. */
@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Tag text with a model: one token a line, its BIO label and the probability, "
          + "a blank line between sentences.",
      "Input: plain text (a sentence a line), CoNLL-2003, token<TAB>tag or JSON lines; tags present are ignored."
    })
public final class TagCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = "-",
      description = "Input file, or - for standard input (default).")
  String input;

  @Option(
      names = "--format",
      paramLabel = "NAME",
      description = "Force the input format: text, conll, tsv, jsonl.")
  String format;

  @Mixin ThresholdOption threshold;

  @Option(
      names = "--json",
      description = "One JSON object a sentence: tokens, labels, probabilities.")
  boolean json;

  /** One sentence as --json prints it. */
  private record Tagged(List<String> tokens, String[] labels, double[] probabilities) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    double cutoff = threshold.get();
    NerModel m = ModelFile.read(model);
    Corpus corpus;
    if (input.equals("-")) {
      corpus =
          CorpusReader.read(
              new InputStreamReader(System.in, StandardCharsets.UTF_8),
              "stdin",
              Corpora.format(format));
      if (corpus.hasProblems()) err.println("warning: " + corpus.problemSummary());
    } else {
      corpus = Corpora.read(Path.of(input), format, err);
    }
    NerModel.Steps steps = m.steps();
    String type = m.entity();
    for (Sentence s : corpus.sentences()) {
      double[] p = m.probabilities(s.tokens(), steps);
      String[] labels = EntityTags.bioLabels(TokenDecisions.positives(p, cutoff), type);
      if (json) {
        double[] rounded = new double[p.length];
        for (int t = 0; t < p.length; t++) rounded[t] = Math.round(p[t] * 1e6) / 1e6;
        out.println(Json.MAPPER.writeValueAsString(new Tagged(s.tokens(), labels, rounded)));
      } else {
        for (int t = 0; t < p.length; t++)
          out.printf("%s\t%s\t%.4f%n", s.tokens().get(t), labels[t], p[t]);
        out.println();
      }
    }
    return 0;
  }
}
