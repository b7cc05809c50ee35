package io.streamner.cli;

import io.streamner.job.JobDefinition;
import io.streamner.job.JobOptions;
import io.streamner.job.LocalFlink;
import io.streamner.job.StreamnerJob;
import io.streamner.kafka.KafkaPreflight;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin KafkaOptions kafkaOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JobDefinition definition = JobDefinition.load(definitionFile, overrides());
    KafkaPreflight.check(definition.kafka(), StreamnerJob.topicNames(definition));
    Configuration conf = LocalFlink.configuration(definition);
    StreamExecutionEnvironment env = LocalFlink.environment(conf, definition);
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
    out.printf("kafka: %s%n", definition.kafka().describe());
    out.printf("flink: web UI at %s%n", LocalFlink.webUi(conf));
    out.flush();
    JobExecutionResult result = env.execute(definition.name());
    out.printf("job %s finished in %.1f s%n", definition.name(), result.getNetRuntime() / 1000.0);
    return 0;
  }

  /** The command line's Kafka settings, as the definition keys they replace or add. */
  private Map<String, String> overrides() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    if (bootstrapServers != null) keys.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
    kafkaOptions
        .settings()
        .forEach((key, value) -> keys.put(JobOptions.KAFKA_PROPERTIES.key() + "." + key, value));
    return keys;
  }
}
