package io.streamner.cli;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.streamner.eval.Counts;
import io.streamner.eval.Evaluator;
import io.streamner.eval.LookupBaseline;
import io.streamner.eval.Scores;
import io.streamner.json.Json;
import io.streamner.model.NerModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamner eval}: precision, recall and F1 of a model on labelled data. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Score a model on labelled data: token-level and span-level precision, recall and F1.")
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Labelled corpus to score on.")
  Path data;

  @Option(
      names = "--format",
      paramLabel = "NAME",
      description = "Force the corpus format: conll, tsv, jsonl.")
  String format;

  @Option(
      names = "--baseline-train",
      paramLabel = "FILE",
      description =
          "Also score the majority-label lookup baseline built from this labelled corpus.")
  Path baselineTrain;

  @Mixin ThresholdOption threshold;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NerModel m = ModelFile.read(model);
    String type = m.entity();
    List<Sentence> sentences = Corpora.readLabelled(data, format, type, false, err);
    Scores scores = Evaluator.evaluate(type, sentences, Tagging.tagger(m, threshold.get()));
    Scores baseline = null;
    if (baselineTrain != null) {
      List<Sentence> training = Corpora.readLabelled(baselineTrain, format, type, false, err);
      baseline =
          Evaluator.evaluate(
              type, sentences, LookupBaseline.train(training, type, m.normalizer())::tag);
    }
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(new Result(scores, baseline)));
    } else {
      out.printf(
          "%s on %s: %,d tokens in %,d sentences%n",
          type, data, scores.tokens(), scores.sentences());
      out.printf("  %-22s %9s %9s %9s%n", "", "precision", "recall", "F1");
      row(out, "token", scores);
      row(out, "span (exact match)", scores.span());
      row(out, "mention (as annotated)", scores.mention());
      if (baseline != null) {
        row(out, "baseline token", baseline);
        row(out, "baseline span", baseline.span());
        row(out, "baseline mention", baseline.mention());
      }
    }
    return 0;
  }

  /** What --json prints: the scores, and those of the lookup baseline when asked for. */
  private record Result(@JsonUnwrapped Scores scores, Scores baseline) {}

  private static void row(PrintWriter out, String name, Scores s) {
    row(out, name, s.token());
  }

  private static void row(PrintWriter out, String name, Counts c) {
    out.printf("  %-22s %9.4f %9.4f %9.4f%n", name, c.precision(), c.recall(), c.f1());
  }
}
