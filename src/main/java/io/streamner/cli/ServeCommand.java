package io.streamner.cli;

import picocli.CommandLine.Command;

/**
 * {@code streamner serve}: runs the serving job of a definition file on a local Flink, as {@code
 * streamner job} runs its training job: it resumes from its newest checkpoint or savepoint, prints
 * its progress, and stops with a savepoint on Ctrl-C or SIGTERM.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Answer score requests from the models a training job publishes, training nothing.",
      "It follows the snapshots topic of the definition's job (job.name), starts from the newest"
          + " version there and takes each new one; requests for a model without a version wait"
          + " for its first. It runs as serve.name (default: job.name-serve), resumes from its"
          + " newest checkpoint or savepoint, and stops with a savepoint on Ctrl-C or SIGTERM.",
      "For a cluster: flink run -c io.streamner.job.ServingJob streamner-job.jar --definition FILE"
    })
public final class ServeCommand extends JobCommand {
  @Override
  boolean serving() {
    return true;
  }
}
