package io.streamner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/streamner} as a user runs it, on the packaged CLI jar (failsafe, after {@code
 * package}): it finds Java 17+, gives the JVM the Vector API so that float trains on the SIMD
 * kernel, passes the user's JVM options and the command's exit code through, and refuses clearly
 * what it cannot run. The plain {@code java -jar} keeps working on the scalar path, and says so.
 */
@Tag("launcher")
class LauncherTest {
  private static final Path HOME = Path.of(System.getProperty("streamner.home", "."));
  private static final Path LAUNCHER = HOME.resolve("bin/streamner");
  private static final Path JAR =
      Path.of(System.getProperty("streamner.cli.jar", "target/streamner.jar"));
  private static final String JAVA_HOME = System.getProperty("java.home");

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(HOME.toFile());
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("STREAMNER_OPTS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().put("JAVA_HOME", JAVA_HOME);
    builder.environment().putAll(env);
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().close();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("still running after 5 minutes: " + command);
    }
    Run run =
        new Run(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  private static Run launcher(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(env, command);
  }

  @Test
  void trainsInFloatOnTheSimdKernelByDefaultWherePlainJavaJarFallsBackToScalar(@TempDir Path dir)
      throws Exception {
    Path corpus = dir.resolve("train.tsv");
    SyntheticCorpus.write(corpus, 200, 3);
    // no --precision: what a user who types the README's command gets
    String[] train = trainOneEpoch(corpus, "--dim", "10", "--hidden", "10");

    Run fast = launcher(Map.of(), concat(train, "--out", dir.resolve("fast.model").toString()));
    assertEquals(0, fast.exit(), fast.err());
    assertTrue(fast.out().contains("kernel: float, Vector API"), fast.out());
    assertFalse(fast.err().contains("Vector API is not enabled"), fast.err());

    List<String> plain = new ArrayList<>(List.of(JAVA_HOME + "/bin/java", "-jar", JAR.toString()));
    plain.addAll(List.of(concat(train, "--out", dir.resolve("plain.model").toString())));
    Run slow = run(Map.of(), plain);
    assertEquals(0, slow.exit(), slow.err());
    assertTrue(slow.out().contains("kernel: float, scalar"), slow.out());
    assertTrue(
        (slow.out() + slow.err()).contains("bin/streamner enables it"), slow.out() + slow.err());

    // Same model either way: the SIMD loops are a speed, not another model.
    Run fastTags =
        launcher(
            Map.of(),
            "tag",
            "--json",
            "--model",
            dir.resolve("fast.model").toString(),
            corpus.toString());
    Run slowTags =
        launcher(
            Map.of(),
            "tag",
            "--json",
            "--model",
            dir.resolve("plain.model").toString(),
            corpus.toString());
    assertEquals(0, fastTags.exit(), fastTags.err());
    assertTrue(fastTags.out().contains("probabilit"), fastTags.out());
    assertEquals(slowTags.out(), fastTags.out());
  }

  @Test
  void passesJvmOptionsArgumentsAndExitCodesThrough(@TempDir Path dir) throws Exception {
    Run version = launcher(Map.of(), "--version");
    assertEquals(0, version.exit(), version.err());
    assertTrue(version.out().startsWith("streamner "), version.out());

    // STREAMNER_OPTS come after JAVA_OPTS, so they win where both set one (the JVM takes the last).
    Run flags =
        launcher(
            Map.of("JAVA_OPTS", "-Xmx32m", "STREAMNER_OPTS", "-Xmx64m -XX:+PrintCommandLineFlags"),
            "--version");
    assertEquals(0, flags.exit(), flags.err());
    assertTrue(flags.out().contains("-XX:MaxHeapSize=67108864"), flags.out());

    Run wrong =
        launcher(
            Map.of(),
            "train",
            "--train",
            "t.tsv",
            "--entity",
            "PER",
            "--out",
            "x.model",
            "--no-such-option");
    assertEquals(Main.USER_ERROR, wrong.exit());
    assertTrue(wrong.err().contains("--no-such-option"), wrong.err());

    // An argument with spaces and quotes reaches the command as one argument.
    Path odd = dir.resolve("a file 'with' spaces.tsv");
    Run missing =
        launcher(
            Map.of(), "train", "--train", odd.toString(), "--entity", "PER", "--out", "x.model");
    assertEquals(Main.USER_ERROR, missing.exit());
    assertTrue(missing.err().contains(odd.toString()), missing.err());

    // Through a symbolic link (a link in ~/bin to a checkout's bin/streamner), it finds its jar.
    Path link = dir.resolve("streamner");
    Files.createSymbolicLink(link, LAUNCHER.toAbsolutePath());
    Run linked = run(Map.of(), List.of(link.toString(), "--version"));
    assertEquals(0, linked.exit(), linked.err());
  }

  @Test
  void theJvmIsTheLaunchersProcessSoSignalsReachTheCommand(@TempDir Path dir) throws Exception {
    // `streamner job` and `serve` stop with a savepoint on SIGTERM: the launcher must exec, not
    // wrap, the JVM, or the signal would stop a shell and leave the job running.
    Path model = dir.resolve("m.model");
    Path corpus = dir.resolve("train.tsv");
    SyntheticCorpus.write(corpus, 50, 5);
    Run trained =
        launcher(
            Map.of(),
            trainOneEpoch(corpus, "--dim", "5", "--hidden", "5", "--out", model.toString()));
    assertEquals(0, trained.exit(), trained.err());
    Process tag =
        new ProcessBuilder(LAUNCHER.toString(), "tag", "--model", model.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("tag.log").toFile())
            .start();
    try {
      // tag waits on stdin, which stays open: poll until the JVM has replaced the shell.
      String command = "";
      for (int i = 0; i < 600 && !command.endsWith("/java"); i++) {
        command = tag.info().command().orElse("");
        if (!command.endsWith("/java")) Thread.sleep(50);
      }
      assertTrue(command.endsWith("/java"), "the launcher's process runs " + command);
      assertTrue(tag.isAlive());
    } finally {
      tag.destroy();
      assertTrue(tag.waitFor(1, TimeUnit.MINUTES));
    }
  }

  @Test
  void refusesClearlyWhatItCannotRun(@TempDir Path dir) throws Exception {
    Path old = dir.resolve("old-java");
    Files.createDirectories(old.resolve("bin"));
    Path java = old.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho 'java version \"1.8.0_402\"' >&2\n");
    assertTrue(java.toFile().setExecutable(true));
    Run tooOld = launcher(Map.of("JAVA_HOME", old.toString()), "--version");
    assertEquals(2, tooOld.exit());
    assertTrue(tooOld.err().contains("is Java 1.8.0_402; streamner needs Java 17"), tooOld.err());

    Files.writeString(java, "#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n");
    Run broken = launcher(Map.of("JAVA_HOME", old.toString()), "--version");
    assertEquals(2, broken.exit());
    assertTrue(broken.err().contains("cannot tell the version"), broken.err());

    Run noJava = launcher(Map.of("JAVA_HOME", dir.resolve("nothing").toString()), "--version");
    assertEquals(2, noJava.exit());
    assertTrue(noJava.err().contains("has no bin/java"), noJava.err());

    Run noJar = launcher(Map.of("STREAMNER_JAR", dir.resolve("none.jar").toString()), "--version");
    assertEquals(2, noJar.exit());
    assertTrue(noJar.err().contains("mvn -B package"), noJar.err());
  }

  /** {@code train --train CORPUS --entity PER --epochs 1} and the options: a quick model. */
  private static String[] trainOneEpoch(Path corpus, String... options) {
    return concat(CliRun.trainArgs(corpus, "--entity", "PER", "--epochs", "1"), options);
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
