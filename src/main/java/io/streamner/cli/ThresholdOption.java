package io.streamner.cli;

import io.streamner.model.TaggingModel;
import io.streamner.model.TypedModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --threshold}, shared by the commands that turn probabilities into labels. */
final class ThresholdOption {
  @Option(
      names = "--threshold",
      paramLabel = "P",
      defaultValue = "0.5",
      description = "Probability from which a token is the entity (default: ${DEFAULT-VALUE}).")
  double value;

  /**
   * Warns when {@code --threshold} was given for a typed model, whose tags come from its tag
   * probabilities (the most probable well-formed sequence), with no threshold to apply.
   */
  static void warnIfGivenFor(TaggingModel model, CommandLine commandLine) {
    if (model instanceof TypedModel
        && commandLine.getParseResult().hasMatchedOption("--threshold")) {
      commandLine
          .getErr()
          .println(
              "warning: --threshold applies to binary models; a typed model's tags are the most"
                  + " probable well-formed sequence");
    }
  }

  double get() {
    if (!(value > 0 && value <= 1))
      throw new UserError("--threshold must be above 0 and at most 1, got " + value);
    return value;
  }
}
