package io.streamner.job;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;

/**
 * Where one job keeps the state it resumes from: {@code <checkpoint.dir>/<job.name>/}. Flink writes
 * each run's checkpoints below it ({@code <job id>/chk-<n>/_metadata}, the {@code _metadata} file
 * appearing when the checkpoint completes), and savepoints go to {@code savepoints/}. A job resumes
 * from whichever completed one is newest.
 *
 * <p>Flink keeps a bounded number of checkpoints within a run; {@link #pruneOtherRuns} bounds them
 * across runs. Through Flink's file systems, so {@code s3://} works where Flink's plugin for it is
 * installed.
 */
public final class CheckpointDirectory {
  private static final String SAVEPOINTS = "savepoints";
  private static final String METADATA = AbstractFsCheckpointStorageAccess.METADATA_FILE_NAME;

  /** A completed checkpoint or savepoint: its directory, and when it completed. */
  public record Restorable(String path, boolean savepoint, long completedAt) {}

  private final Path root;

  public CheckpointDirectory(String root) {
    this.root = new Path(root);
  }

  /** The directory of this definition's job: the checkpoint directory, then the job name. */
  public static CheckpointDirectory of(JobDefinition definition) {
    return new CheckpointDirectory(StreamnerJob.checkpointRoot(definition));
  }

  /** Where Flink writes this job's checkpoints (one subdirectory per run). */
  public String checkpoints() {
    return root.toString();
  }

  /** Where this job's savepoints go. */
  public String savepoints() {
    return new Path(root, SAVEPOINTS).toString();
  }

  /** The newest completed checkpoint or savepoint of the job, if there is one. */
  public Optional<Restorable> latest() throws IOException {
    return all().stream().max(Comparator.comparingLong(Restorable::completedAt));
  }

  /** Every completed checkpoint and savepoint of the job, oldest first. */
  public List<Restorable> all() throws IOException {
    List<Restorable> found = new ArrayList<>();
    for (FileStatus run : list(root)) {
      if (!run.isDir()) continue;
      boolean savepoints = run.getPath().getName().equals(SAVEPOINTS);
      for (FileStatus candidate : list(run.getPath())) {
        String name = candidate.getPath().getName();
        if (!candidate.isDir()
            || !(savepoints ? name.startsWith("savepoint-") : name.startsWith("chk-"))) continue;
        Path metadata = new Path(candidate.getPath(), METADATA);
        FileSystem fs = metadata.getFileSystem();
        if (fs.exists(metadata)) {
          found.add(
              new Restorable(
                  candidate.getPath().toString(),
                  savepoints,
                  fs.getFileStatus(metadata).getModificationTime()));
        }
      }
    }
    found.sort(Comparator.comparingLong(Restorable::completedAt));
    return found;
  }

  /**
   * Reads the metadata of a checkpoint or savepoint, so that a path that is not one (or a damaged
   * one) is refused before a job is submitted with it.
   *
   * @throws IOException naming the path and what is wrong with it
   */
  public static void check(String path) throws IOException {
    Path dir = new Path(path);
    Path metadata = dir.getName().equals(METADATA) ? dir : new Path(dir, METADATA);
    FileSystem fs = metadata.getFileSystem();
    if (!fs.exists(metadata)) {
      throw new IOException(
          path + " is not a completed checkpoint or savepoint (it has no " + METADATA + " file)");
    }
    try (DataInputStream in = new DataInputStream(fs.open(metadata))) {
      Checkpoints.loadCheckpointMetadata(
          in, CheckpointDirectory.class.getClassLoader(), dir.toString());
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot read the checkpoint or savepoint at " + path + ": it is damaged (" + e + ")", e);
    }
  }

  /**
   * Deletes the checkpoints of every run but {@code keepRun} (a job id), once that run has
   * completed a checkpoint of its own, and all but the newest {@code keepSavepoints} savepoints. A
   * run that resumed starts with a full checkpoint (Flink's no-claim mode), so nothing it needs is
   * deleted.
   *
   * @return how many directories were deleted
   */
  public int pruneOtherRuns(String keepRun, int keepSavepoints) throws IOException {
    List<Restorable> all = all();
    boolean runHasCheckpoint =
        all.stream().anyMatch(r -> !r.savepoint() && runOf(r).equals(keepRun));
    int deleted = 0;
    if (runHasCheckpoint) {
      for (FileStatus run : list(root)) {
        String name = run.getPath().getName();
        if (run.isDir() && !name.equals(SAVEPOINTS) && !name.equals(keepRun)) {
          deleted += run.getPath().getFileSystem().delete(run.getPath(), true) ? 1 : 0;
        }
      }
    }
    List<Restorable> savepoints = all.stream().filter(Restorable::savepoint).toList();
    for (int i = 0; i < savepoints.size() - keepSavepoints; i++) {
      Path old = new Path(savepoints.get(i).path());
      deleted += old.getFileSystem().delete(old, true) ? 1 : 0;
    }
    return deleted;
  }

  private static String runOf(Restorable r) {
    return new Path(r.path()).getParent().getName();
  }

  private static List<FileStatus> list(Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem();
    if (!fs.exists(dir)) return List.of();
    FileStatus[] statuses = fs.listStatus(dir);
    return statuses == null ? List.of() : List.of(statuses);
  }
}
