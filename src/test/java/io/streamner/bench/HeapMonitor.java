package io.streamner.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's heap while a job runs: the peak of heap used (sampled every 100 ms, garbage included)
 * and the peak of heap used right after a collection (from the collectors' own notifications),
 * which is the figure that says how much the job keeps alive.
 */
final class HeapMonitor implements AutoCloseable {
  private final Set<String> heapPools = new HashSet<>();
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private final Thread sampler;
  private final long start = System.nanoTime();
  private volatile boolean stopped;
  private volatile long peakUsed;
  private volatile long peakAfterGc;
  private volatile long lastAfterGc;
  private volatile long collections;

  HeapMonitor() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) heapPools.add(pool.getName());
    }
    NotificationListener listener = this::onGc;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        unsubscribe.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (Exception ignored) {
                // gone with the JVM
              }
            });
      }
    }
    sampler =
        new Thread(
            () -> {
              while (!stopped) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (used > peakUsed) peakUsed = used;
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void onGc(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) return;
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long after = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) after += pool.getValue().getUsed();
    }
    lastAfterGc = after;
    collections++;
    if (after > peakAfterGc) peakAfterGc = after;
  }

  long peakUsed() {
    return peakUsed;
  }

  long peakAfterGc() {
    return peakAfterGc;
  }

  long lastAfterGc() {
    return lastAfterGc;
  }

  long collections() {
    return collections;
  }

  static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  @Override
  public void close() {
    stopped = true;
    sampler.interrupt();
    unsubscribe.forEach(Runnable::run);
  }
}
