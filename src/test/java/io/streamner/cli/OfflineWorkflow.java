package io.streamner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What both offline workflow tests start from: the synthetic corpus's splits and one model trained
 * on them with the small network, {@code --dev} and {@code --json}, once for the whole class. Each
 * test class names its corpus and the kind of model ({@code --entity} or {@code --types}).
 *
 * <p>One instance per class, so that the corpus, the folder and the model are the class's own and
 * are made once, not once per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OfflineWorkflow {
  static final ObjectMapper JSON = new ObjectMapper();

  private final SyntheticCorpus.Writer writer;
  private final String modelFile;
  private final List<String> kind;

  /** The class's folder: the corpus, its model, and what the tests write. */
  Path dir;

  SyntheticCorpus.Splits corpus;
  Path train, test, model;

  /** The training run that wrote {@link #model}. */
  CliRun training;

  /**
   * @param modelFile the trained model's file name in {@link #dir}
   * @param kind the options that say what the model tags, such as {@code --entity PERSON}
   */
  OfflineWorkflow(SyntheticCorpus.Writer writer, String modelFile, String... kind) {
    this.writer = writer;
    this.modelFile = modelFile;
    this.kind = List.of(kind);
  }

  /**
   * The folder comes in as a parameter: given to a {@code @BeforeAll} method it lives as long as
   * the class's tests, while a {@code @TempDir} field would be filled only before each test.
   */
  @BeforeAll
  void trainOnce(@TempDir Path dir) throws Exception {
    this.dir = dir;
    corpus = SyntheticCorpus.Splits.write(dir, writer);
    train = corpus.train();
    test = corpus.test();
    model = dir.resolve(modelFile);
    List<String> options = new ArrayList<>(kind);
    options.addAll(List.of("--dev", corpus.dev().toString(), "--json", "--out", model.toString()));
    training = CliRun.trainSmall(train, options.toArray(new String[0]));
  }

  /** A text file for {@code tag}, in {@link #dir}. */
  Path inputFile(String text) throws IOException {
    Path file = dir.resolve("input.txt");
    Files.writeString(file, text);
    return file;
  }
}
