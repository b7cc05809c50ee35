package io.streamner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The speed suite's results: one {@link Figure} per measured number (with its target, when the
 * issue sets one), the details of each scenario, and the machine. Written as JSON ({@code
 * speed-suite.json}, everything) and Markdown ({@code speed-suite.md}, the table), and on request
 * into the README between its {@code speed-suite} markers.
 */
final class SuiteReport {
  static final String README_BEGIN = "<!-- speed-suite:begin -->";
  static final String README_END = "<!-- speed-suite:end -->";

  // snake_case keys throughout: the records' components and the maps the scenarios fill alike.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /**
   * One number of the suite.
   *
   * @param id stable key in the JSON, e.g. {@code job.heap.windows_per_second}
   * @param name the table's first column
   * @param value the measured number (NaN when the phase failed)
   * @param shown the value as the table shows it, with its unit
   * @param target the target as text (e.g. {@code >= 3x}), or null when the issue sets none
   * @param met whether the target is met; null when there is no target
   */
  record Figure(
      String id, String name, double value, String unit, String shown, String target, Boolean met) {
    static Figure info(String id, String name, double value, String unit, String shown) {
      return new Figure(id, name, value, unit, shown, null, null);
    }

    static Figure atLeast(
        String id,
        String name,
        double value,
        String unit,
        String shown,
        double minimum,
        String target) {
      return new Figure(
          id, name, value, unit, shown, target, !Double.isNaN(value) && value >= minimum);
    }

    static Figure atMost(
        String id,
        String name,
        double value,
        String unit,
        String shown,
        double maximum,
        String target) {
      return new Figure(
          id, name, value, unit, shown, target, !Double.isNaN(value) && value <= maximum);
    }
  }

  private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);

  /**
   * The machine's 1-minute load average when the suite started: anything else running skews every
   * figure.
   */
  private final String loadAtStart = loadAverage();

  private final String command;
  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Object> scenarios = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private double seconds;

  SuiteReport(String command) {
    this.command = command;
  }

  void add(Figure f) {
    figures.add(f);
  }

  /** A phase's details (any Jackson-serialisable value: records, maps, numbers) under its name. */
  void details(String scenario, Object details) {
    scenarios.put(scenario, details);
  }

  /** A phase that threw: the suite goes on with the next one and reports this. */
  void failed(String phase, Throwable e) {
    failures.add(phase + ": " + e);
  }

  void finished(double totalSeconds) {
    this.seconds = totalSeconds;
  }

  List<Figure> figures() {
    return figures;
  }

  List<String> failures() {
    return failures;
  }

  /** Writes speed-suite.json and speed-suite.md into {@code out}. */
  void write(Path out) throws IOException {
    Files.createDirectories(out);
    ObjectNode root = JSON.createObjectNode();
    root.put("suite", "streamner speed suite (issue #5)");
    root.put("date", started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    root.put("command", command);
    root.put("seconds", Math.round(seconds));
    Map<String, Object> machine = machine();
    machine.put("load_average_at_start", loadAtStart);
    machine.put("load_average_at_end", loadAverage());
    root.set("machine", JSON.valueToTree(machine));
    root.set("figures", JSON.valueToTree(figures));
    root.set("scenarios", JSON.valueToTree(scenarios));
    root.set("failures", JSON.valueToTree(failures));
    Files.writeString(
        out.resolve("speed-suite.json"),
        JSON.writeValueAsString(root) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(out.resolve("speed-suite.md"), markdown(), StandardCharsets.UTF_8);
  }

  /** The table, then one line with the date, machine and command. */
  String markdown() {
    StringBuilder s = new StringBuilder();
    s.append("| figure | measured | target | met? |\n");
    s.append("|---|---:|---|---|\n");
    for (Figure f : figures) {
      s.append("| ")
          .append(f.name())
          .append(" | ")
          .append(f.shown())
          .append(" | ")
          .append(f.target() == null ? "" : f.target())
          .append(" | ")
          .append(f.met() == null ? "" : f.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    for (String failure : failures)
      s.append("| phase failed: ").append(failure.replace('|', '/')).append(" | | | **no** |\n");
    s.append('\n').append(machineLine()).append('\n');
    return s.toString();
  }

  /** Replaces the README's block between the speed-suite markers with the table. */
  void writeIntoReadme(Path readme) throws IOException {
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(README_BEGIN);
    int end = text.indexOf(README_END);
    if (begin < 0 || end < begin) {
      throw new IOException(
          readme + " has no " + README_BEGIN + " ... " + README_END + " block to replace");
    }
    String updated =
        text.substring(0, begin + README_BEGIN.length()) + "\n" + markdown() + text.substring(end);
    Files.writeString(readme, updated, StandardCharsets.UTF_8);
  }

  String machineLine() {
    Map<String, Object> m = machine();
    return String.format(
        Locale.ROOT,
        "Measured %s UTC on %s cores (%s), %s GB RAM, Java %s, suite heap max %s MB; "
            + "load average %s at the start; %.0f s in all; commit %s; `%s`.",
        started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
        m.get("cores"),
        m.get("cpu"),
        m.get("memory_gb"),
        m.get("java"),
        m.get("max_heap_mb"),
        loadAtStart,
        seconds,
        m.get("commit"),
        command);
  }

  /** Cores, CPU model, memory, Java and the suite JVM's maximum heap. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", cpuModel());
    m.put("memory_gb", totalMemoryGb());
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put(
        "java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    m.put("commit", gitCommit());
    return m;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  /** The 1-minute load average from /proc/loadavg, or "unknown". */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static long totalMemoryGb() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    }
    return -1;
  }

  /**
   * The commit measured (with "+changes" when the tree differs from it), or "unknown" without git.
   */
  private static String gitCommit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
      Process d =
          new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no", "src")
              .redirectErrorStream(true)
              .start();
      String changes = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      d.waitFor(10, TimeUnit.SECONDS);
      return changes.isEmpty() ? head : head + "+changes";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
