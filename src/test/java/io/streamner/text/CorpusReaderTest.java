package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {

  private static List<String> reasons(Corpus corpus) {
    return corpus.problems().stream().map(Problem::reason).toList();
  }

  private static List<Long> problemLines(Corpus corpus) {
    return corpus.problems().stream().map(Problem::line).toList();
  }

  /** One argument a line, so a test can number its lines in comments and name them in checks. */
  private static Corpus readLines(CorpusFormat format, String... lines) {
    return Fixtures.read(String.join("\n", lines), format);
  }

  /** Reads text whose format the reader must detect as {@code detected}, with no problem. */
  private static Corpus readDetected(String text, CorpusFormat detected) {
    Corpus corpus = Fixtures.read(text, null);
    assertEquals(detected, corpus.format());
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    return corpus;
  }

  @Test
  void readsConll2003KeepingTokensAndNerTagsAndSkippingDocstart() throws IOException {
    Corpus corpus = CorpusReader.read(Fixtures.resource("conll2003.txt"), null);
    assertEquals(CorpusFormat.CONLL2003, corpus.format());
    assertEquals(4, corpus.sentences().size(), "-DOCSTART- lines are not sentences");
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    Sentence first = corpus.sentences().get(0);
    assertEquals(
        List.of("Maria", "Schmidt", "flew", "to", "Lisbon", "on", "Monday", "."), first.tokens());
    assertEquals(List.of("I-PER", "I-PER", "O", "O", "I-LOC", "O", "O", "O"), first.tags());
    assertEquals(3, first.line());
    Sentence results = corpus.sentences().get(1);
    assertEquals(
        List.of(new Span(2, 3), new Span(3, 4)),
        EntityTags.spans(results.tags(), "LOC"),
        "IOB1: B-LOC after I-LOC starts a second location");
    assertEquals(21, corpus.sentences().get(2).line());
    assertEquals(
        Map.of("LOC", 3, "ORG", 3, "PER", 2, "MISC", 1), EntityTags.countTypes(corpus.sentences()));
  }

  @Test
  void readsTheClassicTwoColumnPersonLayout() throws IOException {
    Corpus corpus = CorpusReader.read(Fixtures.resource("two-column.tsv"), CorpusFormat.TSV);
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    assertEquals(2, corpus.sentences().size());
    assertEquals(19, corpus.tokenCount());
    assertEquals(3, corpus.sentences().get(0).line());
    assertEquals(Map.of("PER", 5), EntityTags.countTypes(corpus.sentences()));
    assertTrue(corpus.labelled());
  }

  @Test
  void readsJsonlWithLabelledAndUnlabelledRecords() throws IOException {
    Corpus corpus = CorpusReader.read(Fixtures.resource("sentences.jsonl"), null);
    assertEquals(CorpusFormat.JSONL, corpus.format());
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    assertEquals(4, corpus.sentences().size());
    Sentence unlabelled = corpus.sentences().get(2);
    assertNull(unlabelled.tags());
    assertEquals(4, unlabelled.line(), "line numbers count the blank line");
    assertEquals(
        List.of("O", "B-creative-work", "I-creative-work", "O", "B-person"),
        corpus.sentences().get(3).tags());
    assertFalse(corpus.labelled(), "one record has no tags");
  }

  @Test
  void readsPlainTextAsUnlabelledTokensOfTheOneTokenizer() throws IOException {
    Corpus corpus = CorpusReader.read(Fixtures.resource("plain.txt"), null);
    assertEquals(CorpusFormat.TEXT, corpus.format());
    assertEquals(3, corpus.sentences().size(), "blank lines are not sentences");
    Sentence last = corpus.sentences().get(2);
    assertEquals(List.of("leading", "spaces", "and", "tabs", "here"), last.tokens());
    assertEquals(4, last.line());
    assertEquals(
        List.of("The", "mayor", ",", "Paulo", "Reis", ",", "agreed", "."),
        corpus.sentences().get(1).tokens());
    assertEquals(
        SimpleTokenizer.tokenize("@anna: see #Lisbon (https://x.pt/a)!"),
        Fixtures.read("@anna: see #Lisbon (https://x.pt/a)!\n", CorpusFormat.TEXT)
            .sentences()
            .get(0)
            .tokens(),
        "plain text is split as the score topic's text is");
    assertTrue(corpus.sentences().stream().noneMatch(Sentence::labelled));
  }

  @Test
  void labelledDataReadAsTextDoesNotPassForTrainingData() {
    Corpus corpus = Fixtures.read("Maria\tB-PER\nflew\tO\n", CorpusFormat.TEXT);
    assertEquals(List.of("Maria", "B-PER"), corpus.sentences().get(0).tokens());
    assertFalse(corpus.labelled());
  }

  @Test
  void tsvBadLineDropsOnlyThatTokenAndIsReported() {
    Corpus corpus =
        readLines(
            CorpusFormat.TSV,
            "Ann\tB-PER", // 1
            " ", // 2 whitespace-only: not a sentence break
            "\tO", // 3 empty token
            "  \tO", // 4 whitespace token
            "Lee\tI-PER", // 5
            "x\t0", // 6 zero instead of O
            "y\tB-", // 7
            "z\tX-Y-", // 8
            "a\tb\tc", // 9 three columns
            "lonely", // 10 one column
            "w\t", // 11 missing tag
            "says\tO", // 12
            "", // 13
            "next\tO"); // 14
    assertEquals(2, corpus.sentences().size());
    assertEquals(List.of("Ann", "Lee", "says"), corpus.sentences().get(0).tokens());
    assertEquals(List.of("B-PER", "I-PER", "O"), corpus.sentences().get(0).tags());
    assertEquals(1, corpus.sentences().get(0).line());
    assertEquals(14, corpus.sentences().get(1).line());
    assertEquals(List.of(2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L, 11L), problemLines(corpus));
    assertEquals(
        List.of(
            Problem.WHITESPACE_LINE,
            Problem.EMPTY_TOKEN,
            Problem.EMPTY_TOKEN,
            Problem.INVALID_TAG,
            Problem.INVALID_TAG,
            Problem.INVALID_TAG,
            Problem.WRONG_COLUMNS,
            Problem.WRONG_COLUMNS,
            Problem.INVALID_TAG),
        reasons(corpus));
  }

  @Test
  void tokensLoseSurroundingWhitespaceButKeepInnerSpaces() {
    Corpus corpus = Fixtures.read("MH17 \tO\nke s\tO\n", CorpusFormat.TSV);
    assertEquals(List.of("MH17", "ke s"), corpus.sentences().get(0).tokens());
  }

  @Test
  void aRowOfEmptyCellsEndsTheSentenceLikeAnEmptyLine() {
    Corpus corpus = Fixtures.read("a\tO\n\t\nb\tO\n\t\t\nc\tO\n", CorpusFormat.TSV);
    assertEquals(3, corpus.sentences().size());
    assertFalse(corpus.hasProblems());
  }

  @Test
  void aSentenceOfOnlyBadLinesVanishesButItsLinesAreReported() {
    Corpus corpus = Fixtures.read("a\tO\n\n\tO\n\nb\tO\n", CorpusFormat.TSV);
    assertEquals(2, corpus.sentences().size());
    assertEquals(List.of(3L), problemLines(corpus));
  }

  @Test
  void docstartEndsASentenceEvenWithoutABlankLine() {
    Corpus conll =
        Fixtures.read("a DT B-NP O\n-DOCSTART- -X- -X- O\nb NN B-NP O\n", CorpusFormat.CONLL2003);
    assertEquals(2, conll.sentences().size());
    Corpus tsv = Fixtures.read("-DOCSTART-\tO\na\tO\n", CorpusFormat.TSV);
    assertEquals(1, tsv.sentences().size());
    assertFalse(tsv.hasProblems());
  }

  @Test
  void conllBadLinesAreReported() {
    Corpus corpus =
        readLines(
            CorpusFormat.CONLL2003,
            "Maria NNP B-NP I-PER", // 1
            "flew VBD O", // 2 three columns
            "to TO B-PP O extra", // 3 five columns
            "Rome NNP B-NP I-", // 4 invalid tag
            "\t ", // 5 whitespace-only
            "today NN B-NP O"); // 6
    assertEquals(List.of("Maria", "today"), corpus.sentences().get(0).tokens());
    assertEquals(
        List.of(
            Problem.WRONG_COLUMNS,
            Problem.WRONG_COLUMNS,
            Problem.INVALID_TAG,
            Problem.WHITESPACE_LINE),
        reasons(corpus));
    assertEquals(List.of(2L, 3L, 4L, 5L), problemLines(corpus));
  }

  @Test
  void badJsonlRecordsAreDroppedWholeAndReported() {
    Corpus corpus =
        readLines(
            CorpusFormat.JSONL,
            "{\"tokens\": [\"ok\"], \"tags\": [\"O\"]}", // 1
            "{\"tokens\": [\"a\", \"b\"], \"tags\": [\"O\"]}", // 2
            "{\"tokens\": [\"a\", 3]}", // 3
            "{\"tokens\": []}", // 4
            "{\"tokens\": [\"a\"", // 5
            "[\"a\", \"b\"]", // 6
            "{\"tokens\": [\"a\"], \"labels\": [\"O\"]}", // 7
            "{\"id\": \"x\"}", // 8
            "{\"tokens\": \"a b\"}", // 9
            "{\"id\": 7, \"tokens\": [\"a\"]}", // 10
            "{\"tokens\": [\"a\", \" \"]}", // 11
            "{\"tokens\": [\"a\"], \"tags\": [\"0\"]}", // 12
            "{\"tokens\": [\"a\"], \"tags\": null}", // 13
            "{\"tokens\": [\"a\"], \"tokens\": [\"b\"]}", // 14
            "{\"tokens\": [\"a\"]} {\"tokens\": [\"b\"]}", // 15
            "{\"tokens\": [\"a\"], \"tags\": [null]}", // 16
            "{\"id\": \"last\", \"tokens\": [\" fine \"]}"); // 17
    assertEquals(List.of(1L, 17L), corpus.sentences().stream().map(Sentence::line).toList());
    assertEquals(List.of("fine"), corpus.sentences().get(1).tokens());
    assertEquals(
        List.of(
            Problem.LENGTH_MISMATCH,
            Problem.NON_STRING_ITEM,
            Problem.EMPTY_TOKEN_LIST,
            Problem.INVALID_JSON,
            Problem.NOT_AN_OBJECT,
            Problem.UNKNOWN_FIELD,
            Problem.MISSING_TOKENS,
            Problem.WRONG_FIELD_TYPE,
            Problem.WRONG_FIELD_TYPE,
            Problem.EMPTY_TOKEN,
            Problem.INVALID_TAG,
            Problem.WRONG_FIELD_TYPE,
            Problem.INVALID_JSON,
            Problem.INVALID_JSON,
            Problem.NON_STRING_ITEM),
        reasons(corpus));
    assertEquals(15, corpus.problems().size());
  }

  @Test
  void malformedUtf8IsReportedPerLineNotFatal(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("Ann\tB-PER\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {'x', (byte) 0xC3, '(', '\t', 'O', '\n'});
    bytes.writeBytes("Lee\tI-PER\n\ncaf\u00e9\tO\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("broken.tsv");
    Files.write(file, bytes.toByteArray());

    Corpus corpus = CorpusReader.read(file, null);
    assertEquals(CorpusFormat.TSV, corpus.format());
    assertEquals(List.of("Ann", "Lee"), corpus.sentences().get(0).tokens());
    assertEquals(
        List.of("caf\u00e9"), corpus.sentences().get(1).tokens(), "valid UTF-8 is decoded as such");
    assertEquals(List.of(Problem.MALFORMED_UTF8), reasons(corpus));
    assertEquals(2, corpus.problems().get(0).line());
    assertEquals("x\uFFFD(\\tO", corpus.problems().get(0).excerpt(), "bad bytes show as U+FFFD");
  }

  @Test
  void encodedReplacementCharactersAndAstralEmojiAreOrdinaryText(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("ok.tsv");
    // U+FFFD written as valid UTF-8 (as in btc.train), and U+1F3FF whose low surrogate is U+DFFF.
    Files.writeString(file, "\uFFFDs\tO\n\uD83C\uDFFF\tO\n", StandardCharsets.UTF_8);
    Corpus corpus = CorpusReader.read(file, CorpusFormat.TSV);
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    assertEquals(List.of("\uFFFDs", "\uD83C\uDFFF"), corpus.sentences().get(0).tokens());
  }

  @Test
  void loneSurrogatesFromAReaderAreReportedAsMalformed() {
    Corpus corpus = Fixtures.read("ok\tO\nbro\uD83Cken\tO\n", CorpusFormat.TSV);
    assertEquals(List.of("ok"), corpus.sentences().get(0).tokens());
    assertEquals(List.of(Problem.MALFORMED_UTF8), reasons(corpus));
  }

  @Test
  void malformedUtf8InPlainTextDropsTheLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.txt");
    Files.write(
        file, new byte[] {'o', 'k', '\n', 'b', (byte) 0xFF, 'd', '\n', 'f', 'i', 'n', 'e', '\n'});
    Corpus corpus = CorpusReader.read(file, CorpusFormat.TEXT);
    assertEquals(List.of(1L, 3L), corpus.sentences().stream().map(Sentence::line).toList());
    assertEquals(List.of(2L), problemLines(corpus));
  }

  @Test
  void missingFileFailsWithItsPath() {
    Path missing = Path.of("no/such/dir/train.tsv");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> CorpusReader.read(missing, null));
    assertTrue(e.getMessage().contains("train.tsv"), e.getMessage());
  }

  @Test
  void byteOrderMarkAndWindowsLineEndingsAreHarmless() {
    Corpus tsv = readDetected("\uFEFFAnn\tB-PER\r\nLee\tI-PER\r\n\r\nBob\tO\r\n", CorpusFormat.TSV);
    assertEquals(List.of("Ann", "Lee"), tsv.sentences().get(0).tokens());
    assertEquals(2, tsv.sentences().size());
    readDetected("\uFEFF{\"tokens\": [\"a\"]}\n", CorpusFormat.JSONL);
  }

  @Test
  void detectionFromAStreamLosesNoLines() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      text.append("w").append(i).append("\tO\nx\tB-PER\n\n");
    }
    Corpus corpus = readDetected(text.toString(), CorpusFormat.TSV);
    assertEquals(120, corpus.sentences().size());
    assertEquals(240, corpus.tokenCount());
    assertEquals(List.of("w0", "x"), corpus.sentences().get(0).tokens());
    assertEquals(List.of("w119", "x"), corpus.sentences().get(119).tokens());
    assertEquals(3 * 119 + 1, corpus.sentences().get(119).line());
  }

  @Test
  void readingWithTheWrongFormatIsLoudNotSilent() {
    Corpus corpus =
        Fixtures.read("{\"tokens\": [\"a\"]}\n{\"tokens\": [\"b\"]}\n", CorpusFormat.TSV);
    assertTrue(corpus.sentences().isEmpty());
    assertEquals("test: skipped 2 bad lines: invalid tag (2): lines 1, 2", corpus.problemSummary());
  }

  /** Issue 11: CoNLL-style files with any number of columns, token first and tag last. */
  @Test
  void twoColumnsSeparatedBySpacesAreRead() {
    Corpus corpus = readDetected("Maria B-PER\nflew O\n\nto  O\nLisbon I-LOC\n", CorpusFormat.TSV);
    assertEquals(List.of("Maria", "flew"), corpus.sentences().get(0).tokens());
    assertEquals(List.of("O", "I-LOC"), corpus.sentences().get(1).tags());
  }

  @Test
  void anyNumberOfColumnsGivesTheFirstAsTokenAndTheLastAsTag() {
    Corpus threeTabs = readDetected("Maria\tNNP\tB-PER\nflew\tVBD\tO\n", CorpusFormat.TSV);
    assertEquals(List.of("B-PER", "O"), threeTabs.sentences().get(0).tags());
    Corpus five =
        Fixtures.read(
            "Maria NNP B-NP x I-PER\nflew VBD B-VP x O\n\nhome NN B-NP x O\n",
            CorpusFormat.CONLL2003);
    assertFalse(five.hasProblems(), five.problemSummary());
    assertEquals(List.of("Maria", "flew"), five.sentences().get(0).tokens());
    assertEquals(List.of("I-PER", "O"), five.sentences().get(0).tags());
  }

  /**
   * The first token line fixes the layout: a tab-separated file keeps spaces inside a cell and
   * reports a line without its tab; a line with another number of columns is reported, never read
   * with a middle column taken for the tag.
   */
  @Test
  void theFirstTokenLineFixesSeparatorAndColumnCount() {
    Corpus tabs = Fixtures.read("ke s\tO\nflew away\nto\tO\n", CorpusFormat.TSV);
    assertEquals(List.of("ke s", "to"), tabs.sentences().get(0).tokens());
    assertEquals(List.of(Problem.WRONG_COLUMNS), reasons(tabs));
    Corpus spaces = Fixtures.read("a DT O\nb NN B-NP O\nc O\n", CorpusFormat.TSV);
    assertEquals(List.of("a"), spaces.sentences().get(0).tokens());
    assertEquals(List.of(2L, 3L), problemLines(spaces));
  }

  @Test
  void summaryGroupsByReasonAndShortensLongLists() {
    StringBuilder tsv = new StringBuilder(" \n");
    for (int i = 0; i < 12; i++) {
      tsv.append("\tO\n");
    }
    Corpus corpus = Fixtures.read(tsv.toString(), CorpusFormat.TSV);
    assertEquals(
        "test: skipped 13 bad lines: whitespace-only line (1): line 1; "
            + "empty token (12): lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...",
        corpus.problemSummary());
    assertEquals("test: no bad lines", Fixtures.read("a\tO\n", CorpusFormat.TSV).problemSummary());
  }

  @Test
  void problemExcerptsShowInvisibleCharacters() {
    Corpus corpus = Fixtures.read("\tO\n" + "x".repeat(200) + "\t0\n", CorpusFormat.TSV);
    assertEquals("line 1: empty token: \"\\tO\"", corpus.problems().get(0).describe());
    String longExcerpt = corpus.problems().get(1).excerpt();
    assertTrue(longExcerpt.length() < 100 && longExcerpt.endsWith("..."), longExcerpt);
  }
}
