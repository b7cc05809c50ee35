package io.streamner.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The tags a typed model chooses from: {@code O} and, for every entity type, the tags of a scheme.
 * The output layer of the typed network has one unit per tag, in this order:
 *
 * <pre>
 *   BIO:   O, B-T1, I-T1, B-T2, I-T2, ...
 *   BIOES: O, B-T1, I-T1, E-T1, S-T1, B-T2, ...
 * </pre>
 *
 * <p>BIO marks where a mention begins; BIOES also marks where it ends ({@code E-}) and single-token
 * mentions ({@code S-}). Gold tags of any scheme (IOB1, BIO, BIOES, bare types) are read into
 * mentions by {@link EntityTags#mentions} and written again in this set's scheme by {@link
 * #encode}, so a CoNLL-2003 file in IOB1 trains a BIO or BIOES model alike. Types outside the set
 * become {@code O}.
 *
 * <p>A decoded sequence must be well formed: in BIO, {@code I-X} only after {@code B-X} or {@code
 * I-X}; in BIOES moreover a mention is closed by {@code E-X} (or is one {@code S-X}) before
 * anything else follows. {@link #allowed}, {@link #canStart} and {@link #canEnd} say so for the
 * decoder.
 *
 * @param scheme how mentions are spelled in tags
 * @param types the canonical entity types ({@code PER}), in the order of the output layer
 */
public record TagSet(Scheme scheme, List<String> types) implements Serializable {

  /** How a mention is spelled in tags. */
  public enum Scheme {
    /** B- on a mention's first token, I- on the others. */
    BIO("BI"),
    /** B-, I-, E- on the last token of a longer mention, S- on a single-token mention. */
    BIOES("BIES");

    private final String prefixes;

    Scheme(String prefixes) {
      this.prefixes = prefixes;
    }

    /** Tags per type. */
    public int width() {
      return prefixes.length();
    }

    /** BIO or BIOES, any case. */
    public static Scheme parse(String name) {
      try {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown tag scheme '" + name + "'; use BIO or BIOES");
      }
    }
  }

  /** Id of {@code O}. */
  public static final int OUTSIDE = 0;

  /**
   * @throws IllegalArgumentException when there is no type, a type is not a canonical type, or a
   *     type is given twice
   */
  public TagSet {
    Objects.requireNonNull(scheme, "scheme");
    types = List.copyOf(types);
    if (types.isEmpty()) throw new IllegalArgumentException("a tag set needs an entity type");
    if (new LinkedHashSet<>(types).size() != types.size()) {
      throw new IllegalArgumentException("an entity type is given twice: " + types);
    }
    for (String type : types) {
      if (!EntityTags.canonicalEntity(type).equals(type)) {
        throw new IllegalArgumentException(
            "'" + type + "' is not canonical; write " + EntityTags.canonicalEntity(type));
      }
    }
  }

  /** The tag set of these types (any spelling: person, B-PER is refused), in the given order. */
  public static TagSet of(Scheme scheme, List<String> types) {
    List<String> canonical = new ArrayList<>();
    for (String type : types) canonical.add(EntityTags.canonicalEntity(type));
    return new TagSet(scheme, canonical);
  }

  /** K: the number of tags, the output units of the network. */
  public int size() {
    return 1 + scheme.width() * types.size();
  }

  /** Every tag in id order: {@code O}, {@code B-PER}, {@code I-PER}, ... */
  public List<String> tags() {
    List<String> tags = new ArrayList<>(size());
    for (int id = 0; id < size(); id++) tags.add(tag(id));
    return tags;
  }

  /** The tag of an id, e.g. {@code B-PER}. */
  public String tag(int id) {
    return id == OUTSIDE ? "O" : prefix(id) + "-" + type(id);
  }

  /** The entity type of an id, or null for {@code O}. */
  public String type(int id) {
    checkId(id);
    return id == OUTSIDE ? null : types.get((id - 1) / scheme.width());
  }

  /** B, I, E or S; {@code 'O'} for {@code O}. */
  public char prefix(int id) {
    checkId(id);
    return id == OUTSIDE ? 'O' : scheme.prefixes.charAt((id - 1) % scheme.width());
  }

  /** The id of prefix + type, or -1 when the type is not in the set. */
  private int id(char prefix, String type) {
    int t = types.indexOf(type);
    return t < 0 ? -1 : 1 + t * scheme.width() + scheme.prefixes.indexOf(prefix);
  }

  /**
   * The gold tags of a sentence, in any scheme, as tag ids of this set: its mentions (of the set's
   * types; others become O) spelled in this set's scheme.
   *
   * @throws IllegalArgumentException if a tag is invalid
   */
  public int[] encode(List<String> tags) {
    int[] ids = new int[tags.size()];
    for (Mention m : EntityTags.mentions(tags)) {
      if (!types.contains(m.type())) continue;
      boolean single = m.end() - m.start() == 1;
      if (scheme == Scheme.BIOES && single) {
        ids[m.start()] = id('S', m.type());
        continue;
      }
      ids[m.start()] = id('B', m.type());
      for (int t = m.start() + 1; t < m.end(); t++) ids[t] = id('I', m.type());
      if (scheme == Scheme.BIOES) ids[m.end() - 1] = id('E', m.type());
    }
    return ids;
  }

  /** The tags of tag ids. */
  public List<String> labels(int[] ids) {
    List<String> labels = new ArrayList<>(ids.length);
    for (int id : ids) labels.add(tag(id));
    return labels;
  }

  /**
   * The mentions of a sequence of tag ids. A well-formed sequence (what the decoder gives) has one
   * reading; any other is read as conlleval reads it ({@link EntityTags#mentions}).
   */
  public List<Mention> mentions(int[] ids) {
    return EntityTags.mentions(labels(ids));
  }

  /** Whether tag {@code next} may follow tag {@code previous} in a well-formed sequence. */
  public boolean allowed(int previous, int next) {
    char p = prefix(previous);
    char n = prefix(next);
    boolean continues = n == 'I' || n == 'E';
    boolean inside = p == 'B' || p == 'I';
    if (continues) return inside && type(previous).equals(type(next));
    // O, B or S: in BIOES an open mention must have been closed first
    return scheme == Scheme.BIO || !inside;
  }

  /** Whether a sentence may begin with this tag (not in the middle of a mention). */
  public boolean canStart(int id) {
    char p = prefix(id);
    return p != 'I' && p != 'E';
  }

  /** Whether a sentence may end with this tag (BIOES: not inside an unclosed mention). */
  public boolean canEnd(int id) {
    char p = prefix(id);
    return scheme == Scheme.BIO || (p != 'B' && p != 'I');
  }

  private void checkId(int id) {
    if (id < 0 || id >= size()) {
      throw new IllegalArgumentException("tag id " + id + " outside 0.." + (size() - 1));
    }
  }
}
