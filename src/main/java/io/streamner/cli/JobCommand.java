package io.streamner.cli;

import io.streamner.job.JobDefinition;
import io.streamner.job.StreamnerJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamner job}: runs a job definition on a local Flink in this process. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the continuous-training job of a definition file on a local Flink.",
      "For a cluster: flink run -c io.streamner.job.StreamnerJob streamner.jar --definition FILE"
    })
public final class JobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DEFINITION",
      description = "Job definition, e.g. flink-jobs/btc-person.properties.")
  Path definitionFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka to use instead of the file's.")
  String bootstrapServers;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JobDefinition definition = JobDefinition.load(definitionFile);
    if (bootstrapServers != null) definition = definition.withBootstrapServers(bootstrapServers);
    StreamExecutionEnvironment env = StreamnerJob.environment(definition);
    StreamnerJob.placementWarning(definition)
        .ifPresent(
            warning -> {
              spec.commandLine().getErr().println("warning: " + warning);
              spec.commandLine().getErr().flush();
            });
    out.printf(
        "job %s: models %s, reading %s and %s from %s%s%n",
        definition.name(),
        String.join(",", definition.models()),
        definition.topics().train(),
        definition.topics().score(),
        definition.bootstrapServers(),
        definition.bounded() ? " up to their current end" : " (Ctrl-C stops it)");
    out.flush();
    JobExecutionResult result = env.execute(definition.name());
    out.printf("job %s finished in %.1f s%n", definition.name(), result.getNetRuntime() / 1000.0);
    return 0;
  }
}
