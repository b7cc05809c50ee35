package io.streamner.job;

import io.streamner.model.OnlineLearner;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;

/**
 * One model's recently used word vectors, between its keyed state and the learner.
 *
 * <p>Why: on RocksDB every state read deserialises a vector and every write serialises one, and a
 * sentence reads and writes each of its words. Frequent words ("the", the padding words, UUUNKKK)
 * come back in almost every sentence, so keeping them in memory between checkpoints removes most
 * state accesses. When the cache is full it is written back and emptied at once: simpler and
 * cheaper per access than least-recently-used order, and the frequent words are back after a
 * sentence or two.
 *
 * <p>The keyed state must hold every vector when Flink snapshots it: {@link #writeBack} before a
 * snapshot. The cache stays warm across checkpoints because nobody changes a vector in place (the
 * learner trains copies and puts them back): the heap backend's asynchronous snapshot, which
 * serialises the very arrays the state holds, never sees one change under it.
 *
 * <p>Use it only while the model's key is the operator's current key: it reads and writes the
 * current key's state.
 */
final class ColumnCache<V> implements OnlineLearner.Columns<V> {
  private final MapState<String, V> state;
  private final int capacity;
  private final HashMap<String, V> recent = new HashMap<>();

  /** Words whose vector in {@link #recent} is newer than the state's. */
  private final Set<String> changed = new HashSet<>();

  ColumnCache(MapState<String, V> state, int capacity) {
    if (capacity < 1)
      throw new IllegalArgumentException(
          "column cache capacity must be at least 1, got " + capacity);
    this.state = state;
    this.capacity = capacity;
  }

  @Override
  public V get(String word) throws Exception {
    V vector = recent.get(word);
    if (vector != null) return vector;
    vector = state.get(word);
    if (vector != null) keep(word, vector);
    return vector;
  }

  @Override
  public void put(String word, V vector) throws Exception {
    keep(word, vector);
    changed.add(word);
  }

  /** Writes every changed vector to the state; the cache keeps them. */
  void writeBack() throws Exception {
    for (String word : changed) state.put(word, recent.get(word));
    changed.clear();
  }

  /** Writes back and forgets everything: the next reads go to the state. */
  void clear() throws Exception {
    writeBack();
    recent.clear();
  }

  private void keep(String word, V vector) throws Exception {
    if (recent.size() >= capacity && !recent.containsKey(word)) clear();
    recent.put(word, vector);
  }
}
