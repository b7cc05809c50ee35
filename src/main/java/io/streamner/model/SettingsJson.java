package io.streamner.model;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamner.text.TokenNormalizer;
import java.io.IOException;

/**
 * The "hyperparameters" and "normalizer" objects shared by the model file header and the snapshot
 * manifest, written by one piece of code so the two formats cannot drift apart.
 */
public final class SettingsJson {
  private SettingsJson() {}

  /**
   * Writes the fields {@code "hyperparameters": {...}, "normalizer": {...}} into the open object.
   */
  public static void write(JsonGenerator g, Hyperparameters hp, TokenNormalizer normalizer)
      throws IOException {
    g.writeObjectFieldStart("hyperparameters");
    g.writeNumberField("window_size", hp.windowSize());
    g.writeNumberField("dim", hp.dim());
    g.writeNumberField("hidden", hp.hidden());
    g.writeNumberField("learning_rate", hp.learningRate());
    g.writeNumberField("regularization", hp.regularization());
    g.writeNumberField("seed", hp.seed());
    g.writeEndObject();
    g.writeObjectFieldStart("normalizer");
    g.writeBooleanField("lowercase", true);
    g.writeBooleanField("numbers", normalizer.numbers());
    g.writeEndObject();
  }
}
