package io.streamner.job;

import io.streamner.text.EntityTags;
import io.streamner.text.TagSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Addresses each labelled sentence to every model, with that model's labels: a binary model's 0/1
 * per token, a typed model's tag ids in its {@link TagSet}. (Score requests never come here: the
 * scoring operator answers them from its replicas.)
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
    List<String> tags = Arrays.asList(sentence.tags);
    for (String model : models) out.collect(new ModelInput(model, sentence, labels(model, tags)));
  }

  private int[] labels(String model, List<String> tags) {
    TagSet typed = tagSets.get(model);
    return typed == null ? EntityTags.binaryLabels(tags, model) : typed.encode(tags);
  }
}
