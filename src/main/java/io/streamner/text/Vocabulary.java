package io.streamner.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words the model has a vector for, each with a fixed index (its column of L). Index 0 is
 * always {@link #UNKNOWN}, the word that stands in for every word the vocabulary lacks; the padding
 * words {@link #START} and {@link #END} are always present.
 */
public final class Vocabulary {
  public static final String UNKNOWN = "UUUNKKK";
  public static final String START = "<s>";
  public static final String END = "</s>";
  public static final int UNKNOWN_ID = 0;

  private final List<String> words;
  private final Map<String, Integer> index;

  private Vocabulary(List<String> words, Map<String, Integer> index) {
    this.words = Collections.unmodifiableList(words);
    this.index = index;
  }

  /**
   * A vocabulary of {@code words} in their order, duplicates dropped, with {@link #UNKNOWN} moved
   * to (or inserted at) index 0 and the padding words appended when missing.
   */
  public static Vocabulary of(Collection<String> words) {
    List<String> list = new ArrayList<>(words.size() + 3);
    Map<String, Integer> index = new HashMap<>(words.size() * 2 + 8);
    add(UNKNOWN, list, index);
    for (String w : words) add(w, list, index);
    add(START, list, index);
    add(END, list, index);
    return new Vocabulary(list, index);
  }

  private static void add(String word, List<String> list, Map<String, Integer> index) {
    if (word == null || word.isEmpty())
      throw new IllegalArgumentException("empty word in vocabulary");
    if (index.putIfAbsent(word, list.size()) == null) list.add(word);
  }

  /** The index of a normalised word, or {@link #UNKNOWN_ID} when the vocabulary lacks it. */
  public int id(String word) {
    Integer id = index.get(word);
    return id == null ? UNKNOWN_ID : id;
  }

  public boolean contains(String word) {
    return index.containsKey(word);
  }

  public String word(int id) {
    return words.get(id);
  }

  public List<String> words() {
    return words;
  }

  public int size() {
    return words.size();
  }

  public int startId() {
    return index.get(START);
  }

  public int endId() {
    return index.get(END);
  }
}
