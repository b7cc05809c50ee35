package io.streamner.job;

import io.streamner.text.EntityTags;
import io.streamner.text.TagSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Addresses each sentence to the models that learn from it or answer it: a labelled sentence goes
 * to every model with that model's labels (a binary model's 0/1 per token, a typed model's tag ids
 * in its {@link TagSet}); a scoring request to every model, or to the models it names (the parser
 * has already checked that they exist).
 *
 * <p>A typed model learns the mentions of its own types: a mention of any other type is {@code O}
 * to it, as to {@code train --types}, and as it is negative to a binary model of another type. So
 * one train topic can feed binary and typed models of different types alike.
 */
final class FanOutToModels implements FlatMapFunction<ParsedRecord, ModelInput> {
  private final List<String> models;

  /** The tag sets of the typed models among {@link #models}. */
  private final HashMap<String, TagSet> tagSets = new HashMap<>();

  FanOutToModels(List<String> models, JobDefinition.TypedSettings typed) {
    this.models = List.copyOf(models);
    for (String model : models) {
      TagSet tags = typed.tagSet(model);
      if (tags != null) tagSets.put(model, tags);
    }
  }

  FanOutToModels(JobDefinition definition) {
    this(definition.models(), definition.typed());
  }

  @Override
  public void flatMap(ParsedRecord sentence, Collector<ModelInput> out) {
    List<String> tags = sentence.labelled() ? Arrays.asList(sentence.tags) : null;
    for (String model : models) {
      if (tags != null) {
        out.collect(new ModelInput(model, sentence, labels(model, tags)));
      } else if (sentence.models == null || Arrays.asList(sentence.models).contains(model)) {
        out.collect(new ModelInput(model, sentence, null));
      }
    }
  }

  private int[] labels(String model, List<String> tags) {
    TagSet typed = tagSets.get(model);
    return typed == null ? EntityTags.binaryLabels(tags, model) : typed.encode(tags);
  }
}
