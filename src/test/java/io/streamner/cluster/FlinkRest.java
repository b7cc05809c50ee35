package io.streamner.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The few calls of Flink's REST API the cluster test makes, on java.net.http and Jackson. */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FlinkRest(String base) {
    this.base = base;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build());
  }

  /** POST /jars/upload (multipart, field "jarfile"); returns the jar id for /jars/{id}/run. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "----streamner" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonNode answer =
        send(
            HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    if (!"success".equals(answer.path("status").asText()))
      throw new IOException("upload failed: " + answer);
    return Path.of(answer.path("filename").asText()).getFileName().toString();
  }

  /**
   * POST /jars/{id}/run without an entry class, so the jar's manifest names it; returns the job id.
   * The JobManager runs the program's main method, which submits the job and returns.
   */
  public String run(String jarId, List<String> programArgs, int parallelism)
      throws IOException, InterruptedException {
    ObjectNode request = JSON.createObjectNode();
    request
        .putArray("programArgsList")
        .addAll(programArgs.stream().map(JSON.getNodeFactory()::textNode).toList());
    request.put("parallelism", parallelism);
    JsonNode answer =
        send(
            HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                .timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                .build());
    String jobId = answer.path("jobid").asText("");
    if (jobId.isEmpty()) throw new IOException("run gave no job id: " + answer);
    return jobId;
  }

  /** PATCH /jobs/{id}?mode=cancel: the JobManager cancels the job, which ends CANCELED. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    send(
        HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
            .timeout(Duration.ofSeconds(30))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + ": HTTP "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return JSON.readTree(response.body());
  }
}
