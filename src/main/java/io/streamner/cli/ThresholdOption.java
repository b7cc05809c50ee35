package io.streamner.cli;

import picocli.CommandLine.Option;

/** {@code --threshold}, shared by the commands that turn probabilities into labels. */
final class ThresholdOption {
  @Option(
      names = "--threshold",
      paramLabel = "P",
      defaultValue = "0.5",
      description = "Probability from which a token is the entity (default: ${DEFAULT-VALUE}).")
  double value;

  double get() {
    if (!(value > 0 && value <= 1))
      throw new UserError("--threshold must be above 0 and at most 1, got " + value);
    return value;
  }
}
