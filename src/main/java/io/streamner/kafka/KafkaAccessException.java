package io.streamner.kafka;

/**
 * Kafka cannot be used as configured: it does not answer, refuses the credentials, or lacks a
 * topic. A problem of the settings or the deployment, never of streamner, and said in one line that
 * names what to check (secrets hidden).
 */
public final class KafkaAccessException extends RuntimeException {
  public KafkaAccessException(String message, Throwable cause) {
    super(Secrets.redact(message), cause);
  }
}
