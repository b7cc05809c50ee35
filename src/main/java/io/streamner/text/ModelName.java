package io.streamner.text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The name of a model in the streaming job: one canonical entity type for a binary model ({@code
 * PER}), or two or more joined by {@code +} for a typed model ({@code LOC+ORG+MISC}, one softmax
 * over {@code O} and the tags of each type, in that order). The name is the model's key in state
 * and on every topic, so it must be spelled one way: each type canonical, none twice.
 */
public final class ModelName {
  /** Joins the types of a typed model's name. */
  public static final String SEPARATOR = "+";

  private ModelName() {}

  /**
   * The canonical name of a model as a user writes it: {@code person} gives {@code PER}, {@code loc
   * + organization} gives {@code LOC+ORG}.
   *
   * @throws IllegalArgumentException with a message for the user when a part is not an entity type
   *     or a typed model names a type twice
   */
  public static String canonical(String name) {
    if (name == null || !name.contains(SEPARATOR)) return EntityTags.canonicalEntity(name);
    return String.join(SEPARATOR, types(name));
  }

  /** Whether the name is that of a typed model (types joined by {@code +}). */
  public static boolean isTyped(String name) {
    return name.contains(SEPARATOR);
  }

  /**
   * The canonical entity types a model name holds, in order: one for a binary model.
   *
   * @throws IllegalArgumentException as {@link #canonical}
   */
  public static List<String> types(String name) {
    if (!name.contains(SEPARATOR)) return List.of(EntityTags.canonicalEntity(name));
    List<String> types = new ArrayList<>();
    for (String part : name.split("\\+", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            "'"
                + name.strip()
                + "' has an empty part: a typed model joins two or more entity types with '+',"
                + " e.g. LOC+ORG+MISC");
      }
      types.add(EntityTags.canonicalEntity(part));
    }
    if (new LinkedHashSet<>(types).size() != types.size()) {
      throw new IllegalArgumentException(
          "'" + name.strip() + "' names an entity type twice: " + String.join(SEPARATOR, types));
    }
    return types;
  }
}
