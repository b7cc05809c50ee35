package io.streamner.kafka;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.types.Password;

/**
 * Every secret value this process has been given (a password, a JAAS configuration), so that text
 * on its way out can be scrubbed of them: the one-line error of a command ({@code Main}) prints
 * messages of exceptions thrown deep inside Kafka or Flink, which nothing else filters.
 *
 * <p>Settings are not secret by their value but by their key; the places that know the key ({@link
 * KafkaSettings}, the job definition's {@code flink.*} keys) {@link #remember} the values. Kafka's
 * own logging already prints {@code [hidden]} for its password settings; this covers the rest.
 */
public final class Secrets {
  /** Shorter values are not scrubbed: replacing every "ab" in a message would garble it. */
  static final int MIN_LENGTH = 4;

  /** {@code name="value"} or {@code name=value} options inside a JAAS configuration. */
  private static final Pattern JAAS_OPTION =
      Pattern.compile("(\\w+)\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");

  private static final Pattern SECRET_OPTION_NAME =
      Pattern.compile("(?i).*(password|secret|token|credential).*");

  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  /**
   * Remembers a secret value, and the secret options inside it when it is a JAAS configuration
   * ({@code password="..."}), which an error message may quote on their own.
   */
  public static void remember(String value) {
    if (value == null) return;
    add(value.trim());
    Matcher option = JAAS_OPTION.matcher(value);
    while (option.find()) {
      if (SECRET_OPTION_NAME.matcher(option.group(1)).matches()) {
        add(option.group(2) != null ? option.group(2) : option.group(3));
      }
    }
  }

  private static void add(String value) {
    if (value.length() >= MIN_LENGTH) VALUES.add(value);
  }

  /** {@code text} with every remembered secret replaced by Kafka's {@code [hidden]}. */
  public static String redact(String text) {
    if (text == null || VALUES.isEmpty()) return text;
    // Longest first, so that a JAAS configuration goes as a whole before its password does.
    List<String> values =
        VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    String out = text;
    for (String v : values) out = out.replace(v, Password.HIDDEN);
    return out;
  }
}
