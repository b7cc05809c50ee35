package io.streamner.job;

import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.PretrainedVectors;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a model starts when its key is first seen: a model file named by {@code model.init.<TYPE>}
 * (trained offline or exported), else the job's hyper-parameters with the pretrained vectors of
 * {@code model.vectors} (or none): exactly what {@code streamner train} starts from, so the stream
 * and the offline trainer agree. Either way in the job's precision ({@code model.precision}).
 */
final class ModelSeeds {
  private final JobDefinition definition;
  private PretrainedVectors vectors;

  ModelSeeds(JobDefinition definition) {
    this.definition = definition;
  }

  TokenNormalizer normalizer() {
    return new TokenNormalizer(definition.numbers());
  }

  NerModel seed(String model) throws IOException {
    String init = definition.initModels().get(model);
    if (init != null) {
      NerModel m = ModelFile.read(Path.of(init));
      checkCompatible(m, init, definition, model);
      // A file of the other precision is converted: rounded to float once, or widened exactly.
      return m.in(definition.hyperparameters().precision());
    }
    Hyperparameters hp = definition.hyperparameters();
    PretrainedVectors v = vectors();
    Vocabulary vocabulary = Vocabulary.of(v == null ? List.of() : v.words());
    return NerModel.initialise(
        model,
        hp,
        normalizer(),
        vocabulary,
        WordVectors.initialise(vocabulary, v, hp.seed(), hp.dim()));
  }

  private PretrainedVectors vectors() throws IOException {
    if (vectors == null && definition.vectors() != null) {
      vectors = PretrainedVectors.readGlove(Path.of(definition.vectors()));
    }
    return vectors;
  }

  /** The stream trains with the job's settings: the model's shape must be the job's. */
  static void checkCompatible(NerModel m, String file, JobDefinition definition, String model) {
    Hyperparameters mine = definition.hyperparameters();
    Hyperparameters theirs = m.hyperparameters();
    if (!m.entity().equals(model)) {
      throw new IllegalArgumentException(
          file + " is a model for " + m.entity() + ", configured as " + model);
    }
    if (m.input().hasCapitals()) {
      throw new IllegalArgumentException(
          file + " has capitalisation features, which the streaming job does not train yet");
    }
    if (theirs.windowSize() != mine.windowSize()
        || theirs.dim() != mine.dim()
        || theirs.hidden() != mine.hidden()) {
      throw new IllegalArgumentException(
          file
              + " has C="
              + theirs.windowSize()
              + " n="
              + theirs.dim()
              + " H="
              + theirs.hidden()
              + " but the job definition says C="
              + mine.windowSize()
              + " n="
              + mine.dim()
              + " H="
              + mine.hidden());
    }
  }
}
