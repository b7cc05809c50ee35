package io.streamner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamner.job.JobDefinition;
import io.streamner.model.Precision;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * docker-compose.yml cannot be started on the project's machines (no Docker engine), so this test
 * keeps it honest instead: it reads the file and checks that it agrees with the build (pom.xml),
 * the job (StreamnerJob, flink-jobs/cluster.properties), Kafka's and Flink's own configuration
 * keys, and the page (src/site/markdown/cluster.md) that tells users how to run it.
 */
class DockerComposeTest {
  private static final String KAFKA_SERVICE = "kafka";
  private static final String TOPICS_SERVICE = "topics";
  private static final String JOB_MANAGER = "jobmanager";
  private static final String TASK_MANAGER = "taskmanager";
  private static final String SUBMIT = "submit";
  private static final String JOB_JAR = "target/streamner-job.jar";
  private static final int WEB_UI_PORT = 8081;

  /** The user the official Flink images run as: checkpoint directories must be writable by it. */
  private static final String FLINK_USER = "flink";

  private static JsonNode compose;
  private static JsonNode services;
  private static Document pom;

  /** A file of the project; tests run from its root (Maven sets basedir). */
  private static Path project(String relative) {
    return Path.of(System.getProperty("basedir", ".")).resolve(relative);
  }

  @BeforeAll
  static void read() throws Exception {
    compose = new ObjectMapper(new YAMLFactory()).readTree(project("docker-compose.yml").toFile());
    assertNotNull(compose, "docker-compose.yml is empty");
    services = compose.path("services");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(false);
    pom = factory.newDocumentBuilder().parse(project("pom.xml").toFile());
  }

  // ---------------------------------------------------------------- the file itself

  @Test
  void isAComposeSpecFileWithTheExpectedServices() {
    assertTrue(compose.isObject(), "docker-compose.yml is a mapping");
    assertFalse(
        compose.has("version"), "the Compose spec has no 'version:' key (obsolete, warned about)");
    Set<String> allowed =
        Set.of("name", "services", "volumes", "networks", "configs", "secrets", "include");
    for (String key : fieldNames(compose)) {
      assertTrue(
          allowed.contains(key) || key.startsWith("x-"), "unknown top-level key '" + key + "'");
    }
    assertTrue(services.isObject() && services.size() > 0, "services: is a non-empty mapping");
    for (String name : List.of(KAFKA_SERVICE, TOPICS_SERVICE, JOB_MANAGER, TASK_MANAGER, SUBMIT)) {
      assertTrue(services.has(name), "service '" + name + "' is defined");
    }
    for (String name : fieldNames(services)) {
      assertTrue(
          service(name).path("image").isTextual(), name + ": runs a published image (no build:)");
    }
  }

  @Test
  void everyDependsOnNamesAnExistingServiceWithAConditionItCanMeet() {
    Map<String, Set<String>> graph = new LinkedHashMap<>();
    for (String name : fieldNames(services)) {
      Map<String, String> deps = dependsOn(name);
      graph.put(name, deps.keySet());
      for (Map.Entry<String, String> d : deps.entrySet()) {
        String target = d.getKey(), condition = d.getValue();
        assertTrue(
            services.has(target), name + " depends on '" + target + "', which is not a service");
        assertTrue(
            Set.of("service_started", "service_healthy", "service_completed_successfully")
                .contains(condition),
            name + " -> " + target + ": unknown condition '" + condition + "'");
        if (condition.equals("service_healthy")) {
          assertTrue(
              service(target).has("healthcheck"),
              name + " waits for " + target + " to be healthy, but it has no healthcheck");
        }
        if (condition.equals("service_completed_successfully")) {
          String restart = service(target).path("restart").asText("no");
          assertEquals(
              "no",
              restart,
              name + " waits for " + target + " to complete, so " + target + " must not restart");
        }
      }
    }
    for (String start : graph.keySet()) assertNoCycle(graph, start, new ArrayList<>());
  }

  // ---------------------------------------------------------------- images agree with the build

  @Test
  void flinkImagesAreTheBuildsFlinkVersionAndJava() {
    String flinkVersion = pomProperty("flink.version");
    String release = pomProperty("maven.compiler.release");
    Pattern tag = Pattern.compile("flink:(\\d+\\.\\d+\\.\\d+)(?:-scala_\\d+\\.\\d+)?-java(\\d+)");
    Set<String> images = new TreeSet<>();
    for (String name : List.of(JOB_MANAGER, TASK_MANAGER, SUBMIT)) {
      String image = image(name);
      images.add(image);
      Matcher m = tag.matcher(image);
      assertTrue(
          m.matches(),
          name
              + ": image '"
              + image
              + "' is not an official flink:<version>[-scala_2.12]-java<N> tag");
      assertEquals(
          flinkVersion, m.group(1), name + ": Flink in the image vs flink.version in pom.xml");
      assertEquals(
          release, m.group(2), name + ": Java in the image vs maven.compiler.release in pom.xml");
    }
    assertEquals(1, images.size(), "job manager, task manager and client run one image: " + images);
    for (String name : fieldNames(services)) {
      if (image(name).startsWith("flink:"))
        assertTrue(
            images.contains(image(name)), name + " runs another Flink image: " + image(name));
    }
  }

  @Test
  void kafkaImageIsTheBuildsKafkaVersion() {
    String expected = "apache/kafka:" + pomProperty("kafka.version");
    assertEquals(expected, image(KAFKA_SERVICE), "the broker image vs kafka.version in pom.xml");
    assertEquals(
        expected,
        image(TOPICS_SERVICE),
        "the topics service uses the broker's image (and its kafka-topics.sh)");
  }

  // ---------------------------------------------------------------- Kafka

  @Test
  void kafkaIsASingleKraftNodeWithOneReplicaEverywhere() {
    Map<String, String> env = environment(KAFKA_SERVICE);
    assertEquals(
        "broker,controller",
        env.get("KAFKA_PROCESS_ROLES"),
        "one node that is broker and controller (KRaft)");
    assertNotNull(env.get("CLUSTER_ID"), "KRaft in the apache/kafka image needs CLUSTER_ID");
    Uuid.fromString(
        env.get("CLUSTER_ID")); // throws unless it is a valid cluster id (base64 of 16 bytes)
    for (String key :
        List.of(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
      assertEquals("1", env.get(key), key + ": one broker, so 1, or the coordinators never start");
    }
    String nodeId = env.get("KAFKA_NODE_ID");
    Listeners listeners = listeners();
    String voters = env.get("KAFKA_CONTROLLER_QUORUM_VOTERS");
    assertNotNull(voters, "KAFKA_CONTROLLER_QUORUM_VOTERS");
    Matcher voter = Pattern.compile("(\\d+)@([^:]+):(\\d+)").matcher(voters);
    assertTrue(voter.matches(), "one voter, id@host:port: " + voters);
    assertEquals(nodeId, voter.group(1), "the only voter is this node");
    assertEquals(KAFKA_SERVICE, voter.group(2), "the voter's host is the kafka service");
    String controller = env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
    assertEquals(
        listeners.port(controller),
        Integer.valueOf(voter.group(3)),
        "the voter's port is the " + controller + " listener's");
    String interBroker = env.get("KAFKA_INTER_BROKER_LISTENER_NAME");
    assertNotNull(
        listeners.advertised.get(interBroker),
        "the inter-broker listener " + interBroker + " is advertised");
    for (String name : listeners.bound.keySet()) {
      assertTrue(
          listeners.protocols.containsKey(name),
          "listener " + name + " has a security protocol in the map");
    }
  }

  /**
   * The image turns KAFKA_FOO_BAR into foo.bar: a misspelt variable would be ignored, so each must
   * be a broker key.
   */
  @Test
  void everyKafkaVariableIsABrokerSetting() throws Exception {
    Set<String> notSettings =
        Set.of(
            "KAFKA_VERSION",
            "KAFKA_HEAP_OPTS",
            "KAFKA_LOG4J_OPTS",
            "KAFKA_OPTS",
            "KAFKA_JMX_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG4J_ROOT_LOGLEVEL",
            "KAFKA_LOG4J_LOGGERS",
            "KAFKA_TOOLS_LOG4J_LOGLEVEL");
    ConfigDef broker =
        (ConfigDef)
            Class.forName("org.apache.kafka.server.config.AbstractKafkaConfig")
                .getField("CONFIG_DEF")
                .get(null);
    List<String> unknown = new ArrayList<>();
    for (String variable : environment(KAFKA_SERVICE).keySet()) {
      if (!variable.startsWith("KAFKA_") || notSettings.contains(variable)) continue;
      String key =
          variable
              .substring("KAFKA_".length())
              .replace("___", "\u0001")
              .replace("__", "\u0002")
              .replace('_', '.')
              .replace('\u0001', '-')
              .replace('\u0002', '_')
              .toLowerCase(java.util.Locale.ROOT);
      if (!broker.names().contains(key)) unknown.add(variable + " (" + key + ")");
    }
    assertEquals(
        List.of(), unknown, "not Kafka " + pomProperty("kafka.version") + " broker settings");
  }

  @Test
  void kafkaHealthcheckUsesTheImagesScriptsOnAListenerPort() {
    List<String> test = textList(service(KAFKA_SERVICE).path("healthcheck").path("test"));
    assertFalse(test.isEmpty(), "kafka has a healthcheck");
    String joined = String.join(" ", test);
    assertTrue(
        joined.contains("/opt/kafka/bin/kafka-broker-api-versions.sh")
            || joined.contains("/opt/kafka/bin/kafka-topics.sh"),
        "the healthcheck runs a script of the image: " + joined);
    List<String> tokens = tokens(joined);
    String server = option(tokens, "--bootstrap-server");
    assertNotNull(server, "the healthcheck names --bootstrap-server: " + joined);
    int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    assertTrue(
        listeners().bound.containsValue(port),
        "the healthcheck's port " + port + " is a listener: " + listeners().bound);
  }

  @Test
  void theJobReachesKafkaOnAnInternalListenerOfTheKafkaService() throws IOException {
    JobDefinition definition = definition();
    Listeners listeners = listeners();
    for (String server : definition.bootstrapServers().split(",")) {
      String host = server.substring(0, server.lastIndexOf(':'));
      int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
      assertEquals(
          KAFKA_SERVICE, host, "kafka.bootstrap.servers names the kafka service: " + server);
      String listener = listeners.advertisedAs(server);
      assertNotNull(
          listener,
          server + " is not an advertised listener of the broker: " + listeners.advertised);
      assertEquals(
          port,
          listeners.port(listener),
          "the " + listener + " listener binds the port it advertises");
    }
    List<String> run = flinkRun();
    assertEquals(
        definition.bootstrapServers(),
        option(run, "--bootstrap-servers"),
        "submit's --bootstrap-servers and the definition's kafka.bootstrap.servers say the same");
  }

  @Test
  void theHostReachesKafkaOnAPublishedListener() {
    int hostPort = hostKafkaPort();
    Listeners listeners = listeners();
    String listener = listeners.advertisedAs("localhost:" + hostPort);
    assertEquals(
        hostPort,
        listeners.port(listener),
        "the host listener binds the port it advertises, so that the published port reaches it");
  }

  // ---------------------------------------------------------------- topics

  @Test
  void theTopicsServiceCreatesExactlyTheDefinitionsTopics() throws IOException {
    JobDefinition.Topics topics = definition().topics();
    Map<String, TopicSpec> created = createdTopics();
    Set<String> expected =
        new TreeSet<>(
            List.of(
                topics.train(),
                topics.score(),
                topics.predictions(),
                topics.snapshots(),
                topics.deadLetter()));
    assertEquals(
        expected,
        new TreeSet<>(created.keySet()),
        "topics created vs the topics of the definition");

    TopicSpec train = created.get(topics.train());
    assertEquals(
        1,
        train.partitions,
        "train has one partition: models learn in topic order (flink-jobs/README.md)");
    TopicSpec snapshots = created.get(topics.snapshots());
    assertEquals(
        "compact", snapshots.configs.get("cleanup.policy"), "the snapshots topic is compacted");
    assertFalse(
        "compact".equals(created.get(topics.predictions()).configs.get("cleanup.policy")),
        "predictions must not be compacted (schemas/topics.md)");
    for (TopicSpec t : created.values()) {
      assertTrue(t.partitions >= 1, t.name + ": --partitions");
      assertEquals(1, t.replicationFactor, t.name + ": one broker, so --replication-factor 1");
    }
    assertEquals(
        "service_healthy",
        dependsOn(TOPICS_SERVICE).get(KAFKA_SERVICE),
        "topics waits until kafka is healthy");
  }

  @Test
  void topicsAreCreatedIdempotentlyThroughTheInternalListener() {
    Listeners listeners = listeners();
    List<List<String>> commands = kafkaTopicsCreateCommands();
    assertFalse(commands.isEmpty(), "the topics service runs kafka-topics.sh --create");
    for (List<String> c : commands) {
      assertTrue(
          c.contains("--if-not-exists"), "--if-not-exists, so that a second 'up' succeeds: " + c);
      String server = option(c, "--bootstrap-server");
      assertNotNull(
          listeners.advertisedAs(server),
          "--bootstrap-server " + server + " is an advertised listener: " + c);
      assertTrue(
          server.startsWith(KAFKA_SERVICE + ":"),
          "the topics container reaches kafka by its service name: " + c);
    }
  }

  // ---------------------------------------------------------------- the job: jar, class,
  // definition

  @Test
  void submitRunsTheBuildsJobJarAndMainClass() throws Exception {
    List<String> run = flinkRun();
    assertTrue(
        run.contains("-d"),
        "detached: the submit container exits and the job keeps running: " + run);
    assertEquals(
        JOB_MANAGER + ":" + WEB_UI_PORT,
        option(run, "-m"),
        "submits to the job manager's REST port");

    String mainClass = option(run, "-c");
    assertNotNull(mainClass, "-c names the entry point");
    Class<?> entry = Class.forName(mainClass);
    Method main = entry.getMethod("main", String[].class);
    assertTrue(Modifier.isStatic(main.getModifiers()), mainClass + ".main is static");

    String jar = run.get(run.indexOf(mainClass) + 1);
    Mount mount = mountAt(SUBMIT, jar);
    assertNotNull(mount, "the jar " + jar + " is mounted into submit");
    assertEquals(
        "./" + JOB_JAR, mount.source, "the jar submitted is the one `mvn -B verify` builds");
    assertEquals(jar, mount.target, "the jar is mounted as a file at the path submitted");
    assertTrue(mount.readOnly, "the jar is mounted read-only");

    Map<String, String> deps = dependsOn(SUBMIT);
    assertEquals(
        "service_completed_successfully",
        deps.get(TOPICS_SERVICE),
        "submit waits until the topics exist");
    assertEquals(
        "service_healthy", deps.get(JOB_MANAGER), "submit waits until the job manager answers");
  }

  @Test
  void theBuildProducesTheSubmittedJar() throws Exception {
    Set<String> shaded = shadedJars();
    assertTrue(shaded.contains("target/streamner.jar"), "pom.xml shades the CLI jar: " + shaded);
    if (shaded.contains(JOB_JAR)) return;
    assertEquals(
        Set.of("target/streamner.jar"),
        shaded,
        "pom.xml shades a jar besides the CLI, but not "
            + JOB_JAR
            + " (the jar docker-compose.yml submits)");
    // The job jar is added to the build on another branch; until it lands there is nothing to
    // compare.
    String text = Files.readString(project("pom.xml"), StandardCharsets.UTF_8);
    assumeTrue(text.contains("streamner-job"), "pom.xml does not build " + JOB_JAR + " yet");
  }

  @Test
  void theSubmittedDefinitionExistsAndLoads() throws IOException {
    Path file = definitionFile();
    assertTrue(Files.isRegularFile(file), "the definition submit passes exists: " + file);
    JobDefinition d = JobDefinition.load(file);
    assertFalse(d.bounded(), "a cluster job runs until stopped: source.bounded = false");
    Mount jobs = mountAt(SUBMIT, option(flinkRun(), "--definition"));
    assertTrue(jobs.readOnly, "flink-jobs is mounted read-only");
    String guard = submitScript();
    assertTrue(
        guard.contains("flink list") && guard.contains(" : " + d.name() + " ("),
        "submit skips a job named '"
            + d.name()
            + "' (job.name) that is already running, so a second 'up' does not double it");
  }

  /**
   * Task managers read model.vectors and model.init.* and write final-model.dir: those must be
   * mounted.
   */
  @Test
  void filesTheJobOpensOnTaskManagersAreMountedThere() throws IOException {
    JobDefinition d = definition();
    List<String> paths = new ArrayList<>(d.initModels().values());
    if (d.vectors() != null) paths.add(d.vectors());
    if (d.finalModelDirectory() != null) paths.add(d.finalModelDirectory());
    for (String path : paths) {
      assertTrue(
          path.startsWith("/"),
          "paths in the cluster definition are absolute container paths: " + path);
      assertNotNull(
          mountAt(TASK_MANAGER, path),
          path + " is opened by the task managers but not mounted into them");
    }
  }

  // ---------------------------------------------------------------- Flink cluster

  @Test
  void theWebUiIsPublished() {
    assertTrue(
        ports(JOB_MANAGER).contains(List.of(WEB_UI_PORT, WEB_UI_PORT)),
        "the job manager publishes " + WEB_UI_PORT + ":" + WEB_UI_PORT + ": " + ports(JOB_MANAGER));
    String restPort = flinkProperties(JOB_MANAGER).get("rest.port");
    assertTrue(
        restPort == null || restPort.equals(String.valueOf(WEB_UI_PORT)),
        "rest.port stays " + WEB_UI_PORT);
    assertTrue(
        textList(service(JOB_MANAGER).path("healthcheck").path("test")).stream()
            .anyMatch(s -> s.contains("localhost:" + WEB_UI_PORT)),
        "the job manager's healthcheck asks its REST port");
  }

  /**
   * submit runs StreamnerJob.main, which resumes from the newest checkpoint or savepoint under the
   * definition's checkpoint directory: it must see the same volume, at the same path.
   */
  @Test
  void submitSeesTheCheckpointsItResumesFrom() throws IOException {
    String path = URI.create(definition().checkpointDirectory()).getPath();
    Mount submit = mountAt(SUBMIT, path), jm = mountAt(JOB_MANAGER, path);
    assertNotNull(submit, "submit mounts " + path + " to find the newest checkpoint");
    assertEquals(jm.source, submit.source, "the same volume the job manager writes to");
    assertFalse(
        flinkRun().contains("--fresh"), "submit resumes: it does not start over with --fresh");
  }

  @Test
  void checkpointsGoToAVolumeMountedInJobAndTaskManagers() throws IOException {
    JobDefinition d = definition();
    assertNotNull(d.checkpointDirectory(), "the cluster definition sets checkpoint.dir");
    URI uri = URI.create(d.checkpointDirectory());
    assertEquals(
        "file", uri.getScheme(), "checkpoint.dir is a file:// URI on the shared volume: " + uri);
    String path = uri.getPath();
    Mount jm = mountAt(JOB_MANAGER, path), tm = mountAt(TASK_MANAGER, path);
    assertNotNull(jm, "the job manager mounts " + path + " (checkpoint.dir)");
    assertNotNull(tm, "the task manager mounts " + path + " (checkpoint.dir)");
    assertEquals(jm.source, tm.source, "job and task managers share one checkpoint volume");
    assertTrue(
        compose.path("volumes").has(jm.source),
        "the checkpoint mount is a named volume declared under volumes: " + jm.source);
    assertFalse(jm.readOnly || tm.readOnly, "the checkpoint volume is writable");

    // A new named volume belongs to root and the images run as flink: something must hand it over
    // first.
    String init = null;
    for (String name : fieldNames(services)) {
      Mount m = mountAt(name, path);
      String all =
          String.join(" ", textList(service(name).path("entrypoint")))
              + " "
              + String.join(" ", textList(service(name).path("command")));
      if (m != null
          && m.source.equals(jm.source)
          && "root".equals(service(name).path("user").asText())
          && all.contains("chown")
          && all.contains(FLINK_USER)
          && all.contains(m.target)) {
        init = name;
      }
    }
    assertNotNull(init, "a service running as root chowns the checkpoint volume to " + FLINK_USER);
    for (String name : List.of(JOB_MANAGER, TASK_MANAGER)) {
      assertEquals(
          "service_completed_successfully",
          dependsOn(name).get(init),
          name + " starts after " + init);
    }
  }

  @Test
  void flinkPropertiesAgreeWithTheDefinition() throws IOException {
    JobDefinition d = definition();
    Map<String, String> jm = flinkProperties(JOB_MANAGER), tm = flinkProperties(TASK_MANAGER);
    assertEquals(jm, tm, "job and task managers get the same FLINK_PROPERTIES");
    assertEquals(
        JOB_MANAGER,
        jm.get("jobmanager.rpc.address"),
        "jobmanager.rpc.address is the job manager's service");
    assertEquals(
        d.checkpointDirectory(),
        jm.get("execution.checkpointing.dir"),
        "cluster checkpoint dir = checkpoint.dir");
    assertEquals(
        d.stateBackend().name().toLowerCase(java.util.Locale.ROOT),
        jm.get("state.backend.type"),
        "cluster state backend = state.backend");
    int slots = Integer.parseInt(jm.getOrDefault("taskmanager.numberOfTaskSlots", "1"));
    assertTrue(
        slots >= d.parallelism(),
        "one task manager (" + slots + " slots) runs the job at parallelism " + d.parallelism());
  }

  /**
   * The job and task managers start with the Vector API, for the float kernel the definition asks
   * for, and still with Flink's own Java 17 flags: FLINK_PROPERTIES replaces the image's
   * env.java.opts.all, which holds them, rather than adding to it.
   */
  @Test
  void flinkJvmsHaveTheVectorApiAndKeepFlinksJava17Flags() throws IOException {
    assertEquals(
        Precision.FLOAT,
        definition().hyperparameters().precision(),
        "the cluster's job runs the float kernel, for which the JVMs get the Vector API");
    for (String name : List.of(JOB_MANAGER, TASK_MANAGER)) {
      String opts = flinkProperties(name).get(CoreOptions.FLINK_JVM_OPTIONS.key());
      assertNotNull(opts, name + " sets " + CoreOptions.FLINK_JVM_OPTIONS.key());
      List<String> flags = List.of(opts.trim().split("\\s+"));
      int at = Collections.indexOfSubList(flags, StandaloneFlinkCluster.VECTOR_API_OPTS);
      assertTrue(at >= 0, name + ": no --add-modules jdk.incubator.vector in " + opts);
      for (String flag : StandaloneFlinkCluster.JAVA_17_OPTS) {
        assertTrue(flags.contains(flag), name + ": Flink's Java 17 flag " + flag + " is missing");
      }
    }
  }

  /**
   * Flink 2 renamed many keys (state.checkpoints.dir is execution.checkpointing.dir): only current
   * names.
   */
  @Test
  void flinkPropertiesUseCurrentFlinkKeys() throws Exception {
    Map<String, String> current =
        new HashMap<>(); // key -> itself; deprecated key -> its replacement
    for (String className :
        List.of(
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions")) {
      for (Field f : Class.forName(className).getFields()) {
        if (!Modifier.isStatic(f.getModifiers())
            || !ConfigOption.class.isAssignableFrom(f.getType())) continue;
        ConfigOption<?> option = (ConfigOption<?>) f.get(null);
        if (f.isAnnotationPresent(Deprecated.class)) {
          current.putIfAbsent(option.key(), "(deprecated)");
          continue;
        }
        current.put(option.key(), option.key());
        for (FallbackKey fallback : option.fallbackKeys()) {
          if (fallback.isDeprecated()) current.putIfAbsent(fallback.getKey(), option.key());
        }
      }
    }
    for (String name : List.of(JOB_MANAGER, TASK_MANAGER)) {
      for (String key : flinkProperties(name).keySet()) {
        String now = current.get(key);
        assertNotNull(
            now,
            name + ": '" + key + "' is not a Flink " + pomProperty("flink.version") + " option");
        assertEquals(
            key,
            now,
            name + ": '" + key + "' is deprecated in Flink " + pomProperty("flink.version"));
      }
    }
  }

  /**
   * Closed by default: every published port binds the host's loopback address, and the file says
   * how to open one. Flink's REST API runs jobs for anyone who reaches it.
   */
  @Test
  void everyPublishedPortIsOnLoopbackOnlyAndTheFileSaysHowToOpenIt() throws IOException {
    int published = 0;
    for (String name : fieldNames(services)) {
      for (JsonNode p : service(name).path("ports")) {
        String hostIp =
            p.isObject()
                ? p.path("host_ip").asText("")
                : p.asText().split(":").length == 3 ? p.asText().split(":")[0] : "";
        assertEquals(
            "127.0.0.1", hostIp, name + " publishes " + p + " on every interface of the host");
        published++;
      }
    }
    assertTrue(published >= 2, "the web UI and the host's Kafka listener are published");
    String text = Files.readString(project("docker-compose.yml"), StandardCharsets.UTF_8);
    assertTrue(
        text.lines().anyMatch(l -> l.trim().startsWith("#") && l.contains("\"127.0.0.1:\" prefix")),
        "a comment says how to open a port (drop the \"127.0.0.1:\" prefix)");
  }

  // ---------------------------------------------------------------- the cluster page

  @Test
  void theClusterPageUsesThePortsOfTheFile() throws IOException {
    String section =
        Files.readString(project("src/site/markdown/cluster.md"), StandardCharsets.UTF_8);
    assertTrue(section.startsWith("# Running on a cluster\n"), "the page that README.md links");
    assertTrue(
        Files.readString(project("README.md"), StandardCharsets.UTF_8)
            .contains("(src/site/markdown/cluster.md)"),
        "README.md links the page");
    assertTrue(section.contains("docker compose up -d"), "the section says how to start it");
    assertTrue(
        section.contains("http://localhost:" + WEB_UI_PORT),
        "the section names the web UI's address");
    assertTrue(
        section.contains("--scale " + TASK_MANAGER + "="),
        "the section says how to add task managers");
    // On the host, clients use the published port; inside the kafka container, a port the broker
    // binds.
    Pattern server = Pattern.compile("--bootstrap-servers?\\s+localhost:(\\d+)");
    int onHost = 0;
    for (String line : section.split("\n")) {
      Matcher m = server.matcher(line);
      while (m.find()) {
        int port = Integer.parseInt(m.group(1));
        if (line.contains("docker compose exec " + KAFKA_SERVICE + " ")) {
          assertTrue(
              listeners().bound.containsValue(port),
              "inside the kafka container, port " + port + " is a listener: " + line);
        } else {
          onHost++;
          assertEquals(
              hostKafkaPort(), port, "the host reaches Kafka on the published port: " + line);
        }
      }
    }
    assertTrue(
        onHost > 0,
        "the section shows a host command with --bootstrap-servers localhost:" + hostKafkaPort());
  }

  // ================================================================ reading the compose file

  private static JsonNode service(String name) {
    JsonNode s = services.get(name);
    assertNotNull(s, "no service '" + name + "' in docker-compose.yml");
    return s;
  }

  private static String image(String name) {
    return service(name).path("image").asText();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
    return names;
  }

  /** A string or a list of strings (command:, entrypoint:, healthcheck test:). */
  private static List<String> textList(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) out.add(node.asText());
    else if (node.isArray()) for (JsonNode n : node) out.add(n.asText());
    return out;
  }

  /** environment: as a mapping or as a list of NAME=value. */
  private static Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = service(name).path("environment");
    if (node.isObject()) {
      for (String key : fieldNames(node))
        env.put(key, node.get(key).isNull() ? null : node.get(key).asText());
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        String s = n.asText();
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return env;
  }

  /** depends_on: as a list (condition service_started) or a mapping with conditions. */
  private static Map<String, String> dependsOn(String name) {
    Map<String, String> deps = new LinkedHashMap<>();
    JsonNode node = service(name).path("depends_on");
    if (node.isArray()) for (JsonNode n : node) deps.put(n.asText(), "service_started");
    else if (node.isObject()) {
      for (String key : fieldNames(node))
        deps.put(key, node.get(key).path("condition").asText("service_started"));
    }
    return deps;
  }

  private static void assertNoCycle(
      Map<String, Set<String>> graph, String node, List<String> path) {
    if (path.contains(node)) fail("depends_on cycle: " + path + " -> " + node);
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) assertNoCycle(graph, next, path);
    path.remove(path.size() - 1);
  }

  /** FLINK_PROPERTIES, one "key: value" a line, as the image's entrypoint reads it. */
  private static Map<String, String> flinkProperties(String name) {
    String text = environment(name).get("FLINK_PROPERTIES");
    assertNotNull(text, name + " sets FLINK_PROPERTIES");
    Map<String, String> properties = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      int colon = line.indexOf(':');
      assertTrue(colon > 0, name + ": FLINK_PROPERTIES line is not 'key: value': " + line);
      String key = line.substring(0, colon).trim();
      assertNull(
          properties.put(key, line.substring(colon + 1).trim()), name + ": " + key + " set twice");
    }
    return properties;
  }

  record Mount(String source, String target, boolean readOnly) {}

  private static List<Mount> mounts(String name) {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode v : service(name).path("volumes")) {
      if (v.isTextual()) {
        String[] parts = v.asText().split(":");
        assertTrue(
            parts.length >= 2,
            name + ": a volume without a source would be anonymous: " + v.asText());
        mounts.add(
            new Mount(
                parts[0],
                parts[1],
                parts.length > 2 && List.of(parts[2].split(",")).contains("ro")));
      } else {
        mounts.add(
            new Mount(
                v.path("source").asText(),
                v.path("target").asText(),
                v.path("read_only").asBoolean(false)));
      }
    }
    return mounts;
  }

  /** The mount that holds the container path, or null. */
  private static Mount mountAt(String name, String containerPath) {
    Mount best = null;
    for (Mount m : mounts(name)) {
      if (containerPath.equals(m.target)
          || containerPath.startsWith(m.target.endsWith("/") ? m.target : m.target + "/")) {
        if (best == null || m.target.length() > best.target.length()) best = m;
      }
    }
    return best;
  }

  /** Published ports as [host, container]; the short syntax and the long one. */
  private static List<List<Integer>> ports(String name) {
    List<List<Integer>> ports = new ArrayList<>();
    for (JsonNode p : service(name).path("ports")) {
      if (p.isObject()) {
        ports.add(List.of(p.path("published").asInt(), p.path("target").asInt()));
      } else {
        String[] parts = p.asText().replaceAll("/(tcp|udp)$", "").split(":");
        int container = Integer.parseInt(parts[parts.length - 1]);
        ports.add(
            List.of(parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : -1, container));
      }
    }
    return ports;
  }

  /** Listener names to bound ports, advertised host:port and security protocols. */
  record Listeners(
      Map<String, Integer> bound, Map<String, String> advertised, Map<String, String> protocols) {
    Integer port(String listener) {
      return bound.get(listener);
    }

    String advertisedAs(String hostPort) {
      for (Map.Entry<String, String> e : advertised.entrySet())
        if (e.getValue().equals(hostPort)) return e.getKey();
      return null;
    }
  }

  private static Listeners listeners() {
    Map<String, String> env = environment(KAFKA_SERVICE);
    Map<String, Integer> bound = new LinkedHashMap<>();
    for (Map.Entry<String, String> e :
        parseListeners(env.get("KAFKA_LISTENERS"), true).entrySet()) {
      bound.put(
          e.getKey(), Integer.valueOf(e.getValue().substring(e.getValue().lastIndexOf(':') + 1)));
    }
    return new Listeners(
        bound,
        parseListeners(env.get("KAFKA_ADVERTISED_LISTENERS"), false),
        parseMap(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")));
  }

  private static Map<String, String> parseListeners(String value, boolean mayOmitHost) {
    assertNotNull(value, "kafka sets KAFKA_LISTENERS and KAFKA_ADVERTISED_LISTENERS");
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : value.split(",")) {
      Matcher m = Pattern.compile("([A-Za-z_]+)://([^:]*):(\\d+)").matcher(l.trim());
      assertTrue(m.matches(), "not NAME://host:port: " + l);
      assertTrue(
          mayOmitHost || !m.group(2).isEmpty(), "an advertised listener names its host: " + l);
      out.put(m.group(1), m.group(2) + ":" + m.group(3));
    }
    return out;
  }

  private static Map<String, String> parseMap(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value != null)
      for (String pair : value.split(","))
        out.put(pair.split(":")[0].trim(), pair.split(":")[1].trim());
    return out;
  }

  /**
   * The port the host reaches Kafka on: an advertised localhost listener, published on the same
   * port.
   */
  private static int hostKafkaPort() {
    Listeners listeners = listeners();
    Integer found = null;
    for (String hostPort : listeners.advertised.values()) {
      if (hostPort.startsWith("localhost:"))
        found = Integer.valueOf(hostPort.substring("localhost:".length()));
    }
    assertNotNull(
        found,
        "kafka advertises a listener at localhost:<port> for clients on the host: "
            + listeners.advertised);
    int port = found;
    assertTrue(
        ports(KAFKA_SERVICE).contains(List.of(port, port)),
        "kafka publishes "
            + port
            + ":"
            + port
            + " (clients on the host are sent to the advertised port): "
            + ports(KAFKA_SERVICE));
    return port;
  }

  /** The shell script of a one-shot service: its command lines, continuations joined. */
  private static List<String> scriptLines(String name) {
    List<String> parts = new ArrayList<>(textList(service(name).path("entrypoint")));
    parts.addAll(textList(service(name).path("command")));
    List<String> lines = new ArrayList<>();
    for (String line : String.join("\n", parts).replace("\\\n", " ").split("\n")) {
      if (!line.isBlank()) lines.add(line.trim());
    }
    return lines;
  }

  private static String submitScript() {
    return String.join("\n", scriptLines(SUBMIT));
  }

  /** White-space separated words, quotes stripped (the commands here need no shell quoting). */
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    for (String t : line.trim().split("\\s+")) out.add(t.replaceAll("^['\"]|['\"]$", ""));
    return out;
  }

  private static String option(List<String> tokens, String name) {
    int i = tokens.indexOf(name);
    return i < 0 || i + 1 >= tokens.size() ? null : tokens.get(i + 1);
  }

  /** The words of submit's `flink run` command. */
  private static List<String> flinkRun() {
    List<String> runs = new ArrayList<>();
    for (String line : scriptLines(SUBMIT))
      if (line.matches("(.*[\\s;&])?(\\S*/)?flink run .*")) runs.add(line);
    assertEquals(1, runs.size(), "submit runs one `flink run`: " + runs);
    List<String> t = tokens(runs.get(0));
    return t.subList(t.indexOf("run") - 1, t.size());
  }

  /** The host file of the definition submit passes, through submit's mounts. */
  private static Path definitionFile() {
    String inContainer = option(flinkRun(), "--definition");
    assertNotNull(inContainer, "submit passes --definition");
    Mount m = mountAt(SUBMIT, inContainer);
    assertNotNull(m, "the definition " + inContainer + " is mounted into submit");
    assertTrue(m.source.startsWith("./"), "the definition comes from the repository: " + m.source);
    return project(m.source.substring(2) + inContainer.substring(m.target.length()));
  }

  private static JobDefinition definition() throws IOException {
    return JobDefinition.load(definitionFile());
  }

  record TopicSpec(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {}

  private static List<List<String>> kafkaTopicsCreateCommands() {
    List<List<String>> out = new ArrayList<>();
    for (String line : scriptLines(TOPICS_SERVICE)) {
      List<String> t = tokens(line);
      if (t.stream().anyMatch(w -> w.endsWith("kafka-topics.sh")) && t.contains("--create"))
        out.add(t);
    }
    return out;
  }

  private static Map<String, TopicSpec> createdTopics() {
    Map<String, TopicSpec> topics = new LinkedHashMap<>();
    for (List<String> c : kafkaTopicsCreateCommands()) {
      Map<String, String> configs = new LinkedHashMap<>();
      for (int i = 0; i < c.size() - 1; i++) {
        if (c.get(i).equals("--config")) {
          String[] kv = c.get(i + 1).split("=", 2);
          configs.put(kv[0], kv[1]);
        }
      }
      String name = option(c, "--topic");
      assertNotNull(name, "kafka-topics.sh --create names --topic: " + c);
      String partitions = option(c, "--partitions"),
          replication = option(c, "--replication-factor");
      assertNotNull(
          partitions, name + ": --partitions given (the broker default is not a decision)");
      assertNotNull(replication, name + ": --replication-factor given");
      assertNull(
          topics.put(
              name,
              new TopicSpec(
                  name, Integer.parseInt(partitions), Integer.parseInt(replication), configs)),
          name + " created twice");
    }
    return topics;
  }

  // ================================================================ reading pom.xml

  private static String pomProperty(String name) {
    Element properties = child(pom.getDocumentElement(), "properties");
    assertNotNull(properties, "pom.xml has <properties>");
    Element p = child(properties, name);
    assertNotNull(p, "pom.xml has the property " + name);
    return p.getTextContent().trim();
  }

  /** The jars the shade executions of the main build write, as paths relative to the project. */
  private static Set<String> shadedJars() {
    Element build = child(pom.getDocumentElement(), "build");
    String finalName =
        text(
            child(build, "finalName"),
            child(pom.getDocumentElement(), "artifactId").getTextContent().trim());
    String version = child(pom.getDocumentElement(), "version").getTextContent().trim();
    Set<String> jars = new LinkedHashSet<>();
    for (Element plugin : children(child(build, "plugins"), "plugin")) {
      if (!text(child(plugin, "artifactId"), "").equals("maven-shade-plugin")) continue;
      for (Element execution : children(child(plugin, "executions"), "execution")) {
        Element conf = child(execution, "configuration");
        String outputFile = text(child(conf, "outputFile"), null);
        String shadedFinalName = text(child(conf, "finalName"), null);
        String jar;
        if (outputFile != null) {
          jar =
              outputFile
                  .replace("${project.build.directory}", "target")
                  .replace("${project.basedir}/", "")
                  .replace("${basedir}/", "")
                  .replace("${project.build.finalName}", finalName);
        } else if (shadedFinalName != null && !shadedFinalName.equals(finalName)) {
          jar = "target/" + shadedFinalName + ".jar";
        } else if (Boolean.parseBoolean(text(child(conf, "shadedArtifactAttached"), "false"))) {
          jar =
              "target/"
                  + text(child(pom.getDocumentElement(), "artifactId"), "")
                  + "-"
                  + version
                  + "-"
                  + text(child(conf, "shadedClassifierName"), "shaded")
                  + ".jar";
        } else {
          jar = "target/" + finalName + ".jar";
        }
        jars.add(jar);
      }
    }
    return jars;
  }

  private static Element child(Element parent, String name) {
    if (parent == null) return null;
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) return e;
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) return out;
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
    }
    return out;
  }

  private static String text(Element e, String otherwise) {
    return e == null ? otherwise : e.getTextContent().trim();
  }
}
