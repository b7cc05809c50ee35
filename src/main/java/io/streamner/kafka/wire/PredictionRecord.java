package io.streamner.kafka.wire;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.streamner.text.Checks;
import io.streamner.text.EntityTags;
import java.util.List;
import java.util.Objects;

/**
 * What one model says about one input sentence, on the {@code predictions} topic.
 *
 * <p>For a {@code train} input each token's probability comes from the model just before it trains
 * on that token's window (test-then-train per window), and the record carries the gold tags, so the
 * topic is the prequential (test-then-train) evaluation record: accuracy over time can be computed
 * from it alone. For a {@code score} input there is no gold.
 *
 * @param id the input's id
 * @param kind {@link #TRAIN} or {@link #SCORE}: the topic the input came from
 * @param model the canonical entity type of the model that answered, e.g. {@code PER}
 * @param modelVersion the snapshot version the model was at (the last manifest it wrote)
 * @param examplesSeen training windows the model had seen when it predicted
 * @param tokens the tokens tagged (for text input, as {@link io.streamner.text.SimpleTokenizer}
 *     split them)
 * @param labels one label per token: {@code B-PER}, {@code I-PER} or {@code O}
 * @param probabilities one probability per token that it is of the model's type, in [0, 1]
 * @param gold the input's tags for kind {@code train}, {@code null} for {@code score}
 * @param eventTime the input's event time, or {@code null} if it had none
 * @param processedAt when the job made the prediction, epoch milliseconds
 * @param version the record's format: {@code null} (format 1, a binary model's prediction, as
 *     before typed models) or {@link #TYPED_VERSION} (a typed model's: its labels are tags of its
 *     tag set, each probability is that of the token's tag, and {@code entities} lists the
 *     mentions)
 * @param entities format 2 only: the mentions the labels spell, each with its type and score
 */
public record PredictionRecord(
    String id,
    String kind,
    String model,
    long modelVersion,
    long examplesSeen,
    List<String> tokens,
    List<String> labels,
    double[] probabilities,
    @JsonSetter(nulls = Nulls.SET) List<String> gold,
    Long eventTime,
    long processedAt,
    @JsonSetter(nulls = Nulls.SET) Integer version,
    @JsonSetter(nulls = Nulls.SET) List<Entity> entities) {

  /** Kind of a prediction made on a {@code train} input (it has gold tags). */
  public static final String TRAIN = "train";

  /** Kind of a prediction made on a {@code score} input. */
  public static final String SCORE = "score";

  /** The {@code version} of a typed model's prediction: with {@code entities}. */
  public static final int TYPED_VERSION = 2;

  /**
   * One mention in a typed model's prediction, as {@code streamner tag --json} writes it.
   *
   * @param start its first token
   * @param end one past its last token
   * @param type its canonical entity type
   * @param text its tokens joined by spaces
   * @param score the mean probability of its tokens' tags, in [0, 1]
   */
  public record Entity(int start, int end, String type, String text, double score) {
    /**
     * @throws IllegalArgumentException when the type is not canonical or the score not in [0, 1]
     */
    public Entity {
      if (type == null || !EntityTags.canonicalEntity(type).equals(type)) {
        throw new IllegalArgumentException("entity type " + type + " is not a canonical type");
      }
      Objects.requireNonNull(text, "text");
      if (!(score >= 0 && score <= 1)) {
        throw new IllegalArgumentException("entity score " + score + " is not in [0, 1]");
      }
    }
  }

  /**
   * Checks that the parallel lists line up, that every probability is a probability (a NaN means
   * the model diverged, which must be seen, not published) and that gold is present exactly for
   * train input; copies lists and the array.
   *
   * @throws IllegalArgumentException naming the first broken rule
   */
  public PredictionRecord {
    Checks.require(Checks.text(id, "id"));
    if (!TRAIN.equals(kind) && !SCORE.equals(kind)) {
      throw new IllegalArgumentException(
          "kind must be \"train\" or \"score\", got "
              + (kind == null ? "null" : Checks.quote(kind)));
    }
    Checks.require(Checks.model(model, "model"));
    NonNegative.require(
        "model_version, examples_seen and processed_at", modelVersion, examplesSeen, processedAt);
    Checks.require(Checks.tokens(tokens, "tokens"));
    tokens = List.copyOf(tokens);
    labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
    probabilities = Objects.requireNonNull(probabilities, "probabilities").clone();
    if (labels.size() != tokens.size() || probabilities.length != tokens.size()) {
      throw new IllegalArgumentException(
          "tokens, labels and probabilities differ in length ("
              + tokens.size()
              + ", "
              + labels.size()
              + ", "
              + probabilities.length
              + ")");
    }
    for (int i = 0; i < labels.size(); i++) {
      Checks.require(Checks.tag(labels.get(i), "labels", i));
      if (!(probabilities[i] >= 0 && probabilities[i] <= 1)) {
        throw new IllegalArgumentException(
            "probabilities[" + i + "] is " + probabilities[i] + ", not in [0, 1]");
      }
    }
    if (TRAIN.equals(kind) != (gold != null)) {
      throw new IllegalArgumentException(
          "gold tags belong to kind \"train\" and only to it (kind is \"" + kind + "\")");
    }
    if (gold != null) {
      gold = List.copyOf(gold);
      if (gold.size() != tokens.size()) {
        throw new IllegalArgumentException(
            "gold has " + gold.size() + " tags for " + tokens.size() + " tokens");
      }
      for (int i = 0; i < gold.size(); i++) {
        Checks.require(Checks.tag(gold.get(i), "gold", i));
      }
    }
    Checks.require(Checks.eventTime(eventTime));
    if (version != null && version != 1 && version != TYPED_VERSION) {
      throw new IllegalArgumentException(
          "version must be 1 or " + TYPED_VERSION + " (or absent), got " + version);
    }
    boolean typed = version != null && version == TYPED_VERSION;
    if (typed != (entities != null)) {
      throw new IllegalArgumentException(
          "entities belong to version "
              + TYPED_VERSION
              + " and only to it (version is "
              + version
              + ")");
    }
    if (entities != null) {
      entities = List.copyOf(entities);
      for (Entity e : entities) {
        if (e.start() < 0 || e.end() <= e.start() || e.end() > tokens.size()) {
          throw new IllegalArgumentException(
              "entity ["
                  + e.start()
                  + ", "
                  + e.end()
                  + ") is not a span of the "
                  + tokens.size()
                  + " tokens");
        }
      }
    }
  }

  /** The array itself, not a copy: it is read per token on a hot path. Do not modify it. */
  @Override
  public double[] probabilities() {
    return probabilities;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PredictionRecord p
        && id.equals(p.id)
        && kind.equals(p.kind)
        && model.equals(p.model)
        && modelVersion == p.modelVersion
        && examplesSeen == p.examplesSeen
        && tokens.equals(p.tokens)
        && labels.equals(p.labels)
        && Doubles.sameBits(probabilities, p.probabilities)
        && Objects.equals(gold, p.gold)
        && Objects.equals(eventTime, p.eventTime)
        && processedAt == p.processedAt
        && Objects.equals(version, p.version)
        && Objects.equals(entities, p.entities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                id,
                kind,
                model,
                modelVersion,
                examplesSeen,
                tokens,
                labels,
                gold,
                eventTime,
                processedAt,
                version,
                entities)
            * 31
        + Doubles.hash(probabilities);
  }
}
