package io.streamner.job;

import io.streamner.model.OnlineLearner;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;

/**
 * One model's recently used word vectors, between its keyed state and the learner.
 *
 * <p>Why: on RocksDB every state read deserialises a vector and every write serialises one, and a
 * sentence reads and writes each of its words. Frequent words ("the", the padding words,
 * UUUNKKK) come back in almost every sentence, so keeping them in memory between checkpoints
 * removes most state accesses. The least recently used vector leaves when the cache is full
 * (written back first if it changed).
 *
 * <p>The keyed state must hold every vector when Flink snapshots it: {@link #writeBack} before a
 * snapshot, and {@link #clear} after a checkpoint's snapshot. Clearing matters on the heap
 * backend, whose asynchronous snapshot serialises the very arrays the state holds: after a
 * checkpoint the next read goes through the state again, whose copy-on-write hands out a copy.
 *
 * <p>Use it only while the model's key is the operator's current key: it reads and writes the
 * current key's state.
 */
final class ColumnCache implements OnlineLearner.Columns {
  private final MapState<String, double[]> state;
  private final int capacity;
  /** Access order: the first entry is the least recently used. */
  private final LinkedHashMap<String, double[]> recent = new LinkedHashMap<>(1024, 0.75f, true);
  /** Words whose vector in {@link #recent} is newer than the state's. */
  private final Set<String> changed = new HashSet<>();

  ColumnCache(MapState<String, double[]> state, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("column cache capacity must be at least 1, got " + capacity);
    this.state = state;
    this.capacity = capacity;
  }

  @Override
  public double[] get(String word) throws Exception {
    double[] vector = recent.get(word);
    if (vector != null) return vector;
    vector = state.get(word);
    if (vector != null) keep(word, vector);
    return vector;
  }

  @Override
  public void put(String word, double[] vector) throws Exception {
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

  int size() {
    return recent.size();
  }

  private void keep(String word, double[] vector) throws Exception {
    recent.put(word, vector);
    if (recent.size() <= capacity) return;
    Iterator<Map.Entry<String, double[]>> eldest = recent.entrySet().iterator();
    Map.Entry<String, double[]> e = eldest.next();
    eldest.remove();
    if (changed.remove(e.getKey())) state.put(e.getKey(), e.getValue());
  }
}
