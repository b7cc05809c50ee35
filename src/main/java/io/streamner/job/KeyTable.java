package io.streamner.job;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

/**
 * Writes the key table of {@code flink-jobs/README.md} from the declarations in {@link JobOptions},
 * so that the README never disagrees with what a definition takes. The table sits between two
 * marker comments; {@code JobDefinitionTest} fails when it is out of date and prints {@link
 * #COMMAND}.
 */
public final class KeyTable {
  public static final String BEGIN =
      "<!-- key table: written by io.streamner.job.KeyTable from JobOptions; do not edit -->";
  public static final String END = "<!-- end of key table -->";

  /** What regenerates the table, from the project's root. */
  public static final String COMMAND =
      "mvn -B -q compile exec:java -Dexec.mainClass=io.streamner.job.KeyTable"
          + " -Dexec.args=flink-jobs/README.md";

  private KeyTable() {}

  /** Usage: {@code KeyTable README} rewrites the table in that file. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1)
      throw new IllegalArgumentException("usage: KeyTable flink-jobs/README.md");
    Path readme = Path.of(args[0]);
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Files.writeString(readme, withTable(text), StandardCharsets.UTF_8);
  }

  /** {@code readme} with the text between the markers replaced by {@link #render()}. */
  public static String withTable(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "the README has no key table markers (" + BEGIN + " ... " + END + ")");
    }
    return readme.substring(0, begin + BEGIN.length()) + "\n" + render() + readme.substring(end);
  }

  /** The table, one row per key in declaration order. */
  public static String render() {
    StringBuilder out =
        new StringBuilder("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
    for (JobOptions.Key<?> key : JobOptions.keys()) {
      out.append("| `")
          .append(key.shownAs())
          .append("` | ")
          .append(key.allowed().type())
          .append(" | ")
          .append(shownDefault(key))
          .append(" | ")
          .append(cell(key.allowed().description()))
          .append(" | ")
          .append(cell(meaning(key)))
          .append(" |\n");
    }
    return out.toString();
  }

  /** A default as a definition would spell it, so that it can be copied into one. */
  static String shownDefault(JobOptions.Key<?> key) {
    ConfigOption<?> option = key.option();
    Object value = option.hasDefaultValue() ? option.defaultValue() : null;
    if (value == null || (value instanceof Map<?, ?> m && m.isEmpty())) return "none";
    if (value instanceof Double d)
      return "`" + BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() + "`";
    return "`" + value + "`";
  }

  private static String meaning(JobOptions.Key<?> key) {
    StringBuilder text = new StringBuilder();
    for (BlockElement block : key.option().description().getBlocks()) {
      if (block instanceof TextElement t) text.append(t.getFormat());
    }
    if (!key.flinkOptions().isEmpty()) {
      List<String> names = new ArrayList<>();
      for (ConfigOption<?> o : key.flinkOptions()) names.add("`" + o.key() + "`");
      text.append(" Sets Flink's ").append(String.join(" and ", names)).append('.');
    }
    return text.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
