package io.streamner.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Where Kafka is and how to talk to it: the bootstrap servers and the client settings (security
 * above all: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) that every producer,
 * consumer and admin client streamner creates gets, on top of its own (see {@link KafkaClients}).
 *
 * <p>A setting is secret when Kafka's own definition of the producer, consumer or admin client
 * configuration types it {@link ConfigDef.Type#PASSWORD} ({@code sasl.jaas.config}, {@code
 * ssl.truststore.password}, ...). Secret values never leave through {@link #toString} or {@link
 * #describe}, and are {@linkplain Secrets#remember remembered} so that error messages are scrubbed
 * of them too.
 *
 * @param properties client settings by Kafka's key; never one of {@link #RESERVED}
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties)
    implements Serializable {

  /**
   * Keys streamner sets itself, each with what to do instead: where Kafka is and the consumer group
   * have keys of their own, and the rest would break the job (records are bytes; the source reads
   * read_committed so that transactional input is seen only once committed; every exactly-once sink
   * names its own transactional ids).
   */
  public static final Map<String, String> RESERVED = reserved();

  /** Every key a Kafka producer, consumer or admin client takes. */
  private static final Map<String, ConfigDef.ConfigKey> CLIENT_KEYS = clientKeys();

  private static Map<String, String> reserved() {
    Map<String, String> r = new LinkedHashMap<>();
    String streamnerSets = "streamner sets it";
    r.put(
        "bootstrap.servers", "give the servers as kafka.bootstrap.servers or --bootstrap-servers");
    r.put("group.id", "give the consumer group as kafka.group.id");
    r.put("key.serializer", streamnerSets + " (records are bytes)");
    r.put("value.serializer", streamnerSets + " (records are bytes)");
    r.put("key.deserializer", streamnerSets + " (records are bytes)");
    r.put("value.deserializer", streamnerSets + " (records are bytes)");
    r.put("isolation.level", streamnerSets + " (read_committed)");
    r.put("transactional.id", streamnerSets + " (one prefix per exactly-once sink)");
    return Collections.unmodifiableMap(r);
  }

  private static Map<String, ConfigDef.ConfigKey> clientKeys() {
    Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>();
    keys.putAll(ProducerConfig.configDef().configKeys());
    keys.putAll(ConsumerConfig.configDef().configKeys());
    keys.putAll(AdminClientConfig.configDef().configKeys());
    return Collections.unmodifiableMap(keys);
  }

  public KafkaSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("no Kafka bootstrap servers given");
    }
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String problem = problem(e.getKey());
      if (problem != null) throw new IllegalArgumentException(e.getKey() + " " + problem);
      if (isSecret(e.getKey())) Secrets.remember(e.getValue());
    }
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  /** A broker that needs no settings (a PLAINTEXT listener). */
  public static KafkaSettings plain(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Map.of());
  }

  /**
   * What is wrong with a client setting's key, to follow the key in a message, or null: it must be
   * a key of Kafka's producer, consumer or admin client ({@code config.providers.*} too: Kafka's
   * way to keep secrets out of files), and not one streamner sets itself.
   */
  public static String problem(String key) {
    if (RESERVED.containsKey(key)) return "cannot be given: " + RESERVED.get(key);
    if (CLIENT_KEYS.containsKey(key)
        || key.equals("config.providers")
        || key.startsWith("config.providers.")) {
      return null;
    }
    return "is not a Kafka client setting (of a producer, consumer or admin client)";
  }

  /** Whether Kafka types the setting {@code PASSWORD}: its value is never shown. */
  public static boolean isSecret(String key) {
    ConfigDef.ConfigKey k = CLIENT_KEYS.get(key);
    return k != null && k.type == ConfigDef.Type.PASSWORD;
  }

  /** The settings with every secret value replaced by {@code [hidden]}. */
  public Map<String, String> redacted() {
    Map<String, String> out = new TreeMap<>();
    properties.forEach((k, v) -> out.put(k, isSecret(k) ? Password.HIDDEN : v));
    return out;
  }

  /** The settings in one line, secrets hidden: {@code security.protocol=SASL_SSL, ...}. */
  public String describe() {
    if (properties.isEmpty()) return "no client settings (PLAINTEXT)";
    StringBuilder out = new StringBuilder();
    redacted()
        .forEach(
            (k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return out.toString();
  }

  /** Adds the settings to a client configuration, replacing what it had for the same keys. */
  public Properties applyTo(Properties clientConfig) {
    clientConfig.putAll(properties);
    return clientConfig;
  }

  /** The settings of a Kafka client properties file (as Kafka's own tools take). */
  public static Map<String, String> readFile(Path file) throws IOException {
    if (!Files.isRegularFile(file))
      throw new IOException("Kafka client settings not found: " + file);
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Map<String, String> settings = new TreeMap<>();
    for (String key : p.stringPropertyNames()) settings.put(key, p.getProperty(key).trim());
    return settings;
  }

  @Override
  public String toString() {
    return bootstrapServers + " (" + describe() + ")";
  }
}
