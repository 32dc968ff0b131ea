package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash completion script for {@code timewait}, which zsh sources too (the script loads
 * zsh's {@code bashcompinit}): {@code java -cp timewait.jar
 * dev.timewait.analyzer.cli.ShellCompletion FILE}.
 */
public final class ShellCompletion {
  private ShellCompletion() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file, AutoComplete.bash("timewait", Main.commandLine()), StandardCharsets.UTF_8);
  }
}
