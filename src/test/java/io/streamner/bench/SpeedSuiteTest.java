package io.streamner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.wire.ParseResult;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.testing.SharedData;
import io.streamner.text.TokenNormalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speed suite's own logic, without running anything timed (the suite itself runs only through
 * {@code mvn -B -Pbench test-compile exec:exec}): the generated vocabulary stream, the quantiles,
 * the phase selection, the README block and the yardstick's contenders.
 */
class SpeedSuiteTest {
  @Test
  void newWordsAreDistinctLettersThatNormaliseToThemselves() {
    Set<String> seen = new HashSet<>();
    TokenNormalizer numbers = new TokenNormalizer(true);
    for (long k = 0; k < 200_000; k++) {
      String w = VocabularyScale.newWord(k);
      assertTrue(w.matches("zq[a-z]+"), w);
      assertEquals(w, numbers.normalize(w), "a normaliser must not fold two new words into one");
      assertTrue(seen.add(w), "repeated: " + w);
    }
  }

  @Test
  void theVocabularyStreamBringsExactlyTheNewWordsAskedFor() {
    List<byte[]> stream = VocabularyScale.stream(10_000);
    Set<String> newWords = new HashSet<>();
    int names = 0;
    for (byte[] value : stream) {
      ParseResult<TrainRecord> parsed = WireFormat.parseTrain(value, 1000);
      assertTrue(parsed.isOk(), parsed.reason());
      TrainRecord r = parsed.value();
      assertEquals(VocabularyScale.TOKENS, r.tokens().size());
      for (int i = 0; i < r.tokens().size(); i++) {
        if (r.tokens().get(i).startsWith("zq"))
          assertTrue(newWords.add(r.tokens().get(i)), "a new word came twice");
        if (r.tags().get(i).equals("B-PER")) names++;
      }
    }
    assertEquals(10_000, newWords.size());
    assertEquals(
        (10_000 + VocabularyScale.NEW_PER_SENTENCE - 1) / VocabularyScale.NEW_PER_SENTENCE,
        stream.size());
    assertEquals(stream.size(), names, "one person per sentence");
  }

  /**
   * The yardstick compares like with like: over btc.train's first 2,000 windows every contender
   * reaches the same losses as the plain loop (doubles to 1e-9, relative; the float kernel and
   * train in float to 1e-4, the bound FloatKernelTest justifies; train's warm-up takes its C/m from
   * the 2,000 windows it is given, not from the corpus, which moves its losses by about 1e-6).
   */
  @Test
  void theYardsticksContendersComputeTheSameModel() throws Exception {
    Yardstick.Windows windows = Yardstick.Windows.of(SharedData.require("btc/btc.train"));
    Map<String, Double> losses = new LinkedHashMap<>();
    for (Yardstick.Contender contender : Yardstick.contenders(windows)) {
      contender.reset();
      losses.put(contender.key, contender.train(0, 2000));
    }
    assertEquals(
        List.of(
            "plain", "fast", "reference", "train", "train_double", "float_fastest", "float_scalar"),
        List.copyOf(losses.keySet()));
    double plain = losses.get("plain");
    assertTrue(plain > 0);
    assertEquals(plain, losses.get("fast"), 1e-9 * plain);
    assertEquals(plain, losses.get("reference"), 1e-9 * plain);
    assertEquals(plain, losses.get("train_double"), 1e-5 * plain);
    assertEquals(plain, losses.get("train"), 1e-4 * plain); // train --precision float
    assertEquals(plain, losses.get("float_fastest"), 1e-4 * plain);
    assertEquals(losses.get("float_fastest"), losses.get("float_scalar"), 0.0, "bit for bit");
  }

  @Test
  void quantilesAreNearestRank() {
    double[] sorted = new double[100];
    for (int i = 0; i < 100; i++) sorted[i] = i + 1;
    assertEquals(50, ScoringLatency.quantile(sorted, 0.50));
    assertEquals(99, ScoringLatency.quantile(sorted, 0.99));
    assertEquals(100, ScoringLatency.quantile(sorted, 1.0));
    assertTrue(Double.isNaN(ScoringLatency.quantile(new double[0], 0.5)));
  }

  @Test
  void phasesAreAllByDefaultAndCheckedByName() {
    assertEquals(Set.copyOf(SpeedSuite.PHASES), SpeedSuite.phases(""));
    assertEquals(Set.copyOf(SpeedSuite.PHASES), SpeedSuite.phases("all"));
    assertEquals(Set.of("kernel", "scoring"), SpeedSuite.phases("kernel, scoring"));
    assertThrows(IllegalArgumentException.class, () -> SpeedSuite.phases("kernel,jobs"));
  }

  @Test
  void theReadmeBlockIsReplacedAndTheRestKept(@TempDir Path dir) throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        "# x\n\n## Performance\n\n"
            + SuiteReport.README_BEGIN
            + "\nold table\n"
            + SuiteReport.README_END
            + "\n\n## Next\n");
    SuiteReport report = new SuiteReport("mvn -B -Pbench test-compile exec:exec");
    report.add(SuiteReport.Figure.atLeast("a", "figure a", 2.0, "x", "2.00x", 1.6, ">= 1.6x"));
    report.writeIntoReadme(readme);
    String text = Files.readString(readme);
    assertFalse(text.contains("old table"));
    assertTrue(text.contains("| figure a | 2.00x | >= 1.6x | yes |"), text);
    assertTrue(text.startsWith("# x\n\n## Performance\n\n" + SuiteReport.README_BEGIN + "\n"));
    assertTrue(text.endsWith(SuiteReport.README_END + "\n\n## Next\n"));

    Path noMarkers = dir.resolve("other.md");
    Files.writeString(noMarkers, "# nothing here\n");
    assertThrows(java.io.IOException.class, () -> report.writeIntoReadme(noMarkers));
  }

  @Test
  void vocabularyScenariosAreChosenByName() {
    assertEquals(
        List.of(VocabularyScale.ROCKSDB, VocabularyScale.HEAP_TTL, VocabularyScale.HEAP_CAP),
        VocabularyScale.scenarios(""));
    assertEquals(
        List.of(VocabularyScale.HEAP_UNBOUNDED, VocabularyScale.HEAP_TTL),
        VocabularyScale.scenarios(" heap-unbounded, heap-ttl "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VocabularyScale.scenarios("heap"));
    assertTrue(e.getMessage().contains("unknown scenario 'heap'"), e.getMessage());
  }
}
