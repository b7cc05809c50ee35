package io.streamner.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM for a long-running command: the first asks it to stop in order (the
 * command waits in {@link #await}), the second stops the process at once. The JVM's own handling
 * would run shutdown hooks instead, and a second Ctrl-C during them does nothing at all.
 *
 * <p>sun.misc.Signal is the JDK's supported way (module jdk.unsupported) to replace a signal's
 * handler; Kafka and Flink use it for the same purpose.
 */
final class StopSignals implements AutoCloseable {
  /** The exit status of a process killed by a second signal: 128 + SIGINT, as shells report it. */
  static final int STOPPED_AT_ONCE = 130;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicInteger received = new AtomicInteger();
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

  private StopSignals(PrintWriter err, String firstMessage) {
    SignalHandler handler =
        signal -> {
          if (received.incrementAndGet() == 1) {
            err.println(firstMessage);
            err.flush();
            stop.countDown();
          } else {
            err.println("second " + signal.getName() + ": stopping at once");
            err.flush();
            Runtime.getRuntime().halt(STOPPED_AT_ONCE);
          }
        };
    for (String name : new String[] {"INT", "TERM"}) {
      Signal signal = new Signal(name);
      previous.put(signal, Signal.handle(signal, handler));
    }
  }

  /**
   * Takes over SIGINT and SIGTERM until {@link #close}.
   *
   * @param firstMessage printed on the first signal, e.g. what the command does to stop
   */
  static StopSignals install(PrintWriter err, String firstMessage) {
    return new StopSignals(err, firstMessage);
  }

  /** Waits up to {@code timeout} ms for a first signal; true when one came. */
  boolean await(long timeout) throws InterruptedException {
    return stop.await(timeout, TimeUnit.MILLISECONDS);
  }

  boolean requested() {
    return stop.getCount() == 0;
  }

  /** Gives the signals back to their previous handlers. */
  @Override
  public void close() {
    previous.forEach(Signal::handle);
  }
}
