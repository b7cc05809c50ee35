package io.streamner.kafka.wire;

import io.streamner.text.Checks;
import io.streamner.text.SentenceJson;
import java.util.List;

/**
 * One labelled sentence on the {@code train} topic: the job first scores it (the prequential "test"
 * step, reported on {@code predictions}) and then trains every model on it.
 *
 * <p>Wire form ({@code schemas/train.schema.json}): {@code {"id": "tweet-17", "tokens":
 * ["I","met","Anna"], "tags": ["O","O","B-PER"], "event_time": 1764115200000}}.
 *
 * @param id the sender's identifier, echoed in every prediction so results can be joined back
 * @param tokens the tokens, at least one, none blank
 * @param tags one valid tag per token ({@link io.streamner.text.EntityTags#isValidTag(String)})
 * @param eventTime when the sentence was written, epoch milliseconds, or {@code null} if unknown
 */
public record TrainRecord(String id, List<String> tokens, List<String> tags, Long eventTime) {

  /**
   * Enforces the same rules as the parser, so a producer cannot encode a record that the job would
   * reject, and copies the lists so the record cannot change after it was checked.
   *
   * @throws IllegalArgumentException naming the first broken rule
   * @throws NullPointerException if a list holds null
   */
  public TrainRecord {
    Checks.require(Checks.text(id, "id"));
    Checks.require(Checks.tokens(tokens, "tokens"));
    tokens = List.copyOf(tokens);
    Checks.require(tags == null ? "tags is missing" : null);
    tags = List.copyOf(tags);
    if (tags.size() != tokens.size()) {
      throw new IllegalArgumentException(SentenceJson.lengthMismatch(tokens.size(), tags.size()));
    }
    for (int i = 0; i < tags.size(); i++) {
      Checks.require(Checks.tag(tags.get(i), "tags", i));
    }
    Checks.require(Checks.eventTime(eventTime));
  }
}
