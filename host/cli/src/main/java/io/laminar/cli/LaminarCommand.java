package io.laminar.cli;

import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code laminar}: the top command; only dispatches to subcommands. */
@Command(name = "laminar", mixinStandardHelpOptions = true, versionProvider = LaminarCommand.Version.class,
    description = "A streaming-SQL server: TOML config, SQL pipelines, connector plugins.",
    subcommands = {RunCommand.class, ValidateCommand.class, ExplainCommand.class, PluginsCommand.class,
        VersionCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:runtime failure", "2:usage error", "3:forced stop (shutdown timeout)",
        "69:a connector cannot reach its system", "78:configuration error"})
final class LaminarCommand implements Runnable {
  final PrintStream out;
  final PrintStream err;
  @Spec CommandSpec spec;

  LaminarCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
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
