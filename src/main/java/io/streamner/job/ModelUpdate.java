package io.streamner.job;

import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;

/**
 * A model's change on its way to the scoring replicas: what a snapshot version holds (a manifest,
 * the dense parameters, the word vectors changed since the previous update, or all of them), as one
 * message. A training job's model operator sends one per refresh; a serving job assembles one per
 * snapshot version it reads. A Flink POJO (public fields, a no-argument constructor), so that it is
 * broadcast without Kryo.
 */
public class ModelUpdate {
  /** The model's name, e.g. PER or LOC+ORG. */
  public String model;

  /**
   * The {@link SnapshotRecord.Manifest} of the model as of this update, as {@link SnapshotCodec}
   * encodes it: its shape, tag set and normaliser, the version a prediction reports, examples seen,
   * and whether this update holds every column ({@code full}).
   */
  public byte[] manifest;

  /** The dense parameters, flat, as in a snapshot (float values exactly, for a float model). */
  public double[] dense;

  /** The words whose vectors this update carries, and those vectors, in the same order. */
  public String[] words;

  public double[][] vectors;

  public ModelUpdate() {}

  ModelUpdate(
      SnapshotRecord.Manifest manifest, double[] dense, String[] words, double[][] vectors) {
    this.model = manifest.model();
    this.manifest = SnapshotCodec.encode(manifest);
    this.dense = dense;
    this.words = words;
    this.vectors = vectors;
  }

  /** The manifest, decoded. */
  SnapshotRecord.Manifest decodeManifest() {
    return (SnapshotRecord.Manifest) SnapshotCodec.decodeSnapshot(manifest);
  }
}
