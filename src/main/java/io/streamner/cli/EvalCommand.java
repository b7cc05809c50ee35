package io.streamner.cli;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.streamner.eval.Counts;
import io.streamner.eval.EntityScores;
import io.streamner.eval.Evaluator;
import io.streamner.eval.LookupBaseline;
import io.streamner.eval.TypedScores;
import io.streamner.json.Json;
import io.streamner.model.NerModel;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.Sentence;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamner eval}: precision, recall and F1 of a model on labelled data: a binary model's
 * token, span and mention scores; a typed model's strict entity and token scores per type and
 * overall. Several binary models of different types are scored as one typed tagger, combined the
 * way a user would (see {@link Tagging#combined}).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score a model on labelled data. A binary model: token-, span- and mention-level precision,"
          + " recall and F1. A typed model: strict entity-level (exact span and type, as"
          + " conlleval) and token-level scores per type and overall.",
      "Several --model of binary models: scored together as one typed tagger (per token the type"
          + " with the highest probability at or above the threshold)."
    })
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description = "Model file; repeat it to combine binary models of different types.")
  List<Path> models;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Labelled corpus to score on.")
  Path data;

  @Mixin CorpusFormatOption format;

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
    List<TaggingModel> loaded = new ArrayList<>();
    for (Path model : models) loaded.add(ModelFile.readModel(model));
    if (loaded.size() == 1 && loaded.get(0) instanceof NerModel binary) return binary(binary);
    if (loaded.size() == 1) {
      ThresholdOption.warnIfGivenFor(loaded.get(0), spec.commandLine());
      return typed((TypedModel) loaded.get(0));
    }
    return combined(loaded);
  }

  private int binary(NerModel m) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String type = m.entity();
    List<Sentence> sentences = Corpora.readLabelled(data, format.name, type, false, err);
    EntityScores scores =
        Evaluator.evaluate(type, sentences, Tagging.decisions(m, threshold.get()));
    EntityScores baseline = null;
    if (baselineTrain != null) {
      List<Sentence> training = Corpora.readLabelled(baselineTrain, format.name, type, false, err);
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

  private int typed(TypedModel m) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<Sentence> sentences = Corpora.readLabelled(data, format.name, m.types(), false, err);
    TypedScores scores =
        Evaluator.evaluateTyped(
            m.types(), sentences, Tagging.of(m, threshold.get()).andThen(Tagging.Tagged::labels));
    TypedScores baseline = null;
    if (baselineTrain != null) {
      List<Sentence> training =
          Corpora.readLabelled(baselineTrain, format.name, m.types(), false, err);
      LookupBaseline lookup = LookupBaseline.train(training, m.tagSet(), m.input().normalizer());
      baseline =
          Evaluator.evaluateTyped(
              m.types(), sentences, tokens -> m.tagSet().labels(lookup.labels(tokens)));
    }
    report(scores, baseline, String.join(",", m.types()));
    return 0;
  }

  /** Several binary models as one typed tagger: the "combined by hand". */
  private int combined(List<TaggingModel> loaded) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<NerModel> binaries = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>();
    for (int i = 0; i < loaded.size(); i++) {
      if (!(loaded.get(i) instanceof NerModel binary)) {
        throw new UserError(
            models.get(i) + " is a typed model; only binary models are combined (give it alone)");
      }
      if (!types.add(binary.entity())) {
        throw new UserError("two of the models are of type " + binary.entity());
      }
      binaries.add(binary);
    }
    List<String> typeList = new ArrayList<>(types);
    if (baselineTrain != null) {
      throw new UserError("--baseline-train is for one model; score the baseline with it alone");
    }
    List<Sentence> sentences = Corpora.readLabelled(data, format.name, typeList, false, err);
    TypedScores scores =
        Evaluator.evaluateTyped(typeList, sentences, Tagging.combined(binaries, threshold.get()));
    report(scores, null, String.join(",", typeList) + " (binary models combined)");
    return 0;
  }

  private void report(TypedScores scores, TypedScores baseline, String what) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(new TypedResult(scores, baseline)));
      return;
    }
    out.printf(
        "%s on %s: %,d tokens in %,d sentences%n",
        what, data, scores.tokenCount(), scores.sentences());
    out.printf("  %-16s %-29s  %s%n", "", "strict entities (span, type)", "tokens (type)");
    out.printf(
        "  %-16s %9s %9s %9s  %9s %9s %9s%n",
        "", "precision", "recall", "F1", "precision", "recall", "F1");
    for (String type : scores.types()) {
      typedRow(out, type, scores.entities().byType().get(type), scores.tokens().byType().get(type));
    }
    typedRow(out, "overall", scores.entities().overall(), scores.tokens().overall());
    if (baseline != null) {
      typedRow(out, "baseline overall", baseline.entities().overall(), baseline.tokens().overall());
    }
  }

  /** What --json prints for one model: the scores, and those of the lookup baseline when asked. */
  private record Result(@JsonUnwrapped EntityScores scores, EntityScores baseline) {}

  /** What --json prints for a typed model or combined binary models. */
  private record TypedResult(@JsonUnwrapped TypedScores scores, TypedScores baseline) {}

  private static void typedRow(PrintWriter out, String name, Counts entity, Counts token) {
    out.printf(
        "  %-16s %9.4f %9.4f %9.4f  %9.4f %9.4f %9.4f%n",
        name,
        entity.precision(),
        entity.recall(),
        entity.f1(),
        token.precision(),
        token.recall(),
        token.f1());
  }

  private static void row(PrintWriter out, String name, EntityScores s) {
    row(out, name, s.token());
  }

  private static void row(PrintWriter out, String name, Counts c) {
    out.printf("  %-22s %9.4f %9.4f %9.4f%n", name, c.precision(), c.recall(), c.f1());
  }
}
