package io.streamner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float kernel in child JVMs that differ from this one in what matters for reproducibility: no
 * Vector API module (the scalar fallback runs, says so once, and gives the bits of the SIMD path),
 * the Vector API in the interpreter only (its Java implementation instead of C2's intrinsics), and
 * AVX-512 switched off (256-bit vectors, as on an AVX2 machine). Each trains {@link
 * KernelProblem#main} on the same problem and must print the digest this JVM computes.
 */
class FloatKernelJvmTest {
  /** C n H vocabulary steps seed: a shape where n, nC and H are not multiples of 16. */
  private static final List<String> PROBLEM = List.of("5", "13", "37", "30", "300", "29");

  /** The same, fewer steps: the Vector API in the interpreter takes about 20 ms a step. */
  private static final List<String> SHORT_PROBLEM = List.of("5", "13", "37", "30", "40", "29");

  private static String expected;
  private static String expectedShort;

  @BeforeAll
  static void digestsInThisJvm() {
    FloatLoops simd = FloatKernel.fastestLoops();
    assertTrue(simd.description().startsWith("Vector API"), simd.description());
    // Three runs: the first starts interpreted, the last runs C2's code; all must agree.
    expected = problem(PROBLEM).trainFloat(simd).digest();
    for (int run = 2; run <= 3; run++)
      assertEquals(expected, problem(PROBLEM).trainFloat(simd).digest());
    expectedShort = problem(SHORT_PROBLEM).trainFloat(simd).digest();
  }

  private static KernelProblem problem(List<String> args) {
    return KernelProblem.of(
        Integer.parseInt(args.get(0)),
        Integer.parseInt(args.get(1)),
        Integer.parseInt(args.get(2)),
        Integer.parseInt(args.get(3)),
        Integer.parseInt(args.get(4)),
        Long.parseLong(args.get(5)));
  }

  @Test
  void withoutTheModuleTheScalarPathRunsSaysSoOnceAndGivesTheSameBits() throws Exception {
    // The notice is a warning through slf4j; the test classpath's first log4j configuration (a
    // Flink test jar's) turns logging off, so the child logs as the CLI does, with its log4j2.xml.
    URL cliLogging = FloatKernelJvmTest.class.getClassLoader().getResource("log4j2.xml");
    assertNotNull(cliLogging, "the CLI's log4j2.xml is not on the class path");
    String out = child(List.of("-Dlog4j2.configurationFile=" + cliLogging), PROBLEM);
    assertTrue(out.contains("loops: scalar"), out);
    assertEquals(1, count(out, "--add-modules jdk.incubator.vector"), out);
    assertTrue(out.contains("digest: " + expected), out);
  }

  @Test
  void theVectorApiInTheInterpreterGivesTheSameBits() throws Exception {
    String out = child(List.of("--add-modules", "jdk.incubator.vector", "-Xint"), SHORT_PROBLEM);
    assertTrue(out.contains("loops: Vector API"), out);
    assertTrue(out.contains("digest: " + expectedShort), out);
  }

  @Test
  void twoHundredFiftySixBitVectorsGiveTheSameBits() throws Exception {
    // UseAVX=2 is AVX2 without AVX-512: the preferred species becomes 256 bits. Other CPUs ignore
    // the flag and run their own width, which must give the same bits as well.
    String out =
        child(
            List.of(
                "--add-modules",
                "jdk.incubator.vector",
                "-XX:+IgnoreUnrecognizedVMOptions",
                "-XX:UseAVX=2"),
            PROBLEM);
    assertTrue(out.contains("loops: Vector API"), out);
    assertTrue(out.contains("digest: " + expected), out);
  }

  /** Runs {@link KernelProblem#main} in a child JVM; returns its stdout and stderr. */
  private static String child(List<String> jvmOptions, List<String> problem) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KernelProblem.class.getName());
    command.addAll(problem);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not end");
    String out = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }
}
