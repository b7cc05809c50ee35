package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads the shared real corpora (see ../shared/data/README.md) and checks the counts a user would
 * see. Skipped when the shared data folder is not there.
 *
 * <p>Counts differ slightly from the data README where the README keeps what this reader rejects: a
 * token that is a single space is an empty token here (one such line in btc.dev and in btc.test),
 * and the single-space line of btc.test does not split its tweet in two (the README counts 2,001
 * tweets in btc.test because it does).
 */
class RealDataTest {

  private static Corpus read(String relative) throws IOException {
    return CorpusReader.read(SharedData.require(relative), null);
  }

  private static List<Long> problemLines(Corpus corpus, String reason) {
    return corpus.problems().stream()
        .filter(p -> p.reason().equals(reason))
        .map(Problem::line)
        .toList();
  }

  @ParameterizedTest
  @CsvSource({
    "btc/btc.train, 6338, 99933",
    "wnut17/wnut17train.conll, 3394, 62730",
    "wnut17/emerging.dev.conll, 1009, 15733",
    "wnut17/emerging.test.annotated, 1287, 23394"
  })
  void cleanCorporaReadCompletely(String file, int sentences, int tokens) throws IOException {
    Corpus corpus = read(file);
    assertEquals(CorpusFormat.TSV, corpus.format());
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    assertEquals(sentences, corpus.sentences().size());
    assertEquals(tokens, corpus.tokenCount());
    assertTrue(corpus.labelled());
  }

  @Test
  void btcTestSkipsItsEmptyTokensAndSpaceLineButKeepsTheTweet() throws IOException {
    Corpus corpus = read("btc/btc.test");
    assertEquals(CorpusFormat.TSV, corpus.format());
    assertEquals(2000, corpus.sentences().size());
    assertEquals(35425, corpus.tokenCount());
    assertEquals(List.of(13045L), problemLines(corpus, Problem.WHITESPACE_LINE));
    assertEquals(List.of(13046L, 16303L, 16304L), problemLines(corpus, Problem.EMPTY_TOKEN));
    assertEquals(4, corpus.problems().size());
    assertEquals(
        corpus.source()
            + ": skipped 4 bad lines: whitespace-only line (1): line 13045; "
            + "empty token (3): lines 13046, 16303, 16304",
        corpus.problemSummary());

    Sentence tweet =
        corpus.sentences().stream()
            .filter(s -> s.tokens().contains("Montpellier"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        tweet.tokens().contains("tps://t.co/PSleTSIEmD"),
        "the tokens after the bad lines stay in the same tweet: " + tweet.tokens());
  }

  @Test
  void btcDevSkipsItsEmptyTokens() throws IOException {
    Corpus corpus = read("btc/btc.dev");
    assertEquals(1000, corpus.sentences().size(), "one block holds nothing but an empty token");
    assertEquals(15023, corpus.tokenCount());
    assertEquals(List.of(7465L, 15426L, 15428L, 15435L), problemLines(corpus, Problem.EMPTY_TOKEN));
    assertEquals(4, corpus.problems().size());
  }

  @Test
  void personCountsMatchTheDataReadme() throws IOException {
    assertEquals(4084 + 1178, EntityTags.countTypes(read("btc/btc.train").sentences()).get("PER"));
    Map<String, Integer> wnut = EntityTags.countTypes(read("wnut17/wnut17train.conll").sentences());
    assertEquals(660 + 335, wnut.get("PER"));
    assertEquals(
        List.of("CORPORATION", "CREATIVE-WORK", "GROUP", "LOC", "PER", "PRODUCT"),
        wnut.keySet().stream().sorted().toList());
  }

  @Test
  void btcMentionsAreCountedFromBioTags() throws IOException {
    int mentions = 0;
    for (Sentence s : read("btc/btc.train").sentences()) {
      mentions += EntityTags.spans(s.tags(), "PER").size();
    }
    assertEquals(4084, mentions, "every B-PER starts one mention and no I-PER is orphaned");
  }

  @Test
  void detectionSeesTsvInRealFiles() throws IOException {
    for (String file : List.of("btc/btc.train", "btc/btc.test", "wnut17/wnut17train.conll")) {
      Path path = SharedData.require(file);
      assertEquals(CorpusFormat.TSV, CorpusFormat.detect(path), file);
    }
  }
}
