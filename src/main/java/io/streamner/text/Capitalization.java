package io.streamner.text;

import java.util.Locale;

/**
 * The capitalisation class of a token: what lowercasing (see {@link TokenNormalizer}) takes away
 * from the word, and the strongest single signal for names ({@code Paris}/{@code paris}, {@code
 * US}/{@code us}). A model with capitalisation features learns one vector per class and appends the
 * class's vector to each word vector of the window.
 *
 * <p>The classes look at the token's letters only, so {@code @Obama} and {@code #Paris} are {@link
 * #INITIAL_UPPER} like {@code Obama}:
 *
 * <ul>
 *   <li>{@link #LOWER}: no upper-case letter ({@code paris}; letters without case count as lower);
 *   <li>{@link #INITIAL_UPPER}: the first letter upper case, the others lower ({@code Paris}, a
 *       one-letter {@code I});
 *   <li>{@link #ALL_UPPER}: two or more letters, all upper case ({@code US}, {@code NASA});
 *   <li>{@link #MIXED}: an upper-case letter after the first ({@code iPhone}, {@code McDonald},
 *       {@code BarackObama});
 *   <li>{@link #NO_LETTERS}: punctuation, numbers, emoji ({@code 2016}, {@code :)});
 *   <li>{@link #PADDING}: the window positions before and after the sentence ({@code <s>}, {@code
 *       </s>}), which are no token at all.
 * </ul>
 *
 * <p>These are the classes of Collobert et al. (2011) and of the issue that asked for the feature,
 * with all-upper and mixed kept apart (acronyms and camel-case user names behave differently in
 * tweets) and padding given its own class, as the padding words have their own vectors.
 */
public enum Capitalization {
  LOWER,
  INITIAL_UPPER,
  ALL_UPPER,
  MIXED,
  NO_LETTERS,
  PADDING;

  /** The class of a token as written (before lowercasing). */
  public static Capitalization of(String token) {
    int letters = 0;
    boolean firstUpper = false;
    boolean laterUpper = false;
    boolean anyLower = false;
    for (int i = 0; i < token.length(); ) {
      int cp = token.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) continue;
      boolean upper = Character.isUpperCase(cp) || Character.isTitleCase(cp);
      if (letters == 0) firstUpper = upper;
      else if (upper) laterUpper = true;
      if (!upper) anyLower = true;
      letters++;
    }
    if (letters == 0) return NO_LETTERS;
    if (!firstUpper && !laterUpper) return LOWER;
    if (!anyLower && letters >= 2) return ALL_UPPER;
    return laterUpper ? MIXED : INITIAL_UPPER;
  }

  /** The class of every token of a sentence, as ids (ordinals). */
  public static int[] of(java.util.List<String> tokens) {
    int[] ids = new int[tokens.size()];
    for (int t = 0; t < ids.length; t++) ids[t] = of(tokens.get(t)).ordinal();
    return ids;
  }

  /** The name in files: {@code initial_upper}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
