package io.streamner.cli;

import io.streamner.json.Json;
import io.streamner.model.TaggingModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Corpus;
import io.streamner.text.CorpusReader;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamner tag}: every token with its predicted label and probability, and the entities.
 */
@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Tag text with a model: one token a line, its label (B-PER, I-LOC, O, ...) and the"
          + " probability, a blank line between sentences.",
      "Input: plain text (a sentence a line, split as the score topic splits text), CoNLL-2003,"
          + " token<TAB>tag (any columns, tag last) or JSON lines; tags present are ignored."
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
      description =
          "One JSON object a sentence: tokens, labels, probabilities and entities (start, end,"
              + " type, text, score).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    double cutoff = threshold.get();
    TaggingModel m = ModelFile.readModel(model);
    ThresholdOption.warnIfGivenFor(m, spec.commandLine());
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
    Function<List<String>, Tagging.Tagged> tagger = Tagging.of(m, cutoff);
    for (Sentence s : corpus.sentences()) {
      Tagging.Tagged tagged = tagger.apply(s.tokens());
      double[] p = tagged.probabilities();
      if (json) {
        double[] rounded = new double[p.length];
        for (int t = 0; t < p.length; t++) rounded[t] = round(p[t]);
        List<Tagging.Entity> entities = new ArrayList<>();
        for (Tagging.Entity e : tagged.entities()) {
          entities.add(
              new Tagging.Entity(e.start(), e.end(), e.type(), e.text(), round(e.score())));
        }
        out.println(
            Json.MAPPER.writeValueAsString(
                new Tagging.Tagged(s.tokens(), tagged.labels(), rounded, entities)));
      } else {
        for (int t = 0; t < p.length; t++)
          out.printf("%s\t%s\t%.4f%n", s.tokens().get(t), tagged.labels().get(t), p[t]);
        out.println();
      }
    }
    return 0;
  }

  /** Six decimals are plenty for a person reading JSON, and keep lines short. */
  private static double round(double p) {
    return Math.round(p * 1e6) / 1e6;
  }
}
