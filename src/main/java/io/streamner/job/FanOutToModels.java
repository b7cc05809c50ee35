package io.streamner.job;

import io.streamner.text.EntityTags;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Addresses each sentence to the models that learn from it or answer it: a labelled sentence goes
 * to every model with that model's binary labels; a scoring request to every model, or to the
 * models it names (the parser has already checked that they exist).
 */
final class FanOutToModels implements FlatMapFunction<ParsedRecord, ModelInput> {
  private final List<String> models;

  FanOutToModels(List<String> models) {
    this.models = List.copyOf(models);
  }

  @Override
  public void flatMap(ParsedRecord sentence, Collector<ModelInput> out) {
    for (String model : models) {
      if (sentence.labelled()) {
        out.collect(
            new ModelInput(
                model, sentence, EntityTags.binaryLabels(Arrays.asList(sentence.tags), model)));
      } else if (sentence.models == null || Arrays.asList(sentence.models).contains(model)) {
        out.collect(new ModelInput(model, sentence, null));
      }
    }
  }
}
