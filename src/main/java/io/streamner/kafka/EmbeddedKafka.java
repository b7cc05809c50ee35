package io.streamner.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real Apache Kafka broker (KRaft mode) running inside this JVM: one node that is both broker and
 * controller, listening on 127.0.0.1 only. For tests and for the product's one-command demo;
 * nothing is mocked and no Kafka test jars are needed.
 *
 * <p>Start-up does what {@code kafka-storage.sh format} and {@code kafka-server-start.sh} do: it
 * writes the node's configuration, formats the storage with Kafka's own {@link Formatter} (the
 * class behind {@code kafka.tools.StorageTool}), then starts {@link KafkaRaftServer}. {@link
 * #start} returns only once an {@link Admin} client can describe the cluster. It prints nothing on
 * stdout (Kafka's own logging goes through log4j, see {@code log4j2.xml}).
 *
 * <p>Settings, chosen for one node on a small machine:
 *
 * <ul>
 *   <li>listeners {@code PLAINTEXT://127.0.0.1:<free port>} (clients) and {@code
 *       CONTROLLER://127.0.0.1:<free port>} (KRaft); a static one-voter quorum, so the controller
 *       port is not written into the storage and a persistent data directory can be restarted on
 *       new ports;
 *   <li>every replication factor 1 and every min.insync.replicas 1 (topics, consumer offsets,
 *       transaction state, share-group state);
 *   <li>{@code auto.create.topics.enable=false}: topics are created explicitly, see {@link
 *       TopicAdmin};
 *   <li>{@code group.initial.rebalance.delay.ms=0}: a consumer group forms at once;
 *   <li>4 partitions (not 50) for {@code __consumer_offsets} and {@code __transaction_state}, which
 *       makes the first group and the first transactional producer quick;
 *   <li>a 16 MiB log-cleaner dedupe buffer instead of 128 MiB (enough for about 700,000 keys per
 *       compaction pass);
 *   <li>{@code transaction.max.timeout.ms} is left at Kafka's default of 15 minutes: a
 *       transactional producer whose {@code transaction.timeout.ms} is larger fails in {@code
 *       initTransactions} with {@code InvalidTxnTimeoutException}. Flink's KafkaSink defaults to 1
 *       hour, so an exactly-once sink must set a lower transaction timeout.
 * </ul>
 *
 * <p>With {@link Security}, the broker also has listeners that demand credentials, as a secured
 * production cluster does: {@code SASL_PLAINTEXT} (SASL/PLAIN users) and, given a key store, {@code
 * SASL_SSL} (the same users over TLS). The PLAINTEXT listener stays, for whoever sets the broker up
 * (creating topics in a test); {@link #bootstrapServers(SecurityProtocol)} gives each address.
 *
 * <p>Close it (try-with-resources): the broker's threads keep the JVM alive until then.
 *
 * <p>Caveat: this is the production server, whose fault handlers halt the JVM on a fatal metadata
 * fault (for instance if the data directory is deleted under it). That does not happen in normal
 * use.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The node id of the single broker+controller. */
  public static final int NODE_ID = 1;

  /**
   * Partitions of the internal {@code __consumer_offsets} and {@code __transaction_state} topics.
   */
  static final int INTERNAL_TOPIC_PARTITIONS = 4;

  private static final String HOST = "127.0.0.1";
  private static final String LOG_DIR_NAME = "kraft-combined-logs";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  /**
   * Listeners that demand credentials, besides the PLAINTEXT one.
   *
   * @param plainUsers SASL/PLAIN users and their passwords, accepted on both secured listeners
   * @param keyStore a PKCS12 key store with the broker's key and certificate (for 127.0.0.1), or
   *     null for no {@code SASL_SSL} listener
   * @param keyStorePassword the key store's password (also its key's)
   */
  public record Security(Map<String, String> plainUsers, Path keyStore, String keyStorePassword) {
    public Security {
      if (plainUsers.isEmpty()) throw new IllegalArgumentException("no SASL/PLAIN users");
      plainUsers = Map.copyOf(plainUsers);
    }
  }

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final KafkaRaftServer server;
  private final int port;
  private final String bootstrapServers;
  private final Map<SecurityProtocol, String> listeners;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir,
      boolean deleteOnClose,
      KafkaRaftServer server,
      Map<SecurityProtocol, Integer> ports) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.port = ports.get(SecurityProtocol.PLAINTEXT);
    this.bootstrapServers = HOST + ":" + port;
    Map<SecurityProtocol, String> addresses = new EnumMap<>(SecurityProtocol.class);
    ports.forEach((protocol, p) -> addresses.put(protocol, HOST + ":" + p));
    this.listeners = Map.copyOf(addresses);
  }

  /** Starts a broker whose data lives in a new temporary directory, deleted by {@link #close()}. */
  public static EmbeddedKafka start() {
    return start(null);
  }

  /**
   * Starts a broker.
   *
   * @param dataDir where the broker keeps its logs and metadata; created if missing and formatted
   *     on first use, kept by {@link #close()} so a later start sees the same topics and records.
   *     {@code null} means a new temporary directory that {@link #close()} deletes.
   * @return the running broker, ready for clients
   * @throws IllegalStateException if the broker does not start or does not become ready in time
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, null);
  }

  /**
   * Starts a broker with listeners that demand credentials as well (see {@link Security}).
   *
   * @param dataDir as for {@link #start(Path)}
   * @param security the secured listeners, or null for none
   */
  public static EmbeddedKafka start(Path dataDir, Security security) {
    boolean temporary = dataDir == null;
    Path dir;
    try {
      dir =
          temporary
              ? Files.createTempDirectory("streamner-kafka-")
              : Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Kafka data directory " + dataDir, e);
    }
    try {
      return startIn(dir.toAbsolutePath(), temporary, security);
    } catch (RuntimeException | Error e) {
      if (temporary) {
        deleteQuietly(dir, e);
      }
      throw e;
    }
  }

  private static EmbeddedKafka startIn(Path dir, boolean temporary, Security security) {
    Path logDir = dir.resolve(LOG_DIR_NAME);
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      // Free ports are picked just before use; another process may grab one in between, so a
      // bind failure is retried with new ports.
      List<SecurityProtocol> protocols = new ArrayList<>(List.of(SecurityProtocol.PLAINTEXT));
      if (security != null) protocols.add(SecurityProtocol.SASL_PLAINTEXT);
      if (security != null && security.keyStore() != null) protocols.add(SecurityProtocol.SASL_SSL);
      int[] free = freePorts(protocols.size() + 1);
      Map<SecurityProtocol, Integer> ports = new EnumMap<>(SecurityProtocol.class);
      for (int i = 0; i < protocols.size(); i++) ports.put(protocols.get(i), free[i + 1]);
      Map<String, Object> properties = serverProperties(logDir, ports, free[0]);
      if (security != null) properties.putAll(securityProperties(security, ports.keySet()));
      KafkaConfig config = new KafkaConfig(properties, false);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(logDir);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        shutdown(server);
        last = e;
        if (hasCause(e, BindException.class)) {
          continue;
        }
        throw new IllegalStateException("the embedded Kafka broker did not start: " + e, e);
      }
      EmbeddedKafka kafka = new EmbeddedKafka(dir, temporary, server, ports);
      try {
        kafka.awaitReady(READY_TIMEOUT);
      } catch (RuntimeException | Error e) {
        kafka.closeServer();
        throw e;
      }
      return kafka;
    }
    throw new IllegalStateException(
        "the embedded Kafka broker could not bind its ports in "
            + START_ATTEMPTS
            + " attempts: "
            + last,
        last);
  }

  /**
   * The broker's configuration, as a server.properties file would hold it. Each client listener is
   * named after its security protocol.
   */
  private static Map<String, Object> serverProperties(
      Path logDir, Map<SecurityProtocol, Integer> clientPorts, int controllerPort) {
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    List<String> listeners = new ArrayList<>();
    List<String> protocols = new ArrayList<>(List.of("CONTROLLER:PLAINTEXT"));
    clientPorts.forEach(
        (protocol, port) -> {
          listeners.add(protocol.name + "://" + HOST + ":" + port);
          protocols.add(protocol.name + ":" + protocol.name);
        });
    p.put("advertised.listeners", String.join(",", listeners));
    listeners.add("CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("listeners", String.join(",", listeners));
    p.put("listener.security.protocol.map", String.join(",", protocols));
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());

    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // transaction.max.timeout.ms: Kafka's default (900000 ms = 15 min) on purpose; see the class
    // comment.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    return p;
  }

  /**
   * SASL/PLAIN on the secured listeners, users from {@link Security#plainUsers}, and the key store
   * for TLS. A PLAIN server's JAAS configuration lists its users as {@code
   * user_<name>="<password>"}.
   */
  private static Map<String, Object> securityProperties(
      Security security, Collection<SecurityProtocol> protocols) {
    Map<String, Object> p = new HashMap<>();
    p.put("sasl.enabled.mechanisms", "PLAIN");
    StringBuilder jaas = new StringBuilder(PlainLoginModule.class.getName() + " required");
    security
        .plainUsers()
        .forEach(
            (user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
    jaas.append(';');
    for (SecurityProtocol protocol : protocols) {
      if (protocol.name.startsWith("SASL_")) {
        p.put(
            "listener.name." + protocol.name.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
            jaas.toString());
      }
    }
    if (security.keyStore() != null) {
      p.put("ssl.keystore.location", security.keyStore().toString());
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.password", security.keyStorePassword());
      p.put("ssl.key.password", security.keyStorePassword());
    }
    return p;
  }

  /**
   * Formats the storage as {@code kafka-storage.sh format --cluster-id <random>} does for a static
   * quorum.
   */
  private static void format(Path logDir) {
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setUnstableFeatureVersionsEnabled(false)
            .setIgnoreFormatted(false)
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDir.toString())
            .setHasDynamicQuorum(false);
    formatter.addDirectory(logDir.toString());
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format the Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    Exception last = null;
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          var nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS);
          if (nodes.stream().map(Node::id).anyMatch(id -> id == NODE_ID)) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "interrupted while waiting for the embedded Kafka broker", e);
        }
        sleep(50);
      }
    }
    throw new IllegalStateException(
        "the embedded Kafka broker at "
            + bootstrapServers
            + " was not ready within "
            + timeout.toSeconds()
            + " s"
            + (last == null ? "" : ": " + last),
        last);
  }

  /** The clients' bootstrap address, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The address of the listener of a security protocol ({@code PLAINTEXT}, and with {@link
   * Security} {@code SASL_PLAINTEXT} and perhaps {@code SASL_SSL}).
   *
   * @throws IllegalArgumentException if the broker has no such listener
   */
  public String bootstrapServers(SecurityProtocol protocol) {
    String address = listeners.get(protocol);
    if (address == null)
      throw new IllegalArgumentException("the embedded broker has no " + protocol + " listener");
    return address;
  }

  /** The port of the PLAINTEXT (client) listener. */
  public int port() {
    return port;
  }

  /** The data directory: the one given to {@link #start(Path)}, or the temporary one. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Shuts the broker down cleanly and waits until it has stopped, so its ports are free when this
   * returns; then deletes the data directory if it was a temporary one. Calling it again does
   * nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeServer();
    if (deleteOnClose) {
      try {
        Utils.delete(dataDir.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot delete the embedded Kafka data directory " + dataDir, e);
      }
    }
  }

  private void closeServer() {
    shutdown(server);
  }

  private static void shutdown(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  private static int[] freePorts(int n) {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // the port is only probed
          }
        }
      }
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static void deleteQuietly(Path dir, Throwable failure) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + "]";
  }
}
