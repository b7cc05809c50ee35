package io.streamner.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Flink session cluster on this machine, each process a separate JVM started as
 * Flink's {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them: memory flags from
 * {@code BashJavaUtils GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS}, the Java 17 flags of the
 * distribution's {@code env.java.opts.all}, then {@code StandaloneSessionClusterEntrypoint} or
 * {@code TaskManagerRunner} with {@code --configDir} and the dynamic properties.
 *
 * <p>The classpath is a distribution's {@code lib/} rebuilt from Maven (target/flink-classpath.txt,
 * written by the "cluster" profile): Flink, RocksDB, the web module, log4j, and none of streamner's
 * libraries, so a job jar that misses one fails here as it would on a real cluster.
 *
 * <p>Everything a process writes (logs, its {@code java.io.tmpdir}, Flink's working, blob and web
 * upload directories) stays under {@code home}. {@link #close()} kills every process it started and
 * waits for it to end.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
  /**
   * env.java.opts.all of Flink 2.2's default config.yaml: what Java 17 needs for Kryo, Pekko and
   * friends.
   */
  static final List<String> JAVA_17_OPTS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  /** What a cluster adds to env.java.opts.all for the float kernel's SIMD (issue 12). */
  static final List<String> VECTOR_API_OPTS = List.of("--add-modules", "jdk.incubator.vector");

  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final String JOB_MANAGER = "jobmanager";

  private final Path home;
  private final Path conf;
  private final Path logs;
  private final String classpath;
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final FlinkRest rest;
  private List<String> taskManagerJvmParams;
  private List<String> taskManagerDynamicProperties;

  /**
   * Kills the processes if the test JVM exits without {@link #close()} (a timeout, Ctrl-C; not
   * SIGKILL).
   */
  private final Thread shutdownHook = new Thread(this::killAll, "kill-flink-cluster");

  private StandaloneFlinkCluster(Path home, String classpath, int restPort) {
    this.home = home;
    this.conf = home.resolve("conf");
    this.logs = home.resolve("log");
    this.classpath = classpath;
    this.rest = new FlinkRest("http://127.0.0.1:" + restPort);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Writes conf/config.yaml and conf/log4j.properties under {@code home}, starts the JobManager and
   * {@code taskManagers} TaskManagers (ids tm-1, tm-2, ...), and returns once the REST endpoint
   * reports them all registered.
   *
   * @param settings extra config.yaml keys (flat), added after the defaults
   */
  public static StandaloneFlinkCluster start(
      Path home,
      Path classpathFile,
      int taskManagers,
      Map<String, String> settings,
      Duration timeout)
      throws IOException, InterruptedException {
    String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
    if (classpath.isEmpty())
      throw new IllegalStateException("empty Flink classpath in " + classpathFile);
    int[] ports = freePorts(2);
    StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(home, classpath, ports[0]);
    try {
      cluster.writeConfiguration(ports[0], ports[1], settings);
      cluster.startJobManager();
      for (int i = 1; i <= taskManagers; i++) cluster.startTaskManager("tm-" + i);
      cluster.awaitTaskManagers(taskManagers, timeout);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public FlinkRest rest() {
    return rest;
  }

  private void writeConfiguration(int restPort, int rpcPort, Map<String, String> settings)
      throws IOException {
    Files.createDirectories(conf);
    Files.createDirectories(logs);
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "localhost");
    c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
    c.put("jobmanager.bind-host", "localhost");
    c.put("jobmanager.memory.process.size", "1g");
    c.put("taskmanager.host", "localhost");
    c.put("taskmanager.bind-host", "localhost");
    c.put("taskmanager.numberOfTaskSlots", "1");
    c.put("taskmanager.memory.process.size", "1536m");
    c.put("rest.address", "localhost");
    c.put("rest.bind-address", "localhost");
    c.put("rest.port", String.valueOf(restPort));
    c.put("web.tmpdir", home.resolve("web").toString());
    c.put("io.tmp.dirs", home.resolve("tmp").toString());
    c.putAll(settings);
    StringBuilder yaml = new StringBuilder("# written by FlinkClusterTest\n");
    c.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    Files.writeString(conf.resolve("config.yaml"), yaml);
    Files.createDirectories(home.resolve("tmp"));
    Files.writeString(
        conf.resolve("log4j.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = false",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            ""));
  }

  /**
   * Runs BashJavaUtils as the scripts do; returns its two result lines: JVM flags, then dynamic
   * properties.
   */
  private List<List<String>> resourceParams(String command)
      throws IOException, InterruptedException {
    Path out = logs.resolve(command.toLowerCase() + ".out");
    Process p =
        new ProcessBuilder(
                java,
                "-Djava.io.tmpdir=" + home.resolve("tmp"),
                "-classpath",
                classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command,
                "--configDir",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException("BashJavaUtils " + command + " did not finish");
    }
    List<List<String>> results = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      if (line.startsWith(RESULT_PREFIX)) {
        String value = line.substring(RESULT_PREFIX.length()).trim();
        results.add(value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+")));
      }
    }
    if (p.exitValue() != 0 || results.size() != 2) {
      throw new IllegalStateException(
          "BashJavaUtils " + command + " failed:\n" + Files.readString(out));
    }
    return results;
  }

  private void startJobManager() throws IOException, InterruptedException {
    List<List<String>> params = resourceParams("GET_JM_RESOURCE_PARAMS");
    start(
        JOB_MANAGER,
        params.get(0),
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        params.get(1));
  }

  /** Starts a TaskManager whose resource id (as the REST API reports it) is {@code id}. */
  void startTaskManager(String id) throws IOException, InterruptedException {
    if (taskManagerJvmParams == null) {
      List<List<String>> params = resourceParams("GET_TM_RESOURCE_PARAMS");
      taskManagerJvmParams = params.get(0);
      taskManagerDynamicProperties = params.get(1);
    }
    List<String> dynamic = new ArrayList<>(taskManagerDynamicProperties);
    dynamic.addAll(List.of("-D", "taskmanager.resource-id=" + id));
    start(
        id,
        taskManagerJvmParams,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        dynamic);
  }

  private synchronized void start(
      String name, List<String> jvmParams, String mainClass, List<String> dynamicProperties)
      throws IOException {
    if (processes.containsKey(name))
      throw new IllegalArgumentException(name + " was started before");
    Path tmp = Files.createDirectories(home.resolve("tmp").resolve(name));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmParams);
    command.addAll(JAVA_17_OPTS);
    // as docker-compose.yml's env.java.opts.all: the Vector API for the float kernel
    command.addAll(VECTOR_API_OPTS);
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add("-Dlog.file=" + logs.resolve(name + ".log"));
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    command.addAll(List.of("-classpath", classpath, mainClass, "--configDir", conf.toString()));
    command.addAll(dynamicProperties);
    Process process =
        new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".out").toFile())
            .start();
    processes.put(name, process);
    System.out.printf("cluster: started %s, pid %d: %s%n", name, process.pid(), printable(command));
  }

  /** The command line with the long classpath shortened, for the test's output. */
  private String printable(List<String> command) {
    return String.join(" ", command)
        .replace(classpath, "$(cat target/flink-classpath.txt)")
        .replace(
            String.join(" ", JAVA_17_OPTS) + " " + String.join(" ", VECTOR_API_OPTS),
            "<env.java.opts.all>");
  }

  /** Waits until the ResourceManager has {@code count} TaskManagers registered (GET /overview). */
  void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Map.Entry<String, Process> e : processes.entrySet()) {
        if (e.getKey().equals(JOB_MANAGER) && !e.getValue().isAlive()) {
          throw new IllegalStateException(
              "the JobManager exited ("
                  + e.getValue().exitValue()
                  + "):\n"
                  + logTail(JOB_MANAGER, 40));
        }
      }
      try {
        JsonNode overview = rest.get("/overview");
        last = overview.toString();
        if (overview.path("taskmanagers").asInt() == count) return;
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "not "
            + count
            + " TaskManagers within "
            + timeout
            + ": "
            + last
            + "\n"
            + logTail(JOB_MANAGER, 40));
  }

  /**
   * The resource ids of the TaskManagers the ResourceManager has registered (GET /taskmanagers).
   */
  List<String> taskManagerIds() throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers"))
      ids.add(tm.path("id").asText());
    return ids;
  }

  /** Waits until the ResourceManager lists exactly these TaskManagers. */
  void awaitTaskManagers(List<String> ids, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> now = taskManagerIds();
    while (!(now.size() == ids.size() && now.containsAll(ids))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "TaskManagers " + now + ", not " + ids + " within " + timeout);
      }
      Thread.sleep(100);
      now = taskManagerIds();
    }
  }

  /** kill -9: the process gets no chance to say goodbye (SIGKILL on Unix). */
  void kill(String name) throws InterruptedException {
    Process p = processes.get(name);
    if (p == null)
      throw new IllegalArgumentException("no process " + name + " in " + processes.keySet());
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS))
      throw new IllegalStateException(name + " survived SIGKILL");
    System.out.printf("cluster: killed %s (pid %d, exit %d)%n", name, p.pid(), p.exitValue());
  }

  long pid(String name) {
    return processes.get(name).pid();
  }

  /** The last lines of a process's Flink log, for failure messages. */
  String logTail(String name, int lines) {
    try {
      Path log = logs.resolve(name + ".log");
      if (!Files.exists(log)) log = logs.resolve(name + ".out");
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log for " + name + ": " + e + ")";
    }
  }

  /** Lines of a process's log that contain {@code text}. */
  List<String> logLines(String name, String text) throws IOException {
    Path log = logs.resolve(name + ".log");
    if (!Files.exists(log)) return List.of();
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains(text))
        .toList();
  }

  /**
   * Copies the processes' logs (and BashJavaUtils' output) into {@code target}, replacing what was
   * there.
   */
  public void copyLogs(Path target) throws IOException {
    Files.createDirectories(target);
    try (var files = Files.list(target)) {
      for (Path old : files.toList()) Files.delete(old);
    }
    try (var files = Files.list(logs)) {
      for (Path log : files.toList()) Files.copy(log, target.resolve(log.getFileName()));
    }
  }

  /**
   * Kills every process still running (SIGKILL, then waits), so no JVM or port outlives the test.
   */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void killAll() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      Process p = e.getValue();
      if (p.isAlive()) {
        p.destroyForcibly();
        try {
          if (!p.waitFor(30, TimeUnit.SECONDS))
            System.err.println("cluster: " + e.getKey() + " did not end");
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static int[] freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) if (s != null) s.close();
    }
  }
}
