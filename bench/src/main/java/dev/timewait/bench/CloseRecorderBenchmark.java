package dev.timewait.bench;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link CloseRecorder#record} with interned sites, as the agent calls it after each close: 16
 * close sites, 16 open sites and 64 remote endpoints, all rows already in the tables.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CloseRecorderBenchmark {
  private CloseRecorder recorder;
  private CodeSite[] sites;
  private InetSocketAddress[] remotes;
  private InetSocketAddress local;
  private int i;

  @Setup
  public void setUp() throws Exception {
    recorder = new CloseRecorder(1000, 1000, 131072);
    sites = new CodeSite[16];
    for (int s = 0; s < sites.length; s++) {
      String frame = "com.example.Client.call(Client.java:" + (100 + s) + ")";
      sites[s] = new CodeSite(frame, List.of(frame));
    }
    remotes = new InetSocketAddress[64];
    for (int r = 0; r < remotes.length; r++) {
      remotes[r] =
          new InetSocketAddress(
              InetAddress.getByAddress(new byte[] {127, 0, 3, (byte) (1 + r % 8)}), 8000 + r);
    }
    local = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 40000);
  }

  /** A client's active close: totals, site row, endpoint, and the recent 4-tuple ring. */
  @Benchmark
  public void activeClientClose() {
    int n = i++;
    recorder.record(
        sites[n & 15],
        sites[(n >>> 4) & 15],
        Role.CLIENT,
        CloseKind.ACTIVE,
        local,
        remotes[n & 63],
        System.currentTimeMillis());
  }

  /** A server's passive close: its peers are grouped by address, whatever their port. */
  @Benchmark
  public void passiveServerClose() {
    int n = i++;
    recorder.record(
        sites[n & 15],
        sites[(n >>> 4) & 15],
        Role.SERVER,
        CloseKind.PASSIVE,
        local,
        remotes[n & 63],
        System.currentTimeMillis());
  }
}
