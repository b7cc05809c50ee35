package io.streamner.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The tag grammar shared by all corpus formats, and the mapping from tags to entity types.
 *
 * <p>Corpora spell the same entity differently ({@code I-PER} in CoNLL-2003, {@code B-person} in
 * WNUT-17, {@code PERSON} in the classic two-column data). The tagger trains one binary model per
 * entity type, so every tag is reduced to a canonical upper-case type with common aliases folded
 * together; a user then asks for {@code --entity PER} (or {@code person}) and gets the same tokens
 * on every corpus.
 *
 * <p>Grammar: a tag is {@code O}, or {@code PREFIX-TYPE} with PREFIX one of B, I, E, S, L, U (any
 * case), or a bare TYPE. A TYPE starts with an ASCII letter and is made of letters, digits and
 * {@code _}, optionally in several parts joined by single hyphens ({@code creative-work}). So
 * {@code 0}, {@code B-}, {@code -}, {@code X-Y-} and the empty string are not tags: they are what
 * broken annotation looks like and are reported by the reader instead of becoming an entity type
 * nobody asked for.
 */
public final class EntityTags {

  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*");
  private static final String PREFIXES = "BIESLU";

  private static final Map<String, String> ALIASES =
      Map.of(
          "PERSON",
          "PER",
          "PERS",
          "PER",
          "LOCATION",
          "LOC",
          "ORGANIZATION",
          "ORG",
          "ORGANISATION",
          "ORG",
          "MISCELLANEOUS",
          "MISC");

  /** A tag split into its position prefix (0 for none) and canonical type (null for O). */
  private record Parsed(char prefix, String type) {
    static final Parsed OUTSIDE = new Parsed('\0', null);
  }

  private EntityTags() {}

  /**
   * Whether {@code tag} follows the tag grammar. The reader uses this to reject stray labels such
   * as {@code 0} or {@code B-} that would otherwise become bogus entity types.
   */
  public static boolean isValidTag(String tag) {
    return parse(tag) != null;
  }

  /**
   * The canonical entity type of a tag: {@code B-person} and {@code I-PERSON} give {@code PER},
   * {@code B-creative-work} gives {@code CREATIVE-WORK}.
   *
   * @return the canonical upper-case type, or {@code null} for {@code O}
   * @throws IllegalArgumentException if the tag is not valid
   */
  public static String typeOf(String tag) {
    return parseOrThrow(tag).type();
  }

  /**
   * Validates and canonicalises an entity type given by a user ({@code --entity person} gives
   * {@code PER}), so that it can be compared with {@link #typeOf(String)}.
   *
   * @throws IllegalArgumentException with a message meant for the user when the value is empty,
   *     {@code O}, a full tag such as {@code B-PER}, or not a well-formed type name
   */
  public static String canonicalEntity(String entity) {
    if (entity == null || entity.isBlank()) {
      throw new IllegalArgumentException("entity type is empty; give one such as PER, LOC or ORG");
    }
    String e = entity.strip();
    if (e.equalsIgnoreCase("O")) {
      throw new IllegalArgumentException(
          "'O' marks tokens outside any entity; give an entity type such as PER");
    }
    if (hasPrefix(e) && TYPE.matcher(e.substring(2)).matches()) {
      throw new IllegalArgumentException(
          "'"
              + e
              + "' is a tag, not an entity type; give the type alone, e.g. '"
              + canonicalType(e.substring(2))
              + "'");
    }
    if (!TYPE.matcher(e).matches()) {
      throw new IllegalArgumentException(
          "invalid entity type '"
              + e
              + "': it must start with a letter and contain only letters, digits, '_' or single '-'");
    }
    return canonicalType(e);
  }

  /**
   * Whether a tag marks a token of the given entity type, ignoring case, position prefix and
   * aliases: for entity {@code PER}, the tags {@code PER}, {@code B-PER}, {@code I-PER}, {@code
   * PERSON}, {@code B-person} are all positive.
   *
   * @throws IllegalArgumentException if the tag or the entity is invalid
   */
  public static boolean isPositive(String tag, String entity) {
    return canonicalEntity(entity).equals(typeOf(tag));
  }

  /**
   * One label per token, 1 where the tag is of the given entity type and 0 elsewhere: the targets
   * of the binary tagger.
   *
   * @throws IllegalArgumentException if a tag or the entity is invalid
   */
  public static int[] binaryLabels(List<String> tags, String entity) {
    String wanted = canonicalEntity(entity);
    int[] labels = new int[tags.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = wanted.equals(typeOf(tags.get(i))) ? 1 : 0;
    }
    return labels;
  }

  /**
   * The mentions of one entity type in a tag sequence, for entity-level scoring.
   *
   * <p>Works for IOB1, BIO, IO and BIOES/BILOU without being told which scheme is in use: {@code
   * B-X} always starts a new mention; {@code I-X} and a bare {@code X} continue the open mention if
   * the previous token was of type X and start one otherwise (so {@code I-PER I-PER B-PER} is two
   * mentions, as IOB1 intends); {@code E-X}/{@code L-X} continue or start a mention and close it;
   * {@code S-X}/{@code U-X} are one-token mentions; any other tag closes the open mention.
   *
   * @throws IllegalArgumentException if a tag or the entity is invalid
   */
  public static List<Span> spans(List<String> tags, String entity) {
    String wanted = canonicalEntity(entity);
    List<Span> spans = new ArrayList<>();
    int open = -1;
    for (int i = 0; i < tags.size(); i++) {
      Parsed tag = parseOrThrow(tags.get(i));
      if (!wanted.equals(tag.type())) {
        open = close(spans, open, i);
        continue;
      }
      switch (tag.prefix()) {
        case 'B' -> {
          close(spans, open, i);
          open = i;
        }
        case 'S', 'U' -> {
          open = close(spans, open, i);
          spans.add(new Span(i, i + 1));
        }
        case 'E', 'L' -> {
          open = close(spans, open < 0 ? i : open, i + 1);
        }
        default -> { // I-X or bare X
          if (open < 0) {
            open = i;
          }
        }
      }
    }
    close(spans, open, tags.size());
    return spans;
  }

  /**
   * The mentions of every type in a tag sequence, in order: the typed counterpart of {@link
   * #spans}, with the same reading of IOB1, BIO, IO and BIOES/BILOU (a tag of another type closes
   * the open mention, as {@code O} does). {@code spans(tags, X)} equals the spans of the mentions
   * of type X.
   *
   * @throws IllegalArgumentException if a tag is invalid
   */
  public static List<Mention> mentions(List<String> tags) {
    List<Mention> mentions = new ArrayList<>();
    int open = -1;
    String openType = null;
    for (int i = 0; i < tags.size(); i++) {
      Parsed tag = parseOrThrow(tags.get(i));
      String type = tag.type();
      boolean continues = open >= 0 && type != null && type.equals(openType);
      char prefix = type == null ? '\0' : tag.prefix();
      if (!continues || prefix == 'B' || prefix == 'S' || prefix == 'U') {
        if (open >= 0) mentions.add(new Mention(openType, open, i));
        open = type == null ? -1 : i;
        openType = type;
      }
      if (prefix == 'S' || prefix == 'U' || prefix == 'E' || prefix == 'L') {
        mentions.add(new Mention(type, open, i + 1));
        open = -1;
        openType = null;
      }
    }
    if (open >= 0) mentions.add(new Mention(openType, open, tags.size()));
    return mentions;
  }

  /**
   * Maximal runs of positive tokens: the mentions predicted by a binary model, which has no notion
   * of where one mention ends and an adjacent one starts.
   */
  public static List<Span> spansOfPositives(boolean[] predicted) {
    List<Span> spans = new ArrayList<>();
    int open = -1;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i]) {
        if (open < 0) {
          open = i;
        }
      } else {
        open = close(spans, open, i);
      }
    }
    close(spans, open, predicted.length);
    return spans;
  }

  /**
   * BIO labels for the decisions of a binary tagger: a run of positive tokens becomes {@code B-TYPE
   * I-TYPE ...}, every other token {@code O}. Like {@link #spansOfPositives}, it cannot split
   * adjacent mentions.
   */
  public static String[] bioLabels(boolean[] positive, String type) {
    String[] labels = new String[positive.length];
    for (int i = 0; i < positive.length; i++) {
      labels[i] = !positive[i] ? "O" : (i > 0 && positive[i - 1] ? "I-" : "B-") + type;
    }
    return labels;
  }

  /**
   * Same as {@link #spansOfPositives(boolean[])} for 0/1 labels; any non-zero value is positive.
   */
  public static List<Span> spansOfPositives(int[] predicted) {
    boolean[] positive = new boolean[predicted.length];
    for (int i = 0; i < predicted.length; i++) {
      positive[i] = predicted[i] != 0;
    }
    return spansOfPositives(positive);
  }

  /**
   * Number of tokens per canonical entity type over the labelled sentences, most frequent first
   * ({@code O} is left out). The CLI prints this so that users can see which {@code --entity}
   * values a corpus supports before training.
   *
   * @throws IllegalArgumentException if a sentence holds an invalid tag
   */
  public static Map<String, Integer> countTypes(List<Sentence> sentences) {
    Map<String, Integer> counts = new HashMap<>();
    for (Sentence sentence : sentences) {
      if (!sentence.labelled()) {
        continue;
      }
      for (String tag : sentence.tags()) {
        String type = typeOf(tag);
        if (type != null) {
          counts.merge(type, 1, Integer::sum);
        }
      }
    }
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(sorted);
  }

  /** Adds the open span ending before {@code end}, if any; returns -1 (nothing open). */
  private static int close(List<Span> spans, int open, int end) {
    if (open >= 0) {
      spans.add(new Span(open, end));
    }
    return -1;
  }

  private static Parsed parseOrThrow(String tag) {
    Parsed parsed = parse(tag);
    if (parsed == null) {
      throw new IllegalArgumentException("invalid tag '" + tag + "'");
    }
    return parsed;
  }

  /** Splits a tag into prefix and canonical type; null when the tag is not valid. */
  private static Parsed parse(String tag) {
    if (tag == null) {
      return null;
    }
    if (tag.equalsIgnoreCase("O")) {
      return Parsed.OUTSIDE;
    }
    if (hasPrefix(tag)) {
      String type = tag.substring(2);
      if (!TYPE.matcher(type).matches() || type.equalsIgnoreCase("O")) {
        return null;
      }
      return new Parsed(Character.toUpperCase(tag.charAt(0)), canonicalType(type));
    }
    return TYPE.matcher(tag).matches() ? new Parsed('\0', canonicalType(tag)) : null;
  }

  private static boolean hasPrefix(String s) {
    return s.length() >= 2
        && s.charAt(1) == '-'
        && PREFIXES.indexOf(Character.toUpperCase(s.charAt(0))) >= 0;
  }

  private static String canonicalType(String type) {
    String upper = Objects.requireNonNull(type).toUpperCase(Locale.ROOT);
    return ALIASES.getOrDefault(upper, upper);
  }
}
