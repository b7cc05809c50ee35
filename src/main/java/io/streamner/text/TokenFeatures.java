package io.streamner.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The token features of a model beside its capitalisation class: each is a row of one learned
 * table, found by hashing a string of the token (its shape, a prefix, a suffix) into a bounded
 * number of buckets, so that the table has a fixed size whatever words the stream brings. A window
 * position's input is its word vector, its capitalisation vector and one vector per feature lookup
 * (eq. 55 of src/site/markdown/typed-model.md).
 *
 * <p>Rows of the table E: the {@link Capitalization} classes first (as in a model with
 * capitalisation features only), then the buckets. Per token the lookups are, in this order: its
 * capitalisation class; with {@link Kind#SHAPE} its shape; with {@link Kind#PREFIX} its first 2, 3
 * and 4 characters; with {@link Kind#SUFFIX} its last 2, 3 and 4 (lowercased; a shorter token gives
 * the whole token). The padding positions before and after the sentence have a key of their own per
 * lookup, which no token has.
 *
 * @param kinds the features on, in {@link Kind} order; empty: capitalisation only
 * @param buckets rows of the hashed part of E; ignored when {@code kinds} is empty
 */
public record TokenFeatures(Set<Kind> kinds, int buckets) implements java.io.Serializable {

  /**
   * The default number of buckets, large enough that collisions among the frequent keys are rare.
   */
  public static final int DEFAULT_BUCKETS = 2048;

  /** Affix lengths of {@link Kind#PREFIX} and {@link Kind#SUFFIX}. */
  private static final int[] AFFIX_LENGTHS = {2, 3, 4};

  /**
   * The key of the padding. No corpus token is a NUL (the corpus readers refuse NUL characters); a
   * streamed token that is one shares the padding's rows, which costs nothing but that collision.
   */
  private static final String PADDING_KEY = "\u0000";

  /**
   * FNV-1a states after "shape:" ({@code [SHAPE][0]}) and "prefix2:" .. "suffix4:" ({@code
   * [kind][length]}): a lookup's hash goes on from there over its key, with no string built.
   */
  private static final long[][] SEEDS = new long[Kind.values().length][5];

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;

  static {
    for (Kind k : Kind.values()) {
      if (k == Kind.SHAPE) SEEDS[k.ordinal()][0] = fnv1a64(FNV_OFFSET, k.key() + ':');
      else
        for (int n : AFFIX_LENGTHS) SEEDS[k.ordinal()][n] = fnv1a64(FNV_OFFSET, k.key() + n + ':');
    }
  }

  /** A feature beside the capitalisation class. */
  public enum Kind {
    /**
     * The token's characters mapped to X (upper case), x (lower case), d (digit) and themselves
     * (everything else), runs of one letter collapsed: {@code McDonald} XxXx, {@code 2016} d,
     * {@code @user_1} @x_d, {@code U.S.} X.X.
     */
    SHAPE,
    /** The first 2, 3 and 4 characters, lowercased: three lookups. */
    PREFIX,
    /** The last 2, 3 and 4 characters, lowercased: three lookups. */
    SUFFIX;

    @JsonValue
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a key such as {@code suffix}, case-insensitive. */
    @JsonCreator
    public static Kind of(String key) {
      for (Kind k : values()) if (k.key().equalsIgnoreCase(key.trim())) return k;
      throw new IllegalArgumentException(
          "unknown token feature '" + key + "'; known: shape, prefix, suffix");
    }

    int lookups() {
      return this == SHAPE ? 1 : AFFIX_LENGTHS.length;
    }
  }

  /** The most buckets: E stays an array of arrays a job can hold and a snapshot can carry. */
  public static final int MAX_BUCKETS = 1 << 20;

  public TokenFeatures {
    if (kinds == null) throw new IllegalArgumentException("token features need a list of kinds");
    if (buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "token feature buckets must be at most " + MAX_BUCKETS + ", got " + buckets);
    }
    kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
    if (!kinds.isEmpty() && buckets < 1) {
      throw new IllegalArgumentException("token feature buckets must be 1 or more, got " + buckets);
    }
    if (kinds.isEmpty()) buckets = 0;
  }

  /**
   * The features of a typed model with capitalisation features unless set: all three, in {@link
   * #DEFAULT_BUCKETS} buckets; chosen on btc.dev and WNUT-17 dev (src/site/markdown/accuracy.md).
   */
  public static TokenFeatures typedDefault() {
    return new TokenFeatures(EnumSet.allOf(Kind.class), DEFAULT_BUCKETS);
  }

  /** Capitalisation only: the table E of a model with capitalisation features and nothing else. */
  public static TokenFeatures none() {
    return new TokenFeatures(Set.of(), 0);
  }

  /** The kinds as the options spell them ({@code shape,suffix}), empty for none. */
  public String keys() {
    return String.join(",", kinds.stream().map(Kind::key).toList());
  }

  /** For messages: {@code none}, or {@code shape,suffix in 2048 buckets}. */
  public String describe() {
    return kinds.isEmpty() ? "none" : keys() + " in " + buckets + " buckets";
  }

  /** Rows of E: the capitalisation classes, then the buckets. */
  public int rows() {
    return Capitalization.values().length + buckets;
  }

  /**
   * F: rows of E each token (and each padding position) looks up, the capitalisation class's too.
   */
  public int lookups() {
    int f = 1;
    for (Kind k : kinds) f += k.lookups();
    return f;
  }

  /**
   * The rows of E of every token of a sentence: {@code result[t * F + i]} is lookup i of token t (F
   * = {@link #lookups()}, the order in the class comment).
   */
  public int[] rows(List<String> tokens) {
    int f = lookups();
    int[] rows = new int[tokens.size() * f];
    for (int t = 0; t < tokens.size(); t++) {
      String token = tokens.get(t);
      rows[t * f] = Capitalization.of(token).ordinal();
      fill(rows, t * f + 1, token);
    }
    return rows;
  }

  /** The rows of E of a padding position: F of them, as {@link #rows(List)} gives per token. */
  public int[] paddingRows() {
    int[] rows = new int[lookups()];
    rows[0] = Capitalization.PADDING.ordinal();
    fill(rows, 1, null);
    return rows;
  }

  /**
   * The hashed lookups of {@code token} (null: padding) into {@code rows} from {@code at}: the row
   * of a lookup is that of FNV-1a 64 over "feature:key" (e.g. "suffix3:ter"), after the
   * capitalisation classes.
   */
  private void fill(int[] rows, int at, String token) {
    String lower = token == null ? PADDING_KEY : token.toLowerCase(Locale.ROOT);
    int count = lower.codePointCount(0, lower.length());
    for (Kind k : kinds) {
      long[] seeds = SEEDS[k.ordinal()];
      if (k == Kind.SHAPE) {
        rows[at++] = bucket(fnv1a64(seeds[0], token == null ? PADDING_KEY : shape(token)));
        continue;
      }
      for (int length : AFFIX_LENGTHS) {
        int from = token == null ? 0 : affixFrom(lower, count, length, k == Kind.PREFIX);
        int to = token == null ? lower.length() : affixTo(lower, count, length, k == Kind.PREFIX);
        rows[at++] = bucket(fnv1a64(seeds[length], lower, from, to));
      }
    }
  }

  private int bucket(long hash) {
    return Capitalization.values().length + (int) Long.remainderUnsigned(hash, buckets);
  }

  /** The shape of {@link Kind#SHAPE}. */
  static String shape(String token) {
    StringBuilder shape = new StringBuilder();
    int last = -1;
    for (int i = 0; i < token.length(); ) {
      int cp = token.codePointAt(i);
      i += Character.charCount(cp);
      int s;
      if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) s = 'X';
      else if (Character.isLetter(cp)) s = 'x';
      else if (Character.isDigit(cp)) s = 'd';
      else s = cp;
      if (s != last || !(s == 'X' || s == 'x' || s == 'd')) shape.appendCodePoint(s);
      last = s;
    }
    return shape.toString();
  }

  /** The first or last {@code length} code points of {@code token}, or all of a shorter one. */
  static String affix(String token, int length, boolean prefix) {
    int count = token.codePointCount(0, token.length());
    return token.substring(
        affixFrom(token, count, length, prefix), affixTo(token, count, length, prefix));
  }

  /** Where {@link #affix} begins in {@code token} of {@code count} code points. */
  private static int affixFrom(String token, int count, int length, boolean prefix) {
    return prefix || count <= length ? 0 : token.offsetByCodePoints(0, count - length);
  }

  /** Where {@link #affix} ends in {@code token} of {@code count} code points. */
  private static int affixTo(String token, int count, int length, boolean prefix) {
    return prefix && count > length ? token.offsetByCodePoints(0, length) : token.length();
  }

  /** FNV-1a over UTF-16 units, on from state {@code h}: fixed by its definition, on every JVM. */
  private static long fnv1a64(long h, CharSequence s) {
    return fnv1a64(h, s, 0, s.length());
  }

  private static long fnv1a64(long h, CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /**
   * The kinds of a comma-separated list such as {@code shape,suffix}; empty for an empty list or
   * {@code none}.
   */
  public static Set<Kind> parse(String list) {
    List<Kind> kinds = new ArrayList<>();
    if (list.trim().equalsIgnoreCase("none")) return EnumSet.noneOf(Kind.class);
    for (String key : list.split(",")) if (!key.isBlank()) kinds.add(Kind.of(key));
    return kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
  }
}
