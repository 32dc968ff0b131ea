package dev.timewait.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ports of the Prometheus JMX exporter agents of this JVM, read from its command line ({@code
 * -javaagent:.../jmx_prometheus_javaagent-1.0.1.jar=[host:]port:config.yaml}). Connections accepted
 * on them are scrapes, not application traffic.
 */
final class ExporterPorts {
  private ExporterPorts() {}

  /** The ports of this process; none when its command line cannot be read. */
  static int[] ofThisProcess() {
    try {
      return of(List.of(jvmArguments()));
    } catch (RuntimeException e) {
      return new int[0]; // a security manager, say: scrapes then count as a site of their own
    }
  }

  /**
   * The JVM's options, {@code JAVA_TOOL_OPTIONS} included: from the VM itself (java.base exports
   * {@code jdk.internal.misc} to the agent), else from the process's command line. The second way
   * costs a process-handle thread pool and ten times the time, before {@code main}.
   */
  private static String[] jvmArguments() {
    try {
      return (String[])
          Class.forName("jdk.internal.misc.VM").getMethod("getRuntimeArguments").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Optional<String[]> args = ProcessHandle.current().info().arguments();
      return args.isPresent() ? args.get() : new String[0];
    }
  }

  static int[] of(List<String> arguments) {
    List<Integer> ports = new ArrayList<>();
    for (String arg : arguments) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("-javaagent:") || eq < 0 || !arg.contains("jmx_prometheus")) {
        continue;
      }
      for (String part : arg.substring(eq + 1).split(":")) {
        if (!part.isEmpty() && part.length() <= 5 && digits(part)) {
          ports.add(Integer.parseInt(part));
          break;
        }
      }
    }
    int[] out = new int[ports.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ports.get(i);
    }
    return out;
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
