package io.streamner.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out} of the commands that write a model file (train, export), declared once. */
final class ModelOutOption {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL",
      description = "Where to write the model file.")
  Path path;
}
