package io.streamner.cli;

import io.streamner.kafka.KafkaSettings;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Kafka of the commands that cannot run without one ({@code export}, {@code produce}). */
final class RequiredKafkaOptions {
  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka brokers.")
  String bootstrapServers;

  @Mixin KafkaOptions client;

  /** Where Kafka is, with the client settings given. */
  KafkaSettings kafka() throws IOException {
    return client.kafka(bootstrapServers);
  }
}
