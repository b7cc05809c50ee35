package io.streamner.job;

import io.streamner.model.Hyperparameters;
import io.streamner.model.NerModel;
import io.streamner.model.Precision;
import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import io.streamner.model.WindowInput;
import io.streamner.model.WordVectors;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.PretrainedVectors;
import io.streamner.text.TagSet;
import io.streamner.text.TokenFeatures;
import io.streamner.text.TokenNormalizer;
import io.streamner.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a model starts when its key is first seen: a model file named by {@code model.init.<TYPE>}
 * (trained offline or exported), else the job's hyper-parameters with the pretrained vectors of
 * {@code model.vectors} (or none): exactly what {@code streamner train} starts from, so the stream
 * and the offline trainer agree. A binary model is in the job's precision ({@code
 * model.precision}). A typed model ({@code LOC+ORG}) starts as {@code train --types} does: its tag
 * set in {@code model.tag-scheme}, capitalisation vectors of {@code model.caps-dim} values drawn
 * from the seed; in the job's precision too (a float model rounds the double start once, as {@code
 * train --types --precision float} does).
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

  /** A binary model's seed ({@link NerModel}) or a typed model's ({@link TypedModel}). */
  TaggingModel seed(String model) throws IOException {
    String init = definition.initModels().get(model);
    if (init != null) {
      TaggingModel m = ModelFile.readModel(Path.of(init));
      checkCompatible(m, init, definition, model);
      // A file of the other precision is converted to the job's (rounded to float once, or
      // widened exactly).
      Precision precision = definition.hyperparameters().precision();
      return m instanceof NerModel binary ? binary.in(precision) : ((TypedModel) m).in(precision);
    }
    Hyperparameters hp = definition.hyperparameters();
    PretrainedVectors v = vectors();
    Vocabulary vocabulary = Vocabulary.of(v == null ? List.of() : v.words());
    double[][] l = WordVectors.initialise(vocabulary, v, hp.seed(), hp.dim());
    TagSet tagSet = definition.tagSet(model);
    if (tagSet == null) return NerModel.initialise(model, hp, normalizer(), vocabulary, l);
    int k = definition.typed().capitalizationDim();
    Hyperparameters typedHp =
        hp.withPrecision(Precision.DOUBLE).withTokenFeatures(definition.typed().tokenFeatures());
    WindowInput input =
        new WindowInput(
            typedHp,
            normalizer(),
            vocabulary,
            l,
            WindowInput.initialCapitals(typedHp.features(), k, hp.seed()));
    return TypedModel.initialise(tagSet, input.in(hp.precision()));
  }

  private PretrainedVectors vectors() throws IOException {
    if (vectors == null && definition.vectors() != null) {
      vectors = PretrainedVectors.readGlove(Path.of(definition.vectors()));
    }
    return vectors;
  }

  /**
   * The stream trains with the job's settings: the model's kind, types and shape must be the job's
   * (a typed model's tag set and capitalisation features included).
   */
  static void checkCompatible(TaggingModel m, String file, JobDefinition definition, String model) {
    TagSet tagSet = definition.tagSet(model);
    String kind =
        m instanceof TypedModel t
            ? "a typed model of " + t.tagSet().tags()
            : "a binary model for " + m.types().get(0);
    boolean sameKind =
        tagSet == null
            ? m instanceof NerModel n && n.entity().equals(model)
            : m instanceof TypedModel t && t.tagSet().equals(tagSet);
    if (!sameKind) {
      throw new IllegalArgumentException(
          file
              + " is "
              + kind
              + ", configured as "
              + (tagSet == null
                  ? "the binary model " + model
                  : "the typed model " + model + " of " + tagSet.tags()));
    }
    Hyperparameters mine = definition.hyperparameters();
    Hyperparameters theirs = m.input().hyperparameters();
    int k = tagSet == null ? 0 : definition.typed().capitalizationDim();
    TokenFeatures features = definition.hyperparameters(tagSet != null).features();
    if (!theirs.features().equals(features)) {
      throw new IllegalArgumentException(
          file
              + " has the token features "
              + theirs.features().describe()
              + " but the job definition says "
              + features.describe()
              + " (model.token-features, model.feature-buckets)");
    }
    if (theirs.windowSize() != mine.windowSize()
        || theirs.dim() != mine.dim()
        || theirs.hidden() != mine.hidden()
        || m.input().capitalizationDim() != k) {
      throw new IllegalArgumentException(
          file
              + " has C="
              + theirs.windowSize()
              + " n="
              + theirs.dim()
              + " H="
              + theirs.hidden()
              + " k="
              + m.input().capitalizationDim()
              + " but the job definition says C="
              + mine.windowSize()
              + " n="
              + mine.dim()
              + " H="
              + mine.hidden()
              + " k="
              + k
              + (tagSet == null ? " (binary models have no capitalisation features)" : ""));
    }
  }
}
