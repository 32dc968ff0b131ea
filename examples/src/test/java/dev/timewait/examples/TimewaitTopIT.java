package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code timewait top} on a JVM that churns connections through the agent: in a real terminal
 * (tmux), driven by keys and read back from the screen; and in {@code --batch} mode.
 */
class TimewaitTopIT {
  private static final Path CLI_JAR =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"))
          .toAbsolutePath();
  private static final Path AGENT_JAR =
      Path.of(System.getProperty("timewait.agentJar", "../agent/target/timewait-agent.jar"))
          .toAbsolutePath();
  private static final String SITE = "TopChurnApp.churn(TopChurnApp.java:";
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir Path dir;
  private Process app;
  private long pid;
  private String session;

  @BeforeEach
  void startApp() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "top's checks need Linux");
    String classes =
        Path.of(TopChurnApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    app =
        new ProcessBuilder(
                JAVA.toString(),
                "-javaagent:" + AGENT_JAR + "=jmxDelay=0s,interval=500ms",
                "-cp",
                classes,
                TopChurnApp.class.getName())
            .redirectError(dir.resolve("app-stderr.txt").toFile())
            .start();
    String line =
        new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertTrue(line != null && line.startsWith("ready "), "app: " + line);
    pid = Long.parseLong(line.substring(6).strip());
  }

  @AfterEach
  void stop() throws Exception {
    if (session != null) {
      new ProcessBuilder("tmux", "kill-session", "-t", session)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.destroy();
      app.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void liveViewInATerminal() throws Exception {
    Assumptions.assumeTrue(tmuxInstalled(), "tmux is not installed: skipped");
    session = "timewait-top-" + ProcessHandle.current().pid();
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "220",
        "-y",
        "50",
        JAVA + " -jar " + CLI_JAR + " top --pid " + pid + " 2>" + dir.resolve("top-stderr.txt"));
    String screen =
        awaitScreen(s -> s.contains(SITE) && s.contains("CLIENT_CHURN_SITE"), "the site row");
    assertTrue(screen.contains("timewait top"), screen);
    assertTrue(screen.contains("host TIME_WAIT"), screen);
    assertTrue(screen.contains("sorted by closes/s"), screen);
    String row = line(screen, SITE);
    assertTrue(row.contains(" CLIENT ") && row.contains(" " + pid + " "), row);
    assertTrue(row.matches(".*\\s\\d+\\.\\d%\\s.*"), "a share of the host's TIME_WAIT: " + row);
    assertTrue(screen.contains("raised  warning CLIENT_CHURN_SITE"), screen);
    assertTrue(line(screen, "127.0.0.1 -> 127.0.0.1:").contains("28232"), screen);

    tmux("send-keys", "-t", session, "s");
    awaitScreen(s -> s.contains("sorted by TW share"), "sort by share");
    tmux("send-keys", "-t", session, "t");
    awaitScreen(s -> s.contains("sorted by active"), "sort by active closes");

    tmux("send-keys", "-t", session, "Down");
    tmux("send-keys", "-t", session, "Up");
    tmux("send-keys", "-t", session, "Enter");
    String stack = awaitScreen(s -> s.contains("STACK  "), "the stack view");
    assertTrue(line(stack, "STACK  ").contains(SITE), stack);
    assertTrue(stack.contains("closed at"), stack);
    assertTrue(stack.contains("    at dev.timewait.examples." + SITE), stack);
    assertTrue(stack.contains("opened at"), stack);
    assertTrue(stack.contains("TopChurnApp.lambda$main$1(TopChurnApp.java:"), stack);

    tmux("send-keys", "-t", session, "Enter");
    awaitScreen(s -> !s.contains("STACK  ") && s.contains("CLOSES/S"), "back to the sites");

    tmux("send-keys", "-t", session, "q");
    long deadline = System.currentTimeMillis() + 10_000;
    while (sessionAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(!sessionAlive(), "q ends top and with it the tmux session");
    session = null;
    String err = Files.readString(dir.resolve("top-stderr.txt"));
    assertEquals("", err.strip(), "nothing on stderr");
  }

  @Test
  void batchPrintsPlainFrames() throws Exception {
    for (boolean flag : new boolean[] {true, false}) {
      List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", CLI_JAR.toString()));
      command.addAll(List.of("top", "--pid", Long.toString(pid), "-n", "4", "-d", "700ms"));
      if (flag) {
        command.add("--batch");
      }
      Path out = dir.resolve("batch-" + flag + ".txt");
      Process top =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(dir.resolve("batch-err.txt").toFile())
              .start();
      assertTrue(top.waitFor(90, TimeUnit.SECONDS), "top -n 4 ends by itself");
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, top.exitValue(), text + Files.readString(dir.resolve("batch-err.txt")));
      String[] frames = text.split("\n(?=timewait top  )");
      assertEquals(4, frames.length, text);
      assertTrue(!text.contains("\u001b"), "no escape codes off a terminal");
      assertTrue(!text.contains("keys:"), "no key help off a terminal");
      String last = frames[3];
      assertTrue(line(last, SITE).contains(" " + pid + " "), last);
      assertTrue(last.contains("FINDINGS ("), last);
      assertTrue(last.matches("(?s).*host TIME_WAIT [0-9,]+ \\([+-]\\d+/s\\).*"), last);
      assertTrue(text.contains("raised  warning CLIENT_CHURN_SITE"), text);
    }
  }

  private static String line(String screen, String containing) {
    for (String line : screen.split("\n")) {
      if (line.contains(containing)) {
        return line;
      }
    }
    throw new AssertionError("no line with '" + containing + "' in:\n" + screen);
  }

  private String awaitScreen(Predicate<String> shown, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    String screen = "";
    while (System.currentTimeMillis() < deadline) {
      screen = tmux("capture-pane", "-p", "-t", session);
      if (shown.test(screen)) {
        return screen;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("never showed " + what + ":\n" + screen);
  }

  private boolean sessionAlive() throws Exception {
    Process p =
        new ProcessBuilder("tmux", "has-session", "-t", session)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor(5, TimeUnit.SECONDS);
    return p.exitValue() == 0;
  }

  private static boolean tmuxInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "tmux"))) {
        return true;
      }
    }
    return false;
  }

  private static String tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    return out;
  }
}
