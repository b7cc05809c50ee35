package io.streamner.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
}
