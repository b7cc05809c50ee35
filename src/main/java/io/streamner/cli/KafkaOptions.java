package io.streamner.cli;

import io.streamner.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * Kafka client settings for every command that talks to Kafka ({@code job}, {@code produce}, {@code
 * export}, {@code demo} with a broker): a client properties file and single settings, as Kafka's
 * own tools take them. A picocli mixin, so the options read the same everywhere.
 */
public final class KafkaOptions {
  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file (security.protocol, sasl.*, ssl.*, ...), as Kafka's own"
              + " tools take with --command-config.")
  Path file;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client setting, e.g. security.protocol=SASL_SSL; repeatable; wins over"
              + " --kafka-config.")
  Map<String, String> properties = new LinkedHashMap<>();

  /** The file's settings, then the options', each key checked as a Kafka client setting. */
  Map<String, String> settings() throws IOException {
    Map<String, String> settings = new TreeMap<>();
    if (file != null) {
      for (Map.Entry<String, String> e : KafkaSettings.readFile(file).entrySet()) {
        check(e.getKey(), file.toString());
        settings.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : properties.entrySet()) {
      check(e.getKey(), "--kafka-property");
      settings.put(e.getKey(), e.getValue().trim());
    }
    return settings;
  }

  /** Where Kafka is, with these settings. */
  KafkaSettings kafka(String bootstrapServers) throws IOException {
    return new KafkaSettings(bootstrapServers, settings());
  }

  private static void check(String key, String where) {
    String problem = KafkaSettings.problem(key);
    if (problem != null) throw new UserError(where + ": " + key + " " + problem);
  }
}
