package io.streamner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamner.job.JobDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;

/**
 * The child JVM of {@link VocabularyScale}: runs one bounded job (the definition file it is given)
 * on a Flink MiniCluster inside this JVM, which the parent starts with {@code -Xmx1g}, and writes
 * what only this JVM can see as JSON: its heap (peak used, peak used after a collection), the size
 * of RocksDB's working directory and of the checkpoint directory while the job runs (sampled every
 * 2 s: Flink deletes both when the job ends), when the job finished, and its checkpoints'
 * statistics.
 *
 * <p>Why a child JVM: "the heap stays under 1 GB" is then a fact the JVM enforces, and the figure
 * is the job's alone, not the suite's, the Kafka broker's or the producer's (they stay in the
 * parent).
 *
 * <p>Usage: {@code VocabularyJob <definition.properties> <out.json> <rocksdb working dir>}.
 */
public final class VocabularyJob {
  private VocabularyJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println(
          "usage: VocabularyJob <definition.properties> <out.json> <rocksdb working dir>");
      System.exit(2);
    }
    JobDefinition definition = JobDefinition.load(Path.of(args[0]));
    Path out = Path.of(args[1]);
    Path rocksDb = Path.of(args[2]);

    // Flink deletes the checkpoints of a job that finished, so their size on disk is sampled while
    // it runs.
    Path checkpoints = Path.of(java.net.URI.create(definition.checkpointDirectory()));
    Configuration extra = new Configuration();
    // RocksDB's working files where we can measure them (Flink's default is a fresh temporary
    // directory).
    extra.setString("state.backend.rocksdb.localdir", rocksDb.toString());

    Map<String, Object> result = new LinkedHashMap<>();
    List<long[]> heapTimeline = new ArrayList<>();
    long rocksDbPeak = 0;
    long rocksDbLast = 0;
    long checkpointsPeak = 0;
    try (HeapMonitor heap = new HeapMonitor();
        FlinkRun run = FlinkRun.start(definition, extra)) {
      long lastPrint = System.nanoTime();
      long lastSample = 0;
      while (!run.status().isGloballyTerminalState()) {
        Thread.sleep(500);
        if (System.nanoTime() - lastSample > 2e9) {
          lastSample = System.nanoTime();
          long size = BenchSetup.sizeOnDisk(rocksDb);
          if (size >= 0) {
            rocksDbLast = size;
            rocksDbPeak = Math.max(rocksDbPeak, size);
          }
          checkpointsPeak = Math.max(checkpointsPeak, BenchSetup.sizeOnDisk(checkpoints));
          heapTimeline.add(new long[] {Math.round(heap.seconds()), heap.lastAfterGc()});
        }
        if (System.nanoTime() - lastPrint > 15e9) {
          lastPrint = System.nanoTime();
          System.out.printf(
              Locale.ROOT,
              "   [child %.0f s] heap after last GC %,d MB (peak %,d MB), RocksDB %,d MB%n",
              heap.seconds(),
              heap.lastAfterGc() >> 20,
              heap.peakAfterGc() >> 20,
              rocksDbLast >> 20);
          System.out.flush();
        }
      }
      ArchivedExecutionGraph archive = run.awaitFinished(Duration.ofMinutes(1));
      result.put("finished", true);
      result.put("job_running_at", FlinkRun.timestamp(archive, JobStatus.RUNNING));
      result.put("job_finished_at", FlinkRun.timestamp(archive, JobStatus.FINISHED));
      result.put("checkpoints", FlinkRun.checkpoints(archive));
      result.put("heap_max_bytes", HeapMonitor.maxHeap());
      result.put("peak_heap_after_gc_bytes", heap.peakAfterGc());
      result.put("peak_heap_used_bytes", heap.peakUsed());
      result.put("collections", heap.collections());
      result.put("heap_after_gc_timeline", heapTimeline);
      result.put("rocksdb_peak_bytes", rocksDbPeak);
      result.put("rocksdb_last_bytes", rocksDbLast);
      result.put("checkpoint_dir_peak_bytes", checkpointsPeak);
    } catch (Exception e) {
      result.put("finished", false);
      result.put("failure", rootCause(e));
      write(out, result);
      throw e;
    }
    write(out, result);
    System.exit(
        0); // Flink and Kafka client threads that outlive the cluster must not keep this JVM up
  }

  private static void write(Path out, Map<String, Object> result) throws Exception {
    Files.writeString(
        out,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.toString();
  }
}
