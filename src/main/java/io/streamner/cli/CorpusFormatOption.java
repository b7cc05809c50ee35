package io.streamner.cli;

import picocli.CommandLine.Option;

/** {@code --format} of a corpus file, shared by train, eval and demo so they describe it alike. */
final class CorpusFormatOption {
  @Option(
      names = "--format",
      paramLabel = "NAME",
      description = "Force the corpus format: conll, tsv, jsonl.")
  String name;
}
