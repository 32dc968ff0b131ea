package dev.timewait.agent.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM on a chosen JDK, with its output collected line by line. */
final class ChildJvm implements AutoCloseable {
  static final Path AGENT_JAR =
      Path.of(System.getProperty("timewait.agentJar", "target/timewait-agent.jar"));

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final BufferedReader out;

  private ChildJvm(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (stderr) {
                    stderr.append(line).append('\n');
                  }
                }
              } catch (IOException ignored) {
                // the child is gone
              }
            });
    err.setDaemon(true);
    err.start();
  }

  /** {@code @MethodSource} of tests that run on every JDK of {@link #javas()}. */
  static final String JAVAS = "dev.timewait.agent.e2e.ChildJvm#javas";

  /** Java executables to test on: this JVM's, and JDK 25 where installed. */
  static List<Path> javas() {
    List<Path> javas = new ArrayList<>();
    javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
    Path jdk25 = Path.of(System.getProperty("timewait.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    if (Files.isExecutable(jdk25.resolve("bin/java"))) {
      javas.add(jdk25.resolve("bin/java"));
    }
    return javas;
  }

  /**
   * Starts {@code mainClass} with only the folder it was compiled to on the class path, so that the
   * agent's classes reach the child through the agent jar alone.
   */
  static ChildJvm start(Path java, List<String> jvmArgs, Class<?> mainClass, List<String> args)
      throws Exception {
    return start(java, jvmArgs, List.of(), mainClass, args);
  }

  /** As above, with more class path entries after the folder of {@code mainClass}. */
  static ChildJvm start(
      Path java, List<String> jvmArgs, List<Path> classPath, Class<?> mainClass, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    StringBuilder cp =
        new StringBuilder(
            Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
    for (Path entry : classPath) {
      cp.append(File.pathSeparatorChar).append(entry);
    }
    command.add(cp.toString());
    command.add(mainClass.getName());
    command.addAll(args);
    return new ChildJvm(new ProcessBuilder(command).start());
  }

  /** Sends one line to the child's stdin. */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** Starts {@code mainClass} on {@code java} with the agent jar and {@code options}. */
  static ChildJvm withAgent(Path java, String options, Class<?> mainClass) throws Exception {
    return start(java, List.of("-javaagent:" + AGENT_JAR + "=" + options), mainClass, List.of());
  }

  long pid() {
    return process.pid();
  }

  /** Reads stdout up to and including the first line starting with {@code prefix}. */
  String awaitLine(String prefix) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IOException("child ended before printing '" + prefix + "'; stderr:\n" + stderr());
  }

  /**
   * Sends {@code command} every 100 ms until the child answers {@code expected}, e.g. until the
   * agent's MBeans are registered on a busy machine.
   */
  void awaitReply(String command, String expected, long millis) throws Exception {
    String prefix = expected.split(" ")[0];
    long deadline = System.currentTimeMillis() + millis;
    String last = null;
    while (System.currentTimeMillis() < deadline) {
      send(command);
      last = awaitLine(prefix);
      if (last.equals(expected)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("'" + command + "' never gave '" + expected + "': " + last);
  }

  /** Waits for the exit and returns every stdout line. */
  List<String> finish(long seconds) throws Exception {
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
    }
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child did not exit within " + seconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "child exited " + process.exitValue() + "; stderr:\n" + stderr());
    }
    return lines;
  }

  /** Waits for a child that was killed to be gone. */
  void finishKilled(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child did not end within " + seconds + " s");
    }
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
