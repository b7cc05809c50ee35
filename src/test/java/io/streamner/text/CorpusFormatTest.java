package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CorpusFormatTest {

  @ParameterizedTest
  @CsvSource({
    "conll, CONLL2003",
    "CoNLL2003, CONLL2003",
    "tsv, TSV",
    "two-column, TSV",
    "columns, TSV",
    "Two-Column, TSV",
    "jsonl, JSONL",
    "JSON, JSONL",
    "text, TEXT",
    "' Text ', TEXT"
  })
  void parsesUserNames(String name, CorpusFormat format) {
    assertEquals(format, CorpusFormat.parse(name));
  }

  @Test
  void unknownNameListsTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CorpusFormat.parse("csv"));
    assertTrue(e.getMessage().contains("'csv'"), e.getMessage());
    for (String valid :
        List.of("conll", "conll2003", "tsv", "two-column", "jsonl", "json", "text")) {
      assertTrue(e.getMessage().contains(valid), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> CorpusFormat.parse(null));
  }

  @Test
  void detectsFixtureFiles() throws IOException {
    assertEquals(CorpusFormat.CONLL2003, CorpusFormat.detect(Fixtures.resource("conll2003.txt")));
    assertEquals(CorpusFormat.TSV, CorpusFormat.detect(Fixtures.resource("two-column.tsv")));
    assertEquals(CorpusFormat.JSONL, CorpusFormat.detect(Fixtures.resource("sentences.jsonl")));
    assertEquals(CorpusFormat.TEXT, CorpusFormat.detect(Fixtures.resource("plain.txt")));
  }

  @Test
  void detectingAMissingFileNamesIt() {
    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class, () -> CorpusFormat.detect(Path.of("no/such/corpus.tsv")));
    assertTrue(e.getMessage().contains("corpus.tsv"), e.getMessage());
  }

  @Test
  void conllWithoutDocstartIsRecognisedByItsFourColumns() {
    assertEquals(
        CorpusFormat.CONLL2003,
        CorpusFormat.detect(
            List.of("Maria NNP B-NP I-PER", "flew VBD B-VP O", "", "home NN B-NP O")));
    assertEquals(
        CorpusFormat.CONLL2003,
        CorpusFormat.detect(List.of("Maria\tNNP\tB-NP\tI-PER", "flew\tVBD\tB-VP\tO")),
        "tab-separated CoNLL is still CoNLL");
  }

  @Test
  void docstartDecidesConllOnlyInItsFourColumnForm() {
    assertEquals(
        CorpusFormat.CONLL2003,
        CorpusFormat.detect(List.of("-DOCSTART- -X- -X- O", "", "odd line")));
    assertEquals(
        CorpusFormat.TSV,
        CorpusFormat.detect(List.of("-DOCSTART-\tO", "", "Maria\tPERSON")),
        "the classic two-column data has -DOCSTART-<TAB>O lines too");
  }

  @Test
  void fourWordProseIsNotConll() {
    assertEquals(
        CorpusFormat.TEXT,
        CorpusFormat.detect(List.of("I saw the dog", "we went to Paris", "she likes green tea")));
  }

  @Test
  void columnsSeparatedBySpacesNeedATagInTheLastColumn() {
    assertEquals(CorpusFormat.TSV, CorpusFormat.detect(List.of("Maria B-PER", "flew O", "home O")));
    assertEquals(
        CorpusFormat.TSV, CorpusFormat.detect(List.of("Maria NNP B-PER", "flew VBD O", "", "x O")));
    assertEquals(
        CorpusFormat.TEXT,
        CorpusFormat.detect(List.of("we saw Paris", "they left Rome", "hello there")),
        "a bare last word is not a tag");
  }

  @Test
  void tsvNeedsAMajorityOfTabLines() {
    assertEquals(
        CorpusFormat.TSV,
        CorpusFormat.detect(List.of("Maria\tB-PER", "\tO", "flew away", "to\tO", "", "\t")));
    assertEquals(
        CorpusFormat.TEXT,
        CorpusFormat.detect(List.of("Maria\tB-PER", "one line of prose", "another line of prose")));
  }

  @Test
  void jsonlIsRecognisedByTheFirstBraceEvenAfterABom() {
    assertEquals(
        CorpusFormat.JSONL, CorpusFormat.detect(List.of("", "\uFEFF{\"tokens\": [\"a\"]}")));
    assertEquals(CorpusFormat.JSONL, CorpusFormat.detect(List.of("  {broken json")));
  }

  @Test
  void emptyInputIsText() {
    assertEquals(CorpusFormat.TEXT, CorpusFormat.detect(List.of()));
    assertEquals(CorpusFormat.TEXT, CorpusFormat.detect(List.of("", " ", "\t")));
  }

  @Test
  void onlyTheFirstFiftyNonBlankLinesCount() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < CorpusFormat.DETECT_LINES; i++) {
      lines.add("");
      lines.add("plain words number " + i);
    }
    lines.addAll(Collections.nCopies(200, "word\tO"));
    assertEquals(CorpusFormat.TEXT, CorpusFormat.detect(lines));
  }
}
