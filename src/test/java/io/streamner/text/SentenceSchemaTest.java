package io.streamner.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks schemas/sentence.schema.json, its example file and the JSONL reader against each other, so
 * that a file that passes the published schema is also read without problems.
 */
class SentenceSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private static JsonNode schemaNode;
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    schemaNode = JSON.readTree(Files.readString(Fixtures.project("schemas/sentence.schema.json")));
    schema = FACTORY.getSchema(schemaNode);
  }

  private static Set<ValidationMessage> validate(String jsonLine) throws IOException {
    return schema.validate(JSON.readTree(jsonLine));
  }

  private static boolean readerAccepts(String jsonLine) {
    Corpus corpus = Fixtures.read(jsonLine, CorpusFormat.JSONL);
    return !corpus.hasProblems() && corpus.sentences().size() == 1;
  }

  @Test
  void schemaIsValidDraft202012() {
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    assertEquals(Set.of(), meta.validate(schemaNode));
    assertFalse(
        meta.validate(JSON.createObjectNode().put("type", 5)).isEmpty(),
        "the meta-schema check can fail");
    assertEquals(
        "https://json-schema.org/draft/2020-12/schema", schemaNode.get("$schema").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "schemas/examples/sentence.example.jsonl",
        "src/test/resources/io/streamner/text/sentences.jsonl"
      })
  void exampleFilesAreValidAndReadWithoutProblems(String file) throws IOException {
    Path path = Fixtures.project(file);
    List<String> lines = Files.readAllLines(path).stream().filter(l -> !l.isBlank()).toList();
    assertFalse(lines.isEmpty(), file + " is empty");
    for (String line : lines) {
      assertEquals(Set.of(), validate(line), line);
    }
    Corpus corpus = CorpusReader.read(path, null);
    assertEquals(CorpusFormat.JSONL, corpus.format());
    assertFalse(corpus.hasProblems(), corpus.problemSummary());
    assertEquals(lines.size(), corpus.sentences().size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"tokens\": [\"Ann\", \"Lee\"], \"tags\": [\"B-PER\", \"I-PER\"]}",
        "{\"id\": \"t1\", \"tokens\": [\"untagged\"]}",
        "{\"tokens\": [\"Ann\"], \"tags\": [\"PERSON\"]}",
        "{\"tokens\": [\"Stranger\", \"Things\"], \"tags\": [\"b-creative-work\", \"i-creative-work\"]}",
        "{\"tokens\": [\"x\", \"y\"], \"tags\": [\"S-LOC\", \"o\"]}",
        "{\"tokens\": [\" padded \"]}"
      })
  void schemaAndReaderAcceptTheSameGoodRecords(String record) throws IOException {
    assertEquals(Set.of(), validate(record), record);
    assertTrue(readerAccepts(record), record);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\": \"t1\"}",
        "{\"tokens\": []}",
        "{\"tokens\": \"Ann Lee\"}",
        "{\"tokens\": [\"Ann\", 7]}",
        "{\"tokens\": [\"\"]}",
        "{\"tokens\": [\" \"]}",
        "{\"tokens\": [\"Ann\"], \"tags\": [\"0\"]}",
        "{\"tokens\": [\"Ann\"], \"tags\": [\"B-\"]}",
        "{\"tokens\": [\"Ann\"], \"tags\": [\"X-Y-\"]}",
        "{\"tokens\": [\"Ann\"], \"tags\": [null]}",
        "{\"tokens\": [\"Ann\"], \"tags\": null}",
        "{\"tokens\": [\"Ann\"], \"tags\": []}",
        "{\"tokens\": [\"Ann\"], \"labels\": [\"B-PER\"]}",
        "{\"id\": 42, \"tokens\": [\"Ann\"]}",
        "[\"Ann\", \"Lee\"]"
      })
  void schemaAndReaderRejectTheSameBadRecords(String record) throws IOException {
    assertFalse(validate(record).isEmpty(), "schema should reject " + record);
    assertFalse(readerAccepts(record), "reader should reject " + record);
  }

  @Test
  void lengthMismatchIsCaughtByTheReaderWhereTheSchemaCannot() throws IOException {
    String record = "{\"tokens\": [\"Ann\", \"Lee\"], \"tags\": [\"B-PER\"]}";
    assertEquals(Set.of(), validate(record), "JSON Schema has no keyword for equal array lengths");
    Corpus corpus = Fixtures.read(record, CorpusFormat.JSONL);
    assertEquals(
        List.of(Problem.LENGTH_MISMATCH), corpus.problems().stream().map(Problem::reason).toList());
  }
}
