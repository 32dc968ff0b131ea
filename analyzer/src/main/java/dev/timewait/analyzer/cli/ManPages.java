package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes man(1) pages in roff for {@code timewait} and each of its commands, from the same model
 * that prints {@code --help}: the distribution's {@code man/man1}, made at build time without
 * AsciiDoc tools. {@code java -cp timewait.jar dev.timewait.analyzer.cli.ManPages DIR}.
 */
public final class ManPages {
  private ManPages() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    CommandLine top = Main.commandLine();
    write(dir, top, "timewait");
    for (CommandLine sub : top.getSubcommands().values()) {
      if (!sub.getCommandSpec().usageMessage().hidden() && !sub.getCommandName().equals("help")) {
        write(dir, sub, "timewait-" + sub.getCommandName());
      }
    }
  }

  private static void write(Path dir, CommandLine command, String page) throws IOException {
    Files.writeString(dir.resolve(page + ".1"), page(command, page), StandardCharsets.UTF_8);
  }

  /** One page: name, synopsis, description, arguments, options, then the help's footer. */
  static String page(CommandLine command, String page) {
    CommandSpec spec = command.getCommandSpec();
    String version = new Main.Version().getVersionQuietly();
    StringBuilder roff = new StringBuilder();
    roff.append(".TH ")
        .append(page.toUpperCase(Locale.ROOT))
        .append(" 1 \"\" \"")
        .append(version)
        .append("\" \"timewait manual\"\n");
    roff.append(".SH NAME\n").append(page).append(" \\- ");
    roff.append(text(firstSentence(String.join(" ", spec.usageMessage().description()))));
    roff.append("\n.SH SYNOPSIS\n.nf\n");
    Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
    roff.append(text(help.synopsis(0).strip())).append("\n.fi\n");
    roff.append(".SH DESCRIPTION\n");
    for (String paragraph : spec.usageMessage().description()) {
      roff.append(text(paragraph)).append("\n.PP\n");
    }
    if (!spec.subcommands().isEmpty()) {
      roff.append(".SH COMMANDS\n");
      for (CommandLine sub : spec.subcommands().values()) {
        String name = sub.getCommandName();
        if (name.equals("help")) {
          continue;
        }
        roff.append(".TP\n\\fB")
            .append(text(name))
            .append("\\fR\n")
            .append(text(String.join(" ", sub.getCommandSpec().usageMessage().description())))
            .append(" See \\fBtimewait-")
            .append(text(name))
            .append("\\fR(1).\n");
      }
    }
    List<PositionalParamSpec> positionals = new ArrayList<>();
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      if (!positional.hidden()) {
        positionals.add(positional);
      }
    }
    if (!positionals.isEmpty()) {
      roff.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec positional : positionals) {
        roff.append(".TP\n\\fI")
            .append(text(positional.paramLabel()))
            .append("\\fR\n")
            .append(text(String.join(" ", positional.description())))
            .append('\n');
      }
    }
    roff.append(".SH OPTIONS\n");
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      roff.append(".TP\n");
      String[] names = option.names();
      for (int i = 0; i < names.length; i++) {
        roff.append(i == 0 ? "" : ", ").append("\\fB").append(text(names[i])).append("\\fR");
      }
      if (option.arity().max() > 0) {
        roff.append("=\\fI").append(text(option.paramLabel())).append("\\fR");
      }
      String description = String.join(" ", option.description());
      String defaultValue = option.defaultValue() == null ? "" : option.defaultValue();
      description = description.replace("${DEFAULT-VALUE}", defaultValue);
      roff.append('\n').append(text(description)).append('\n');
    }
    String[] footer = spec.usageMessage().footer();
    if (footer.length > 0) {
      roff.append(".SH NOTES\n.nf\n");
      for (String line : footer) {
        roff.append(text(line)).append('\n');
      }
      roff.append(".fi\n");
    }
    if (!page.equals("timewait")) {
      roff.append(".SH SEE ALSO\n\\fBtimewait\\fR(1)\n");
    }
    return roff.toString();
  }

  private static String firstSentence(String text) {
    int end = text.indexOf(". ");
    return end < 0 ? text.replaceAll("\\.$", "") : text.substring(0, end);
  }

  /** Text for roff: backslashes escaped, hyphens as such, no line starting a request. */
  static String text(String value) {
    StringBuilder out = new StringBuilder();
    for (String line : value.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      String escaped = line.replace("\\", "\\e").replace("-", "\\-");
      if (escaped.startsWith(".") || escaped.startsWith("'")) {
        escaped = "\\&" + escaped;
      }
      out.append(escaped);
    }
    return out.toString();
  }
}
