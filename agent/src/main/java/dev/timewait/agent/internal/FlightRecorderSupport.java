package dev.timewait.agent.internal;

import dev.timewait.agent.internal.jmx.FindingEvent;
import dev.timewait.agent.internal.record.ConnectionEndEvent;
import java.util.List;
import java.util.Optional;

/**
 * Whether this runtime has Flight Recorder ({@code jdk.jfr}), and whether the agent's events are
 * registered. Registering them loads some hundred {@code jdk.jfr} classes (about 90 ms): on the
 * application's first close that would be start-up time, so it happens on the agent's own thread
 * (after {@code jmxDelay}), or at install when the JVM was started with a recording, whose first
 * closes are then recorded too. Until then no event is emitted.
 */
public final class FlightRecorderSupport {

  /** True when the {@code jdk.jfr} module is in the boot layer. */
  public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private static volatile boolean registered;

  private FlightRecorderSupport() {}

  /** The agent's events may be emitted: Flight Recorder is here and knows them. */
  public static boolean ready() {
    return registered;
  }

  /** Registers the agent's events; once, and quietly off where Flight Recorder is missing. */
  public static synchronized void register() {
    if (registered || !AVAILABLE) {
      return;
    }
    jdk.jfr.FlightRecorder.register(ConnectionEndEvent.class);
    jdk.jfr.FlightRecorder.register(FindingEvent.class);
    registered = true;
  }

  /**
   * Whether this JVM was started with a recording ({@code -XX:StartFlightRecording} on its command
   * line or in {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}), read without loading {@code
   * jdk.jfr}.
   */
  static boolean recordingAtStart() {
    List<String> sources = new java.util.ArrayList<>();
    Optional<String[]> arguments = ProcessHandle.current().info().arguments();
    arguments.ifPresent(a -> sources.addAll(List.of(a)));
    sources.add(String.valueOf(System.getenv("JAVA_TOOL_OPTIONS")));
    sources.add(String.valueOf(System.getenv("JDK_JAVA_OPTIONS")));
    for (String s : sources) {
      if (s.contains("-XX:StartFlightRecording")) {
        return true;
      }
    }
    return false;
  }
}
