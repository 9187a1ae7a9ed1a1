package io.laminar.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code laminar validate}: everything {@code run} checks, without starting anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a configuration: syntax, every section, connector types and properties, SQL, "
        + "topology, and (unless --offline) that every connector can reach its system. Starts nothing.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:valid", "69:a connector cannot reach its system", "78:configuration error"})
final class ValidateCommand implements Callable<Integer> {
  @ParentCommand LaminarCommand parent;
  @Mixin ConfigOptions options;

  @Option(names = "--offline", description = "Skip the connectivity checks.")
  boolean offline;

  @Override
  public Integer call() {
    try (Preparation p = Preparation.prepare(options, offline, System.getenv(), parent.err)) {
      if (!p.ok()) {
        return p.exitCode;
      }
      p.report.warnings().forEach(w -> parent.err.println("warning: " + w));
      parent.out.println("configuration is valid: " + p.config.sources().size() + " sources, "
          + p.config.lookups().size() + " lookups, " + p.config.pipelines().size() + " pipelines, "
          + p.config.sinks().size() + " sinks" + (offline ? " (connectivity not checked)" : ""));
      return ExitCode.OK;
    }
  }
}
