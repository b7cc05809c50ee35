package io.streamner.kafka.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.streamner.text.Checks;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One sentence on the {@code score} topic: tag it with the current models and report the result on
 * {@code predictions}; nothing is trained.
 *
 * <p>On the wire the sentence is either {@code tokens} or raw {@code text}; text is split by {@link
 * io.streamner.text.SimpleTokenizer} while parsing, so the record always holds tokens and the
 * prediction shows the user exactly which tokens were tagged. Wire form ({@code
 * schemas/score.schema.json}): {@code {"id": "q-1", "text": "Anna met Bob in Porto.", "models":
 * ["PER"]}}.
 *
 * @param id the sender's identifier, echoed in every prediction
 * @param tokens the tokens, at least one, none blank
 * @param models canonical entity types of the models that should answer; empty means every model
 * @param eventTime when the sentence was written, epoch milliseconds, or {@code null} if unknown
 */
public record ScoreRecord(
    String id,
    List<String> tokens,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> models,
    Long eventTime) {

  /**
   * Enforces the parser's rules and copies the lists; a {@code null} models list means every model,
   * like an empty one, and a model named twice is kept once.
   *
   * @throws IllegalArgumentException naming the first broken rule
   */
  public ScoreRecord {
    Checks.require(Checks.text(id, "id"));
    Checks.require(Checks.tokens(tokens, "tokens"));
    tokens = List.copyOf(tokens);
    models = models == null ? List.of() : List.copyOf(new LinkedHashSet<>(models));
    if (models.size() > Checks.MAX_MODELS) {
      throw new IllegalArgumentException(Checks.tooManyModels(models.size()));
    }
    for (int i = 0; i < models.size(); i++) {
      Checks.require(Checks.model(models.get(i), "models[" + i + "]"));
    }
    Checks.require(Checks.eventTime(eventTime));
  }

  /** Whether the model for this entity type should answer this request. */
  public boolean asks(String model) {
    return models.isEmpty() || models.contains(model);
  }
}
