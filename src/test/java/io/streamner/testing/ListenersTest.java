package io.streamner.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listeners reads back the sockets this JVM opens, with their addresses. */
class ListenersTest {
  @Test
  void findsThisProcesssListenersWithTheirAddresses() throws Exception {
    assumeTrue(Listeners.readable(), "needs /proc (Linux)");
    try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        ServerSocket everywhere = new ServerSocket(0)) {
      List<InetSocketAddress> listening = Listeners.of(ProcessHandle.current().pid());
      InetSocketAddress l = find(listening, loopback.getLocalPort());
      assertEquals("127.0.0.1", l.getAddress().getHostAddress());
      assertTrue(l.getAddress().isLoopbackAddress());
      InetSocketAddress e = find(listening, everywhere.getLocalPort());
      assertTrue(e.getAddress().isAnyLocalAddress(), e + " is the wildcard address");
    }
  }

  @Test
  void decodesTheKernelsHexAddresses() throws Exception {
    assertEquals(new InetSocketAddress("127.0.0.1", 8081), Listeners.address("0100007F:1F91"));
    assertEquals(
        new InetSocketAddress("127.0.0.1", 8081),
        Listeners.address("0000000000000000FFFF00000100007F:1F91"),
        "IPv4-mapped");
    assertTrue(
        Listeners.address("00000000000000000000000001000000:0050").getAddress().isLoopbackAddress(),
        "::1");
  }

  private static InetSocketAddress find(List<InetSocketAddress> listening, int port) {
    return listening.stream()
        .filter(a -> a.getPort() == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("port " + port + " not in " + listening));
  }
}
