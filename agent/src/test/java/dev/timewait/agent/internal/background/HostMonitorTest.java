package dev.timewait.agent.internal.background;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timewait.core.host.ClientTimeWaitGroup;
import org.junit.jupiter.api.Test;

class HostMonitorTest {

  @Test
  void ipv6DestinationsAreBracketedLikeEveryEndpointOfTheSnapshot() {
    ClientTimeWaitGroup v6 = new ClientTimeWaitGroup("::1", "::1", 42619, 50, 50, 28232);
    ClientTimeWaitGroup v4 = new ClientTimeWaitGroup("127.0.0.1", "127.0.0.1", 8080, 5, 5, null);

    assertEquals("[::1]:42619", HostMonitor.remote(v6));
    assertEquals("::1 -> [::1]:42619", HostMonitor.destination(v6));
    assertEquals("127.0.0.1:8080", HostMonitor.remote(v4));
  }
}
