package io.laminar.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code laminar version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print laminar's and the plugin API's versions.")
final class VersionCommand implements Callable<Integer> {
  @ParentCommand LaminarCommand parent;

  @Override
  public Integer call() {
    parent.out.println("laminar " + Versions.laminar());
    parent.out.println("plugin API " + Versions.api());
    parent.out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    return ExitCode.OK;
  }
}
