package dev.timewait.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a JVM on the bench's own classes, optionally with a Java agent, and reads its output. */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final BufferedReader out;

  private ChildJvm(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(ownJar());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Only the bench's own classes: the child must not see the agent's plain module jar (or a {@code
   * -javaagent} jar's entry class would load from it) nor any other library.
   */
  static String ownJar() {
    try {
      return new File(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
    return new ChildJvm(
        new ProcessBuilder(command(jvmOptions, main, args))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start());
  }

  /** As {@link #start}, with the child's stderr in {@code stderr} for the caller to read. */
  static ChildJvm start(List<String> jvmOptions, Path stderr, Class<?> main, String... args)
      throws IOException {
    return new ChildJvm(
        new ProcessBuilder(command(jvmOptions, main, args)).redirectError(stderr.toFile()).start());
  }

  /** The value after the first output line starting with {@code prefix + " "}. */
  String await(String prefix) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix + " ")) {
        return line.substring(prefix.length() + 1);
      }
    }
    throw new IOException("child JVM ended without printing '" + prefix + "'");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
