package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamner.kafka.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.HostPrometheusReporter;
import org.junit.jupiter.api.Test;

class LocalFlinkTest {

  /**
   * Another process can take the web UI's port between the moment it was found free and Flink's
   * bind: the job still starts, on another port, and the address printed is the one that answers.
   */
  @Test
  void aPortTakenBeforeFlinkBindsItMovesTheWebUiElsewhere() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalFlink.LOOPBACK))) {
      JobDefinition.Topics topics = JobHarness.createTopics(kafka, "local-flink");
      Properties p = JobHarness.properties(kafka, topics);
      p.setProperty("source.bounded", "false"); // runs until cancelled: the UI outlives the check
      JobDefinition definition = JobDefinition.parse(p, "local-flink");
      Configuration conf = LocalFlink.configuration(definition);
      conf.set(RestOptions.BIND_PORT, String.valueOf(taken.getLocalPort()));
      conf.set(RestOptions.PORT, taken.getLocalPort());

      JobClient job = LocalFlink.start(conf, definition);
      int port = conf.get(RestOptions.PORT);
      assertNotEquals(taken.getLocalPort(), port);
      HttpResponse<String> overview =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, overview.statusCode(), overview.body());
      job.cancel().get(2, TimeUnit.MINUTES);
    }
  }

  /**
   * A definition that turns Flink's Prometheus reporter on gets the same reporter on 127.0.0.1; it
   * reaches the network only at the host the definition names, and other reporters are left alone.
   */
  @Test
  void flinksPrometheusReporterListensOnLoopbackUnlessAHostIsSet() throws Exception {
    Configuration conf = new Configuration();
    conf.setString("metrics.reporter.prom.factory.class", FLINK_PROMETHEUS);
    conf.setString("metrics.reporter.jmx.factory.class", FLINK_JMX);
    LocalFlink.bindPrometheusToHost(conf);
    assertEquals(
        HostPrometheusReporter.Factory.class.getName(),
        conf.getString("metrics.reporter.prom.factory.class", null));
    assertEquals(FLINK_JMX, conf.getString("metrics.reporter.jmx.factory.class", null));

    HostPrometheusReporter.Factory factory = new HostPrometheusReporter.Factory();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalFlink.LOOPBACK))) {
      Properties range = new Properties();
      range.setProperty("port", taken.getLocalPort() + "-" + (taken.getLocalPort() + 20));
      HostPrometheusReporter reporter = factory.createMetricReporter(range);
      try {
        assertTrue(reporter.address().getAddress().isLoopbackAddress(), reporter.address() + "");
        assertNotEquals(taken.getLocalPort(), reporter.address().getPort(), "a taken port");
        HttpResponse<String> scrape =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + reporter.address().getPort() + "/"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), scrape.body());
      } finally {
        reporter.close();
      }
    }

    Properties everywhere = new Properties();
    everywhere.setProperty("host", "0.0.0.0");
    everywhere.setProperty("port", "0");
    HostPrometheusReporter open = factory.createMetricReporter(everywhere);
    try {
      assertTrue(open.address().getAddress().isAnyLocalAddress(), open.address() + "");
    } finally {
      open.close();
    }

    Properties unknown = new Properties();
    unknown.setProperty("host", "no-such-host.invalid");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> factory.createMetricReporter(unknown));
    assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
  }

  private static final String FLINK_PROMETHEUS =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  private static final String FLINK_JMX = "org.apache.flink.metrics.jmx.JMXReporterFactory";
}
