package io.laminar.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The {@code laminar} executable. */
public final class Main {
  private Main() {
  }

  /** Runs the command line and exits with its code; an exit laminar did not ask for exits 1. */
  public static void main(String[] args) {
    Warmup.startFor(args);
    ExitGuard.install();
    ExitGuard.exit(execute(args, System.out, System.err));
  }

  /** Runs a command line with the given streams and returns the exit code (tests call this). */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new LaminarCommand(out, err));
    for (Class<?> subcommand : LaminarCommand.subcommandsFor(args)) {
      cli.addSubcommand(subcommand);
    }
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExitCodeExceptionMapper(e -> ExitCode.RUNTIME);
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("laminar: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((ex, c, parsed) -> {
      // Only programming errors reach here: user mistakes are reported as values.
      c.getErr().println("laminar: internal error: " + ex);
      ex.printStackTrace(c.getErr());
      return ExitCode.RUNTIME;
    });
    return cli.execute(args);
  }
}
