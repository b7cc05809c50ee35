package io.streamner.job;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.HostPrometheusReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

/**
 * The Flink that {@code streamner job} and {@code demo} run inside their own process, closed to the
 * network by default. Its REST API (which also serves the web UI) runs jobs and takes jar uploads
 * without authentication, so it listens on {@code web.bind-address} (127.0.0.1 unless the
 * definition opens it). Every other listener of a local Flink (the RPC services, the blob server,
 * the task manager's data exchange and metric query service) binds to 127.0.0.1: nothing outside
 * the process ever needs them, and a Prometheus reporter listens there too unless its {@code host}
 * is set. {@code flink.*} keys can still move any of them.
 */
public final class LocalFlink {
  private static final String FLINK_PROMETHEUS =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  /** Where the listeners no one outside this process needs are bound. */
  public static final String LOOPBACK = "127.0.0.1";

  private LocalFlink() {}

  /**
   * The job's configuration ({@link StreamnerJob#configuration}, {@code flink.*} keys last) on top
   * of the local listeners' addresses, with the web UI on {@code web.port} if that is free on its
   * address and on any free port if not.
   */
  public static Configuration configuration(JobDefinition definition) throws IOException {
    Configuration conf = new Configuration();
    int port = port(definition.webBindAddress(), definition.webPort());
    conf.set(RestOptions.BIND_ADDRESS, definition.webBindAddress());
    conf.set(RestOptions.ADDRESS, LOOPBACK);
    conf.set(RestOptions.BIND_PORT, String.valueOf(port));
    conf.set(RestOptions.PORT, port);
    conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
    conf.set(JobManagerOptions.BIND_HOST, LOOPBACK); // RPC and the blob server
    conf.set(TaskManagerOptions.HOST, LOOPBACK);
    conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK); // RPC and the data exchange
    conf.addAll(StreamnerJob.configuration(definition));
    bindPrometheusToHost(conf);
    return conf;
  }

  /**
   * Flink's Prometheus reporter listens on every interface; the same reporter on one address
   * ({@code metrics.reporter.NAME.host}, 127.0.0.1 unless set) takes its place, so that metrics
   * reach the network only when the definition asks.
   */
  static void bindPrometheusToHost(Configuration conf) {
    for (String key : List.copyOf(conf.keySet())) {
      if (key.startsWith("metrics.reporter.")
          && key.endsWith(".factory.class")
          && FLINK_PROMETHEUS.equals(conf.getString(key, null))) {
        conf.setString(key, HostPrometheusReporter.Factory.class.getName());
      }
    }
  }

  /**
   * Starts the job on a local Flink under {@code conf}. The web UI's port was free when {@link
   * #configuration} looked, but another process may take it before Flink binds it: then the job
   * starts again on another free port, which {@code conf} then holds for {@link #webUi}.
   */
  public static JobClient start(Configuration conf, JobDefinition definition) throws Exception {
    return start(conf, definition.name(), env -> StreamnerJob.build(env, definition));
  }

  /** Starts the job that {@code pipeline} builds, named {@code name}, as {@link #start} does. */
  public static JobClient start(
      Configuration conf, String name, Consumer<StreamExecutionEnvironment> pipeline)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        // A local environment with the web UI, under conf, with the job built into it.
        StreamExecutionEnvironment env =
            StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        pipeline.accept(env);
        return env.executeAsync(name);
      } catch (Exception e) {
        if (attempt == 3 || ExceptionUtils.findThrowable(e, BindException.class).isEmpty()) throw e;
        int port = port(conf.get(RestOptions.BIND_ADDRESS), 0);
        conf.set(RestOptions.BIND_PORT, String.valueOf(port));
        conf.set(RestOptions.PORT, port);
      }
    }
  }

  /** The web UI's address under {@code conf}, and who can reach it. */
  public static String webUi(Configuration conf) {
    String bind = conf.get(RestOptions.BIND_ADDRESS);
    String url = "http://" + LOOPBACK + ":" + conf.get(RestOptions.PORT);
    return isLoopback(bind)
        ? url + " (this machine only; web.bind-address opens it)"
        : url + " (and from other machines: bound to " + bind + ")";
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code wanted} if it is free on {@code address} (0 never is), else any free port there. */
  private static int port(String address, int wanted) throws IOException {
    InetAddress bind = InetAddress.getByName(address);
    if (wanted != 0) {
      try (ServerSocket probe = new ServerSocket(wanted, 1, bind)) {
        return probe.getLocalPort();
      } catch (IOException taken) {
        // another process has it: any free port, which the caller prints
      }
    }
    try (ServerSocket probe = new ServerSocket(0, 1, bind)) {
      return probe.getLocalPort();
    }
  }
}
