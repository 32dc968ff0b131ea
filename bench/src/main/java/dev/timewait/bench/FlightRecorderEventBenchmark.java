package dev.timewait.bench;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.agent.internal.record.ConnectionEndEvent;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code dev.timewait.ConnectionEnd} Flight Recorder event on the close path: its emit call
 * alone, and {@link CloseRecorder#record} (which makes that call), each without any recording
 * ({@code none}: the production case, where it must cost nothing measurable and allocate nothing)
 * and with a recording that takes the event and its stack trace ({@code recording}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlightRecorderEventBenchmark {

  @Param({"none", "recording"})
  public String type;

  private Recording recording;
  private CloseRecorder recorder;
  private CodeSite close;
  private CodeSite open;
  private InetSocketAddress local;
  private InetSocketAddress remote;

  @Setup
  public void setUp() throws Exception {
    recorder = new CloseRecorder(1000, 1000, 131072);
    close = new CodeSite("com.example.Client.call(Client.java:42)", List.of());
    open = new CodeSite("com.example.Client.connect(Client.java:30)", List.of());
    local = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 40000);
    remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 3, 1}), 8080);
    if (type.equals("recording")) {
      recording = new Recording();
      recording.enable("dev.timewait.ConnectionEnd").withStackTrace();
      recording.setToDisk(true);
      recording.start();
    }
  }

  @TearDown
  public void tearDown() {
    if (recording != null) {
      recording.close();
    }
  }

  /** The emit call of the close path, by itself. */
  @Benchmark
  public void emit() {
    ConnectionEndEvent.emit(close, open, Role.CLIENT, CloseKind.ACTIVE, local, remote);
  }

  /** A client's active close recorded, the event's call included. */
  @Benchmark
  public void record() {
    recorder.record(
        close, open, Role.CLIENT, CloseKind.ACTIVE, local, remote, System.currentTimeMillis());
  }
}
