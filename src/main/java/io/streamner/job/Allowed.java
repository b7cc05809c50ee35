package io.streamner.job;

import io.streamner.kafka.wire.SnapshotRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;

/**
 * The values one job-definition key allows: its type and range, said in words for error messages
 * and for the key table of {@code flink-jobs/README.md}. Flink's {@code ConfigOption} carries a
 * key's type, default and description but no range; {@link JobOptions} declares each option
 * together with one of these.
 *
 * @param type what the README's type column says: {@code int}, {@code double}, {@code string}, ...
 * @param description the allowed values, to complete "must be ..." ({@code "from 1 to 21 and odd"})
 * @param problem the problem with a value, or null when it is allowed
 */
public record Allowed<T>(String type, String description, Function<T, String> problem) {

  /** Whole numbers from {@code min} to {@code max}. */
  public static Allowed<Integer> ints(int min, int max) {
    return new Allowed<>(
        "int", "from " + number(min) + " to " + number(max), v -> v >= min && v <= max ? null : "");
  }

  /** The same values, said otherwise (when a check elsewhere narrows them further). */
  public Allowed<T> described(String otherDescription) {
    return new Allowed<>(type, otherDescription, problem);
  }

  /** Whole numbers (64 bits) from {@code min} to {@code max}. */
  public static Allowed<Long> longs(long min, long max) {
    return new Allowed<>(
        "long",
        "from " + number(min) + " to " + number(max),
        v -> v >= min && v <= max ? null : "");
  }

  /** Any 64-bit whole number. */
  public static Allowed<Long> anyLong() {
    return new Allowed<>("long", "any whole number", v -> null);
  }

  /** Numbers from {@code min} to {@code max}, both included. */
  public static Allowed<Double> doubles(double min, double max) {
    return new Allowed<>(
        "double",
        "from " + number(min) + " to " + number(max),
        v -> v >= min && v <= max ? null : "");
  }

  /** Numbers above 0, up to and including {@code max}. */
  public static Allowed<Double> positiveUpTo(double max) {
    return new Allowed<>(
        "double", "greater than 0 and at most " + number(max), v -> v > 0 && v <= max ? null : "");
  }

  /** Odd whole numbers from {@code min} to {@code max}. */
  public static Allowed<Integer> oddInts(int min, int max) {
    return new Allowed<>(
        "int",
        "odd, from " + number(min) + " to " + number(max),
        v -> v >= min && v <= max && v % 2 != 0 ? null : "");
  }

  public static Allowed<Boolean> flag() {
    return new Allowed<>("boolean", "true or false", v -> null);
  }

  /** One of an enum's values, spelled as their {@code toString}. */
  public static <E extends Enum<E>> Allowed<E> oneOf(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) names.add(e.toString());
    return new Allowed<>("enum", "one of " + String.join(", ", names), v -> null);
  }

  /** Any text, the empty text included (meaning "none"). */
  public static Allowed<String> anyText() {
    return new Allowed<>("string", "any text", v -> null);
  }

  /** A comma-separated list of token features ({@code shape,prefix,suffix}), or empty for none. */
  public static Allowed<String> tokenFeatures() {
    return new Allowed<>(
        "string",
        "a comma-separated list of shape, prefix and suffix, or empty",
        v -> {
          try {
            io.streamner.text.TokenFeatures.parse(v);
            return null;
          } catch (IllegalArgumentException e) {
            return e.getMessage();
          }
        });
  }

  public static Allowed<String> nonEmpty() {
    return new Allowed<>("string", "not empty", v -> v.isEmpty() ? "" : null);
  }

  /**
   * A job name: it names the job's snapshots (their namespace, the first part of every key) and its
   * checkpoint directory, so it holds no '/'.
   */
  public static Allowed<String> jobName() {
    return new Allowed<>(
        "string",
        "not blank, at most 1,000 characters, without '/'",
        v -> SnapshotRecord.namespaceProblem(v) == null ? null : "");
  }

  /** A Kafka topic name, checked as Kafka checks it. */
  public static Allowed<String> topicName() {
    return new Allowed<>(
        "string",
        "a Kafka topic name (letters, digits, '.', '_' and '-', at most 249 characters)",
        v -> {
          try {
            Topic.validate(v);
            return null;
          } catch (InvalidTopicException e) {
            return e.getMessage();
          }
        });
  }

  /** {@code host:port[,host:port...]}, checked for form only (no name is looked up). */
  public static Allowed<String> hostsAndPorts() {
    return new Allowed<>(
        "string",
        "host:port, several separated by commas",
        v -> {
          for (String server : v.split(",")) {
            String s = server.trim();
            Integer port = Utils.getPort(s);
            if (Utils.getHost(s) == null || port == null || port < 1 || port > 65535) {
              return "'" + s + "' is not host:port";
            }
          }
          return null;
        });
  }

  /**
   * The entries of a prefix key ({@code kafka.properties.<key>}): {@code check} takes an entry's
   * key and value and returns its problem or null. A problem starts with the entry's key, so that
   * after the prefix and a dot it names the whole key.
   */
  public static Allowed<Map<String, String>> entries(
      String description, BiFunction<String, String, String> check) {
    return new Allowed<>(
        "map",
        description,
        map -> {
          for (Map.Entry<String, String> e : map.entrySet()) {
            String problem = check.apply(e.getKey(), e.getValue());
            if (problem != null) return e.getKey() + " " + problem;
          }
          return null;
        });
  }

  /**
   * Why {@code value} is not allowed, as an error message ends ("must be from 1 to 21, got 40"), or
   * null when it is allowed.
   */
  public String check(T value) {
    String specific = problem.apply(value);
    if (specific == null) return null;
    String got = value instanceof Double d ? number(d) : String.valueOf(value);
    return specific.isEmpty() ? "must be " + description + ", got " + got : specific;
  }

  /** Why a text that does not even parse as the type is not allowed. */
  public String parseProblem(String raw) {
    String what =
        switch (type) {
          case "int", "long" -> "a whole number " + description;
          case "double" -> "a number " + description;
          default -> description;
        };
    return "must be " + what + ", got '" + raw + "'";
  }

  /** 1,000,000 for ints; 0.01, 1000 and 1e15 for doubles: what a person reads easily. */
  static String number(double v) {
    if (!Double.isFinite(v)) return String.valueOf(v);
    if (v == Math.rint(v) && Math.abs(v) < 1e7) return number((long) v);
    String s = BigDecimal.valueOf(v).stripTrailingZeros().toString();
    return s.replace("E+", "e").replace("E", "e").toLowerCase(Locale.ROOT);
  }

  static String number(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
