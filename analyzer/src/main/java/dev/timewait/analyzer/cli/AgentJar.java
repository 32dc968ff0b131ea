package dev.timewait.analyzer.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds the agent jar: the {@code --agent-jar} option, else {@code timewait-agent.jar} beside
 * {@code timewait.jar}, else {@code agent/target/timewait-agent.jar} of the source tree that {@code
 * analyzer/target/timewait.jar} was built in.
 */
final class AgentJar {

  static final String FILE_NAME = "timewait-agent.jar";

  private AgentJar() {}

  static Path locate(Path option) {
    if (option != null) {
      if (!Files.isRegularFile(option)) {
        throw new CliException("agent jar not found: " + option);
      }
      return option.toAbsolutePath();
    }
    Path home = home();
    if (home != null) {
      Path beside = home.resolve(FILE_NAME);
      if (Files.isRegularFile(beside)) {
        return beside;
      }
      Path built = home.resolve("../../agent/target/" + FILE_NAME).normalize();
      if (Files.isRegularFile(built)) {
        return built;
      }
    }
    throw new CliException(
        "agent jar not found beside timewait.jar or in agent/target: pass --agent-jar FILE");
  }

  /** The directory holding timewait.jar (or the class directory's parent when run from classes). */
  private static Path home() {
    CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
