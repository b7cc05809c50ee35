package org.apache.flink.metrics.prometheus;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, listening on one address ({@code host}, 127.0.0.1 unless set)
 * instead of on every interface, which is all Flink 2.2's {@link PrometheusReporter} can do. Metric
 * names, labels and the exposition format are Flink's: only the listening socket differs. It lives
 * in Flink's package because the registry it serves is package-private in {@link
 * AbstractPrometheusReporter}; {@code streamner job} and {@code demo} put it in place of Flink's
 * reporter factory in their local Flink.
 */
public final class HostPrometheusReporter extends AbstractPrometheusReporter {
  /** Where the endpoint listens unless {@code host} says otherwise. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private final HTTPServer server;
  private final InetSocketAddress address;

  HostPrometheusReporter(InetAddress host, PortRange ports) {
    server = listen(host, ports, registry);
    address = new InetSocketAddress(host, server.getPort());
    log.info("Prometheus metrics at http://{}:{}/", host.getHostAddress(), server.getPort());
  }

  /** The first port of the range that is free on {@code host}, as Flink's reporter takes it. */
  private static HTTPServer listen(InetAddress host, PortRange ports, CollectorRegistry registry) {
    IOException last = null;
    for (Iterator<Integer> it = ports.getPortsIterator(); it.hasNext(); ) {
      try {
        return new HTTPServer(new InetSocketAddress(host, it.next()), registry);
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException(
        "the Prometheus endpoint could not listen on "
            + host.getHostAddress()
            + " at any port of "
            + ports,
        last);
  }

  /** The address the endpoint listens on. */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    server.stop();
    super.close();
  }

  /** Takes {@code host} and {@code port} (a port, or a range such as 9249-9259; 9249 if unset). */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public HostPrometheusReporter createMetricReporter(Properties properties) {
      String host = properties.getProperty("host", DEFAULT_HOST).trim();
      try {
        return new HostPrometheusReporter(
            InetAddress.getByName(host), new PortRange(properties.getProperty("port", "9249")));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "metrics reporter host " + host + " is not an address of this machine", e);
      }
    }
  }
}
