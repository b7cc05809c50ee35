package io.streamner.bench;

import java.util.Locale;

/**
 * Progress lines on stdout, each with the time since the suite started: the suite runs for minutes.
 */
final class Progress {
  private final long start = System.nanoTime();

  /** A new phase or scenario. */
  void phase(String name) {
    System.out.printf(Locale.ROOT, "%n== [%s] %s%n", elapsed(), name);
    System.out.flush();
  }

  /** A step within a phase. */
  void info(String format, Object... args) {
    System.out.printf(
        Locale.ROOT, "   [%s] %s%n", elapsed(), String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  private String elapsed() {
    long s = (long) seconds();
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
