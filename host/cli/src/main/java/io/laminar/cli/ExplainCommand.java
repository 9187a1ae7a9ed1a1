package io.laminar.cli;

import io.laminar.plan.CompiledPipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code laminar explain}: a pipeline's physical plan. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Print the physical plan the engine would run for a pipeline.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "2:no such pipeline", "78:configuration error"})
final class ExplainCommand implements Callable<Integer> {
  @ParentCommand LaminarCommand parent;
  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "PIPELINE", description = "The pipeline name.")
  String pipeline;

  @Override
  public Integer call() {
    if (options.logLevel == null) {
      options.logLevel = Logging.QUIET; // the plan is the output; progress logs only on request
    }
    try (Preparation p = Preparation.prepare(options, true, System.getenv(), parent.err)) {
      if (!p.ok()) {
        return p.exitCode;
      }
      CompiledPipeline compiled = p.builder.pipelines().get(pipeline);
      if (compiled == null) {
        parent.err.println("laminar: no pipeline '" + pipeline + "'."
            + io.laminar.common.Suggestions.didYouMean(pipeline, p.builder.pipelines().keySet())
            + " Pipelines: " + String.join(", ", p.builder.pipelines().keySet()));
        return ExitCode.USAGE;
      }
      parent.out.println(compiled.explain());
      return ExitCode.OK;
    }
  }
}
