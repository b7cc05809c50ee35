package io.streamner.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits raw text from the {@code score} topic into tokens, close to how the training corpora
 * (tweets, news) are tokenised, so that a user can send a sentence without tokenising it.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>Split on white space (anything {@link Character#isWhitespace} or {@link
 *       Character#isSpaceChar} calls space, so no-break spaces too).
 *   <li>A piece made only of punctuation stays whole: {@code ...}, {@code ?!}, {@code :-)}.
 *   <li>Otherwise punctuation is split off the front and the back, a run of the same character
 *       being one token ({@code "(Anna!!)"} gives {@code ( Anna !! )}); closing brackets go one at
 *       a time. Punctuation means the Unicode categories Pd, Ps, Pe, Pi, Pf and Po; {@code _},
 *       {@code $}, {@code +}, {@code <} and emoji are not punctuation.
 *   <li>A possessive or contracted {@code 's} ({@code ’s}) is split off the word before it: {@code
 *       Obama's} gives {@code Obama 's}, as both training corpora (BTC and WNUT-17) write it. Other
 *       contractions ({@code don't}, {@code I'm}) stay whole: BTC splits them, WNUT-17 mostly does
 *       not.
 *   <li>Except what must stay whole: a {@code @mention} or {@code #hashtag} keeps its sign; a
 *       number keeps a leading {@code +} or {@code -} and a trailing {@code %} ({@code -3.5},
 *       {@code 50%}); a URL ({@code http://}, {@code https://}, {@code www.}) keeps a trailing
 *       {@code /}; an abbreviation of single letters keeps its last dot ({@code U.S.}, {@code
 *       e.g.}); a closing bracket stays when the piece opens it ({@code f(x)}, {@code
 *       https://en.wikipedia.org/wiki/Anna_(name)}).
 * </ol>
 *
 * Punctuation inside a piece is never split (but for {@code 's}), so e-mail addresses, URLs,
 * numbers such as {@code 3.5} and {@code 1,000}, and words such as {@code don't} or {@code e-mail}
 * stay whole. A mention stays one token ({@code @anna}), as in WNUT-17 and in Twitter tokenisers;
 * the Broad Twitter Corpus writes {@code @} and the name as two tokens (and tags them as two
 * mentions), so a model trained on it sees a whole mention as one rare word.
 */
public final class SimpleTokenizer {

  private static final List<String> URL_PREFIXES = List.of("http://", "https://", "www.");
  private static final String OPENERS = "([{";
  private static final String CLOSERS = ")]}";

  private SimpleTokenizer() {}

  /** The tokens of the text, in order; empty for blank text. */
  public static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    tokenize(text, tokens::add);
    return tokens;
  }

  /**
   * Streams the tokens to a consumer, so a caller can count a huge text's tokens without keeping
   * them all.
   */
  static void tokenize(String text, Consumer<String> sink) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (isSpace(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (i < n && !isSpace(cp = text.codePointAt(i))) {
        i += Character.charCount(cp);
      }
      piece(text.substring(start, i), sink);
    }
  }

  /**
   * One white-space-free piece: punctuation peeled off both ends, the core kept whole. Linear in
   * the piece's length whatever it holds (a 10 MB piece of {@code .,.,.,} included): the bracket
   * counts are kept up to date as runs are peeled instead of recounted.
   */
  private static void piece(String s, Consumer<String> sink) {
    if (s.codePoints().allMatch(SimpleTokenizer::isPunctuation) || isClitic(s, 0, s.length())) {
      sink.accept(s);
      return;
    }
    int begin = 0;
    while (isPunctuation(s.codePointAt(begin)) && !startsWhole(s, begin)) {
      int end = runEnd(s, begin);
      sink.accept(s.substring(begin, end));
      begin = end;
    }
    int[] brackets = new int[OPENERS.length() + CLOSERS.length()];
    for (int i = begin; i < s.length(); i++) {
      int b = (OPENERS + CLOSERS).indexOf(s.charAt(i));
      if (b >= 0) {
        brackets[b]++;
      }
    }
    boolean url = isUrl(s, begin);
    Deque<String> trailing = new ArrayDeque<>();
    int end = s.length();
    while (end > begin
        && isPunctuation(s.codePointBefore(end))
        && !endsWhole(s, begin, end, url, brackets)) {
      // A closing bracket goes alone: in "f(x))" one of the two belongs to the core.
      int start = CLOSERS.indexOf(s.charAt(end - 1)) >= 0 ? end - 1 : runStart(s, begin, end);
      int b = (OPENERS + CLOSERS).indexOf(s.charAt(start));
      if (b >= 0) {
        brackets[b] -= end - start;
      }
      trailing.push(s.substring(start, end));
      end = start;
    }
    int word = !url && end - begin > 2 && isClitic(s, end - 2, end) ? end - 2 : end;
    if (word > begin) {
      sink.accept(s.substring(begin, word));
    }
    if (word < end) {
      sink.accept(s.substring(word, end));
    }
    trailing.forEach(sink);
  }

  /** {@code 's}, {@code ’s} (any case) at {@code s[start, end)}. */
  private static boolean isClitic(String s, int start, int end) {
    return end - start == 2
        && (s.charAt(start) == '\'' || s.charAt(start) == '\u2019')
        && Character.toLowerCase(s.charAt(start + 1)) == 's';
  }

  /** A mention, hashtag or signed number starts here: its first character is not peeled. */
  private static boolean startsWhole(String s, int i) {
    char c = s.charAt(i);
    if (i + 1 >= s.length()) {
      return false;
    }
    int next = s.codePointAt(i + 1);
    return (c == '@' || c == '#') && (Character.isLetterOrDigit(next) || next == '_')
        || (c == '-' || c == '+') && Character.isDigit(next);
  }

  /** Whether the last character of the core {@code s[begin, end)} belongs to it. */
  private static boolean endsWhole(String s, int begin, int end, boolean url, int[] brackets) {
    char last = s.charAt(end - 1);
    char before = end - 2 >= begin ? s.charAt(end - 2) : ' ';
    if (last == '/' && url) {
      return true;
    }
    if (last == '%' && Character.isDigit(before)) {
      return true;
    }
    if (last == '.' && Character.isLetter(before) && isAbbreviation(s, begin, end)) {
      return true;
    }
    int kind = CLOSERS.indexOf(last);
    return kind >= 0 && brackets[kind] >= brackets[OPENERS.length() + kind];
  }

  /** {@code http://}, {@code https://} or {@code www.} followed by something. */
  private static boolean isUrl(String s, int begin) {
    for (String prefix : URL_PREFIXES) {
      if (s.length() - begin > prefix.length()
          && s.regionMatches(true, begin, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }

  /** Two or more letter-dot pairs and nothing else: {@code U.S.}, {@code e.g.}. */
  private static boolean isAbbreviation(String s, int begin, int end) {
    int pairs = 0;
    int i = begin;
    while (i < end) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp) || i >= end || s.charAt(i) != '.') {
        return false;
      }
      i++;
      pairs++;
    }
    return pairs >= 2;
  }

  private static int runEnd(String s, int start) {
    int cp = s.codePointAt(start);
    int end = start;
    while (end < s.length() && s.codePointAt(end) == cp) {
      end += Character.charCount(cp);
    }
    return end;
  }

  private static int runStart(String s, int begin, int end) {
    int cp = s.codePointBefore(end);
    int start = end;
    while (start > begin && s.codePointBefore(start) == cp) {
      start -= Character.charCount(cp);
    }
    return start;
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  private static boolean isPunctuation(int cp) {
    switch (Character.getType(cp)) {
      case Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> {
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
