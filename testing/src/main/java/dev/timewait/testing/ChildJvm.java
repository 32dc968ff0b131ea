package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM, typically with the shaded agent jar, whose output is collected line by line:
 *
 * <pre>{@code
 * try (ChildJvm child =
 *     ChildJvm.on(jdk).agent("snapshot=" + file).mainClass(App.class).args("7").start()) {
 *   child.awaitLine("ready");
 *   child.send("closes 3");
 *   List<String> stdout = child.finish(30);
 * }
 * }</pre>
 *
 * A child still running after its timeout (5 minutes unless set) is killed, after a thread dump
 * that the next failing call reports, so a hung child ends the test instead of the build.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Jdk jdk;
  private final String name;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread outReader;
  private final Thread errReader;
  private int cursor;
  private boolean outEnded;
  private volatile String killedBecause;

  private ChildJvm(Process process, Jdk jdk, String name, Duration timeout, boolean captureErr) {
    this.process = process;
    this.jdk = jdk;
    this.name = name;
    this.outReader = daemon("stdout", this::readStdout);
    this.errReader =
        captureErr
            ? daemon("stderr", () -> readLines(process.getErrorStream(), this::stderrLine))
            : null;
    daemon("timeout", () -> killAfter(timeout));
  }

  /** A child on the JDK running this JVM. */
  public static Builder builder() {
    return new Builder(Jdk.current());
  }

  /** A child on {@code jdk}. */
  public static Builder on(Jdk jdk) {
    return new Builder(jdk);
  }

  /**
   * The shaded agent jar: {@code timewait.agentJar}, or the agent module's build output seen from a
   * sibling module.
   */
  public static Path agentJar() {
    return Path.of(System.getProperty("timewait.agentJar", "../agent/target/timewait-agent.jar"));
  }

  /** The folder or jar {@code type} was loaded from. */
  public static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How a child JVM is started. */
  public static final class Builder {
    private final Jdk jdk;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> classPath = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final List<String> launcher = new ArrayList<>();
    private String mainClass;
    private Duration timeout = Duration.ofMinutes(5);
    private boolean inheritStderr;

    private Builder(Jdk jdk) {
      this.jdk = jdk;
    }

    /** {@code -javaagent:} the shaded agent jar ({@link #agentJar()}) with {@code options}. */
    public Builder agent(String options) {
      return agent(agentJar(), options);
    }

    /** {@code -javaagent:jar=options}; null or empty options: none. */
    public Builder agent(Path jar, String options) {
      return jvmArgs(
          "-javaagent:" + jar + (options == null || options.isEmpty() ? "" : "=" + options));
    }

    /** {@code -Dname=value}. */
    public Builder property(String name, String value) {
      return jvmArgs("-D" + name + "=" + value);
    }

    /** Options for the JVM, before the main class. */
    public Builder jvmArgs(String... options) {
      return jvmArgs(List.of(options));
    }

    /** Options for the JVM, before the main class. */
    public Builder jvmArgs(List<String> options) {
      jvmArgs.addAll(options);
      return this;
    }

    /** Class path entries, after the main class's own folder or jar. */
    public Builder classPath(Path... entries) {
      for (Path entry : entries) {
        classPath.add(entry.toString());
      }
      return this;
    }

    /** This JVM's whole class path, for a child that needs the test's libraries. */
    public Builder inheritClassPath() {
      classPath.add(System.getProperty("java.class.path"));
      return this;
    }

    /**
     * The main class, with the folder or jar it was loaded from first on the class path: the child
     * sees only that and what {@link #classPath} adds, so the agent's classes reach it through the
     * agent jar alone.
     */
    public Builder mainClass(Class<?> main) {
      this.mainClass = main.getName();
      classPath.add(0, codeSource(main).toString());
      return this;
    }

    /** The main class by name, found on the class path given with {@link #classPath}. */
    public Builder mainClass(String name) {
      this.mainClass = name;
      return this;
    }

    /** Arguments of the main class. */
    public Builder args(String... arguments) {
      return args(List.of(arguments));
    }

    /** Arguments of the main class. */
    public Builder args(List<String> arguments) {
      args.addAll(arguments);
      return this;
    }

    /** How long the child may run before it is killed. */
    public Builder timeout(Duration limit) {
      this.timeout = limit;
      return this;
    }

    /**
     * A command that runs the JVM, such as {@code unshare -rn} or {@code ip netns exec NAME}: one
     * that execs it, so that {@link ChildJvm#pid()} stays the JVM's.
     */
    public Builder launcher(String... command) {
      launcher.addAll(List.of(command));
      return this;
    }

    /** The child's stderr goes to this JVM's instead of being collected. */
    public Builder inheritStderr() {
      this.inheritStderr = true;
      return this;
    }

    /** The command line, for a caller that runs it itself. */
    public List<String> command() {
      if (mainClass == null) {
        throw new IllegalStateException("no main class");
      }
      List<String> command = new ArrayList<>(launcher);
      command.add(jdk.java().toString());
      command.addAll(jvmArgs);
      if (!classPath.isEmpty()) {
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
      }
      command.add(mainClass);
      command.addAll(args);
      return command;
    }

    /** Starts the child. */
    public ChildJvm start() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command());
      if (inheritStderr) {
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
      }
      String name = mainClass.substring(mainClass.lastIndexOf('.') + 1) + " " + args;
      return new ChildJvm(builder.start(), jdk, name, timeout, !inheritStderr);
    }
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends one line to the child's stdin. */
  public void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /**
   * The next stdout line starting with {@code prefix}, after the line the previous call returned.
   *
   * @throws IOException when the child ends (or is killed) before printing one
   */
  public String awaitLine(String prefix) throws IOException, InterruptedException {
    synchronized (lines) {
      while (!outEnded || cursor < lines.size()) {
        while (cursor < lines.size()) {
          String line = lines.get(cursor++);
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        if (!outEnded) {
          lines.wait();
        }
      }
    }
    process.waitFor(10, TimeUnit.SECONDS); // stdout is closed: the child is ending
    joinReaders();
    throw new IOException("child ended before printing '" + prefix + "'" + describe());
  }

  /** The rest of the next stdout line {@code key value}: its value. */
  public String awaitValue(String key) throws IOException, InterruptedException {
    return awaitLine(key + " ").substring(key.length() + 1);
  }

  /**
   * Sends {@code command} every 100 ms until the child answers {@code expected}, e.g. until the
   * agent's MBeans are registered on a busy machine. The answer is the next line starting with the
   * first word of {@code expected}.
   */
  public void awaitReply(String command, String expected, long millis) throws Exception {
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

  /**
   * Waits until {@code file} exists, e.g. the agent's first snapshot; for files written whole (to a
   * temporary file, then moved).
   */
  public void awaitFile(Path file, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!Files.exists(file)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("child ended before writing " + file + describe());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("no " + file + " after " + millis + " ms" + describe());
      }
      Thread.sleep(10);
    }
  }

  /**
   * Waits for the child to exit and returns its exit code, with all of its output read.
   *
   * @throws IllegalStateException when it still runs after {@code seconds}; it is killed then
   */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill("still running after " + seconds + " s");
      throw new IllegalStateException("child did not exit within " + seconds + " s" + describe());
    }
    joinReaders();
    return process.exitValue();
  }

  /**
   * Waits for the child to exit with 0 and returns every stdout line.
   *
   * @throws IllegalStateException when it exits otherwise or still runs after {@code seconds}
   */
  public List<String> finish(long seconds) throws InterruptedException {
    int exit = waitFor(seconds);
    if (exit != 0) {
      throw new IllegalStateException("child exited " + exit + describe());
    }
    return stdout();
  }

  /** Every stdout line so far. */
  public List<String> stdout() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Everything on stderr so far (empty when it goes to this JVM's). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** Kills the child (SIGKILL) and waits until it is gone. */
  public void kill() throws InterruptedException {
    kill(null);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private void kill(String because) throws InterruptedException {
    if (because != null && process.isAlive()) {
      killedBecause = because;
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child " + pid() + " survived SIGKILL for 30 s");
    }
    joinReaders();
  }

  private void killAfter(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        String dump = threadDump();
        kill("killed after its timeout of " + timeout.toSeconds() + " s; thread dump:\n" + dump);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String threadDump() {
    try {
      Process jcmd =
          new ProcessBuilder(jdk.tool("jcmd").toString(), Long.toString(pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "no thread dump: " + e;
    }
  }

  private void joinReaders() throws InterruptedException {
    outReader.join(10_000);
    if (errReader != null) {
      errReader.join(10_000);
    }
  }

  /** The child's name, how it ended and its stderr, for a failure message. */
  private String describe() {
    StringBuilder text = new StringBuilder(" (" + name + " on " + jdk + ")");
    if (killedBecause != null) {
      text.append("; ").append(killedBecause);
    }
    String err = stderr();
    return err.isEmpty() ? text.toString() : text.append("; stderr:\n").append(err).toString();
  }

  private void readStdout() {
    try {
      readLines(process.getInputStream(), this::stdoutLine);
    } finally {
      synchronized (lines) {
        outEnded = true;
        lines.notifyAll();
      }
    }
  }

  private void stdoutLine(String line) {
    synchronized (lines) {
      lines.add(line);
      lines.notifyAll();
    }
  }

  private void stderrLine(String line) {
    synchronized (stderr) {
      stderr.append(line).append('\n');
    }
  }

  private static void readLines(InputStream in, Consumer<String> sink) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        sink.accept(line);
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  private Thread daemon(String what, Runnable task) {
    Thread thread = new Thread(task, "child-jvm-" + process.pid() + "-" + what);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
