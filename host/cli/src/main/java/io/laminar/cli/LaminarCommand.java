package io.laminar.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code laminar}: the top command; only dispatches to subcommands. */
@Command(name = "laminar", mixinStandardHelpOptions = true, versionProvider = LaminarCommand.Version.class,
    description = "A streaming-SQL server: TOML config, SQL pipelines, connector plugins.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:runtime failure", "2:usage error", "3:forced stop (shutdown timeout)",
        "69:a connector cannot reach its system", "78:configuration error"})
final class LaminarCommand implements Runnable {
  /** The subcommands by name, in the order help lists them. */
  private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("run", RunCommand.class);
    SUBCOMMANDS.put("validate", ValidateCommand.class);
    SUBCOMMANDS.put("explain", ExplainCommand.class);
    SUBCOMMANDS.put("plugins", PluginsCommand.class);
    SUBCOMMANDS.put("version", VersionCommand.class);
  }

  final PrintStream out;
  final PrintStream err;
  @Spec CommandSpec spec;

  LaminarCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * The subcommands a command line needs: only the one it names, else all (for help, or a mistyped
   * name's suggestions). picocli builds every registered command's model by reflection at start, and
   * the others' would cost a run ≈ 50 ms for nothing.
   */
  static List<Class<?>> subcommandsFor(String[] args) {
    Class<?> named = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
    return named != null ? List.of(named) : List.copyOf(SUBCOMMANDS.values());
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  /** Supplies {@code --version}. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"laminar " + Versions.laminar() + " (plugin API " + Versions.api() + ")"};
    }
  }
}
