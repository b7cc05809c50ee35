package io.streamner.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's /proc as {@code ss -ltnp} does: the
 * kernel's socket tables ({@code /proc/<pid>/net/tcp} and {@code tcp6}, which list every socket of
 * the process's network namespace) joined with the socket inodes among the process's open files
 * ({@code /proc/<pid>/fd}), so that only that process's listeners remain.
 */
public final class Listeners {
  /** TCP_LISTEN in the kernel's {@code st} column. */
  private static final String LISTEN = "0A";

  private Listeners() {}

  /** Whether this machine has /proc to read (Linux). */
  public static boolean readable() {
    return Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /** The addresses the process {@code pid} listens on. */
  public static List<InetSocketAddress> of(long pid) throws IOException {
    Set<String> inodes = socketInodes(pid);
    List<InetSocketAddress> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      if (!Files.exists(file)) continue;
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] c = line.trim().split("\\s+");
        if (c[3].equals(LISTEN) && inodes.contains(c[9])) listening.add(address(c[1]));
      }
    }
    return listening;
  }

  private static Set<String> socketInodes(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
          continue;
        }
        if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
      }
    }
    return inodes;
  }

  /**
   * {@code 0100007F:1F91} (tcp) or 32 hex digits and a port (tcp6): the address is stored as 32-bit
   * words in the machine's byte order (little-endian here), the port in hex.
   */
  static InetSocketAddress address(String hex) throws IOException {
    String[] parts = hex.split(":");
    String ip = parts[0];
    byte[] bytes = new byte[ip.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(ip.substring(at, at + 2), 16);
      }
    }
    // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) comes back as the IPv4 address.
    return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
  }
}
