package io.streamner.cli;

import io.streamner.kafka.KafkaPreflight;
import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.SnapshotExport;
import io.streamner.modelfile.ModelFile;
import io.streamner.text.ModelName;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamner export}: the latest snapshot of a streaming model as a model file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Read the snapshots topic up to the latest complete version of a model and write its model file.")
public final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RequiredKafkaOptions kafkaOptions;

  @Option(
      names = "--topic",
      defaultValue = "streamner.snapshots",
      paramLabel = "TOPIC",
      description = "Snapshots topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description =
          "The model as the job's `models` names it: an entity type (PER), or a typed model's"
              + " types joined by + (LOC+ORG+MISC).")
  String model;

  @Option(
      names = "--job",
      paramLabel = "NAME",
      description =
          "The job whose model to export (its job.name, the namespace of its snapshots); default: the"
              + " only job that wrote the model to the topic.")
  String job;

  @Mixin ModelOutOption modelOut;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Give up reading after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    String type = UserError.ifRefused(() -> ModelName.canonical(model));
    KafkaSettings kafka = kafkaOptions.kafka();
    KafkaPreflight.check(kafka, List.of(topic));
    SnapshotExport.Exported exported =
        SnapshotExport.export(kafka, topic, job, type, Duration.ofSeconds(timeoutSeconds));
    ModelFile.write(exported.tagging(), modelOut.path);
    stdout.printf(
        "wrote %s: %s version %d of job %s, %,d examples seen, %,d words%n",
        modelOut.path,
        type,
        exported.manifest().version(),
        exported.manifest().namespace(),
        exported.manifest().examplesSeen(),
        exported.tagging().input().vocabulary().size());
    return 0;
  }
}
