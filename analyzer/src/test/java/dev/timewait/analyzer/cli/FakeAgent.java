package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Stands in for the real agent in child JVMs, speaking the real agent's side of the attach channel:
 * announces itself in the JVM's agent properties ({@link JvmConnection#OPTIONS_PROPERTY} and the
 * others), answers snapshot requests in its folder with the snapshot it serves (read from a file),
 * and withdraws on {@code detach}. Its options are {@code served=FILE[,k=v...]}; {@code off=true}
 * makes it stay off as the real agent does with bad options, and a second start is ignored, as the
 * real agent ignores it. Run as a main class (starts when given options; its jar is the system
 * property {@code fake.jar}) or loaded as an agent jar. The child JVM needs {@code --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED}.
 */
public final class FakeAgent {

  private static String served;

  private FakeAgent() {}

  /** {@code FakeAgent [options]}: starts when options are given, then waits to be killed. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      agentmain(args[0]);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(120_000);
  }

  /** Agent entry: {@code detach}, {@code dump=FILE}, or a start unless it runs already. */
  public static synchronized void agentmain(String options) throws Exception {
    Properties agent = agentProperties();
    if ("detach".equals(options)) {
      served = null;
      agent.remove(JvmConnection.OPTIONS_PROPERTY);
      agent.remove(JvmConnection.JAR_PROPERTY);
      agent.remove(JvmConnection.REQUESTS_PROPERTY);
      return;
    }
    if (served != null) {
      System.err.println("fake agent: already running; ignoring the new start");
      return;
    }
    Map<String, String> given = new LinkedHashMap<>();
    for (String pair : options.split(",")) {
      int eq = pair.indexOf('=');
      given.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    if (given.containsKey("off")) {
      System.err.println("fake agent: told to stay off; agent disabled");
      return;
    }
    served = Files.readString(Path.of(given.get("served")));
    String jar = System.getProperty("fake.jar");
    if (jar == null) {
      jar =
          Path.of(FakeAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    }
    Path requests =
        Files.createTempDirectory(
            ".fake-agent",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Thread answering = new Thread(() -> answer(requests), "fake-agent");
    answering.setDaemon(true);
    answering.start();
    agent.setProperty(JvmConnection.REQUESTS_PROPERTY, requests.toString());
    agent.setProperty(JvmConnection.JAR_PROPERTY, jar);
    agent.setProperty(JvmConnection.OPTIONS_PROPERTY, options);
  }

  /** Answers {@code TOKEN.request} with {@code TOKEN.json} while the agent runs. */
  private static void answer(Path folder) {
    try {
      while (true) {
        String json = served;
        if (json == null) {
          return;
        }
        try (DirectoryStream<Path> requests = Files.newDirectoryStream(folder, "*.request")) {
          for (Path request : requests) {
            String name = request.getFileName().toString();
            Path answer = folder.resolve(name.replace(".request", ".json"));
            Path temp = folder.resolve("." + name + ".tmp");
            Files.writeString(temp, json);
            Files.move(temp, answer, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(request);
          }
        }
        Thread.sleep(50);
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("fake agent: " + e);
    }
  }

  private static Properties agentProperties() throws ReflectiveOperationException {
    return (Properties)
        Class.forName("jdk.internal.vm.VMSupport").getMethod("getAgentProperties").invoke(null);
  }
}
