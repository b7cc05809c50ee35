package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.SnapshotExportTest;
import io.streamner.kafka.wire.SnapshotCodec;
import io.streamner.kafka.wire.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The key filter of a serving job's start ({@link ServingJob#newestVersions}): it decodes only the
 * records whose keys can be manifests of the followed job, so it must never pass over one of those,
 * whatever else is on the topic.
 */
class ServingJobTest {

  @Test
  void everyManifestOfTheFollowedJobIsDecodedAndItsChunksAndColumnsAreNot() {
    List<SnapshotRecord> version = SnapshotExportTest.snapshot("streamner", model(), 3);
    int manifests = 0;
    for (SnapshotRecord r : version) {
      boolean decoded = ServingJob.mayBeManifestOf("streamner", SnapshotCodec.keyBytes(r));
      boolean manifest = r instanceof SnapshotRecord.Manifest;
      // A column of a word spelt "manifest" would be decoded too, and then passed over by its type.
      if (manifest || !(r instanceof SnapshotRecord.Column c && c.word().endsWith("manifest"))) {
        assertEquals(manifest, decoded, SnapshotCodec.key(r));
      }
      if (manifest) manifests++;
    }
    assertEquals(1, manifests, "one version, one manifest");
  }

  @Test
  void otherJobsAndHostileKeysAreSkippedOrDecodedNeverTrusted() {
    assertFalse(ServingJob.mayBeManifestOf("streamner", key("other/PER/manifest")));
    assertFalse(
        ServingJob.mayBeManifestOf("stream", key("streamner/PER/manifest")),
        "a namespace that is a prefix of another's is not that one");
    assertFalse(ServingJob.mayBeManifestOf("streamner", key("streamner/PER/dense/0")));
    assertFalse(ServingJob.mayBeManifestOf("streamner", key("")));
    assertFalse(
        ServingJob.mayBeManifestOf("streamner", new byte[] {(byte) 0xff, (byte) 0xfe, 0}),
        "bytes that are no UTF-8 are no manifest key");
    assertTrue(
        ServingJob.mayBeManifestOf("streamner", null), "a record without a key is decoded to see");
    assertTrue(
        ServingJob.mayBeManifestOf("streamner", key("streamner/PER/column/manifest")),
        "a column of the word 'manifest' is decoded, and its type says what it is");
  }

  private static io.streamner.model.NerModel model() {
    return SnapshotExportTest.model(7);
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
