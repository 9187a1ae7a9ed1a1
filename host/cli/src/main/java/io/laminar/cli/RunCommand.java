package io.laminar.cli;

import io.laminar.engine.Engine;
import io.laminar.http.CheckpointTrigger;
import io.laminar.http.HttpApi;
import io.laminar.http.ServerContext;
import java.io.IOException;
import java.time.Instant;
import io.laminar.engine.EngineOptions;
import io.laminar.engine.StartFailure;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code laminar run}: validate, then run the pipelines until the input ends or a signal arrives. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Validate the configuration, then run every pipeline. With bounded sources it exits 0 "
        + "once all input is processed; otherwise it runs until SIGTERM or SIGINT.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:finished, or stopped by SIGTERM/SIGINT", "1:runtime failure", "3:forced stop",
        "69:a connector cannot reach its system",
        "78:configuration error, or saved state that cannot be used (corrupt, or from other sources)"})
final class RunCommand implements Callable<Integer> {
  @ParentCommand LaminarCommand parent;
  @Mixin ConfigOptions options;

  @Option(names = "--offline", description = "Skip the connectivity checks.")
  boolean offline;

  @Option(names = "--dry-run", description = "Do everything up to and including the connectivity checks, then stop.")
  boolean dryRun;

  @Option(names = "--reset-state",
      description = "Ignore the saved checkpoint (e.g. after an incompatible SQL change): state starts empty "
          + "and sources start from the beginning.")
  boolean resetState;

  @Option(names = "--reset-source", paramLabel = "NAME",
      description = "Forget the saved offsets of source NAME (repeatable): it reads from its configured start, "
          + "the rest of the checkpoint is restored. For a source whose topic, table, seed, start or schema changed.")
  List<String> resetSources = new java.util.ArrayList<>();

  @Option(names = "--shutdown-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long a graceful shutdown may take before laminar names what is stuck and exits 3 "
          + "(default: [server] shutdown_timeout, else 30s).")
  Duration shutdownTimeout;

  @Override
  public Integer call() {
    // Handled from here on, not once the engine runs: a signal while the config is prepared or the
    // engine starts must close what was opened, not kill the JVM (exit 143).
    StopSignal stop = new StopSignal();
    Signals.install(stop::signal, ExitCode.FORCED_STOP);
    try (Preparation p = Preparation.prepare(options, offline, System.getenv(), parent.err, stop)) {
      if (!p.ok() && !p.stoppedBySignal()) {
        return p.exitCode; // errors found before the signal are the run's result
      }
      if (stop.received()) {
        return stoppedBeforeTheEngineStarted();
      }
      p.report.warnings().forEach(w -> parent.err.println("warning: " + w));
      if (dryRun) {
        parent.err.println("laminar: dry run: configuration valid" + (offline ? "" : " and connectors reachable")
            + "; nothing was started.");
        return ExitCode.OK;
      }
      return runEngine(p, stop);
    } finally {
      Signals.restoreDefaults();
    }
  }

  private int runEngine(Preparation p, StopSignal stop) {
    Instant startedAt = Instant.now();
    Duration timeout = shutdownTimeout != null ? shutdownTimeout : p.config.server().shutdownTimeout();
    Engine engine = new Engine(p.builder, p.allocator, p.metrics,
        new EngineOptions(resetState, p.config.checkpoint().timeout(), java.util.Set.copyOf(resetSources)));
    // Bind the HTTP port first: a port in use must stop the run before it reads any input or
    // commits a checkpoint. Until the engine runs, /ready answers 503.
    HttpApi http;
    Warmup.awaitRunParts(); // Jetty and Micrometer next; Janino when the engine starts
    if (stop.received()) {
      return stoppedBeforeTheEngineStarted();
    }
    try {
      var server = p.config.server();
      http = HttpApi.start(new ServerContext(Versions.laminar(), startedAt, engine, p.registry,
          p.plugins == null ? List.of() : p.plugins.plugins(), server.authToken(), CheckpointTrigger.of(engine),
          p.allocator::getAllocatedMemory), server.bindHost(), server.bindPort());
    } catch (IOException e) {
      parent.err.println("error: " + e.getMessage() + ". Set [server] bind to a free address (port 0 picks one).");
      parent.err.println("laminar: the engine was not started; nothing ran.");
      return ExitCode.RUNTIME;
    }
    if (stop.received()) {
      http.close();
      return stoppedBeforeTheEngineStarted();
    }
    try {
      // A signal from here on lets the start finish (or fail), then stops the engine gracefully.
      engine.start();
      ClassDataArchive.engineStarted();
    } catch (StartFailure e) {
      http.close();
      parent.err.println(e.error().format());
      parent.err.println("laminar: the engine could not start; nothing is running.");
      switch (e.error().kind()) {
        case CONNECTION_FAILED:
          return ExitCode.CONNECTIVITY;
        case INVALID_TOPOLOGY:
        case CONFIG:
        case STATE:
          return ExitCode.CONFIG;
        default:
          return ExitCode.RUNTIME;
      }
    }
    CompletableFuture<Engine.Outcome> stopped = new CompletableFuture<>();
    CompletableFuture<Long> shutdownBegan = new CompletableFuture<>();
    stop.signalled().thenRunAsync(() -> {
      shutdownBegan.complete(System.nanoTime());
      stopped.complete(engine.shutdown(timeout));
    }, daemonExecutor("laminar-shutdown"));
    try {
      return awaitAndReport(engine, stopped, shutdownBegan, timeout);
    } finally {
      http.close(); // stopped last, so /ready answers 503 throughout the shutdown
    }
  }

  /** A signal abandoned the start: a requested stop, so exit 0 (what was opened is closed by the caller). */
  private int stoppedBeforeTheEngineStarted() {
    parent.err.println("laminar: stopped by a signal before the engine started; nothing ran.");
    return ExitCode.OK;
  }

  private int awaitAndReport(Engine engine, CompletableFuture<Engine.Outcome> stopped,
      CompletableFuture<Long> shutdownBegan, Duration timeout) {
    CompletableFuture<Engine.Outcome> finished = CompletableFuture.supplyAsync(() -> {
      try {
        return engine.awaitTermination();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Engine.Outcome(Engine.State.FAILED, "interrupted", List.of());
      }
    }, daemonExecutor("laminar-await"));
    Engine.Outcome outcome = awaitOutcome(engine, finished, stopped, shutdownBegan, timeout);
    parent.out.flush();
    if (outcome == null) {
      parent.err.println("laminar: shutdown did not finish within " + timeout.toMillis() + " ms; still busy: "
          + String.join(", ", engine.busyComponents()) + ". The last completed checkpoint is kept.");
      return ExitCode.FORCED_STOP;
    }
    switch (outcome.state()) {
      case COMPLETED:
        parent.err.println("laminar: all input processed; done.");
        return ExitCode.OK;
      case STOPPED:
        if (!outcome.stuck().isEmpty()) {
          // the final checkpoint committed, but a connector call (e.g. a close()) never returned
          parent.err.println("laminar: stopped, but the shutdown did not finish within " + timeout.toMillis()
              + " ms; still busy: " + String.join(", ", outcome.stuck()) + " (abandoned). The final checkpoint is "
              + "complete.");
          return ExitCode.FORCED_STOP;
        }
        parent.err.println("laminar: stopped.");
        return ExitCode.OK;
      default:
        if (shutdownBegan.isDone() && !outcome.stuck().isEmpty()) {
          // a call that never returned during the shutdown: named, and the run did not end cleanly
          if (outcome.failure() != null) {
            parent.err.println("laminar: " + outcome.failure());
          }
          parent.err.println("laminar: shutdown did not finish within " + timeout.toMillis() + " ms; still busy: "
              + String.join(", ", outcome.stuck()) + ". The last completed checkpoint is kept.");
          return ExitCode.FORCED_STOP;
        }
        if (outcome.failure() != null) {
          // A failure is exit 1 even if some thread did not finish cleaning up after it.
          parent.err.println("laminar: " + outcome.failure() + (outcome.stuck().isEmpty() ? ""
              : " (still busy after the failure: " + String.join(", ", outcome.stuck()) + ")"));
          return ExitCode.RUNTIME;
        }
        parent.err.println("laminar: shutdown did not finish within " + timeout.toMillis() + " ms; still busy: "
            + String.join(", ", outcome.stuck()) + ". The last completed checkpoint is kept.");
        return ExitCode.FORCED_STOP;
    }
  }

  /**
   * Waits for the run to end by itself or by a signal. Once the shutdown begins, waits at most the
   * shutdown timeout (plus a second for the engine's own deadline handling); null means it hung.
   */
  private static Engine.Outcome awaitOutcome(Engine engine, CompletableFuture<Engine.Outcome> finished,
      CompletableFuture<Engine.Outcome> stopped, CompletableFuture<Long> shutdownBegan, Duration timeout) {
    CompletableFuture.anyOf(finished, shutdownBegan).join();
    if (!shutdownBegan.isDone()) {
      return finished.join();
    }
    long deadline = shutdownBegan.join() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    try {
      return stopped.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return new Engine.Outcome(Engine.State.FAILED, "shutdown failed: " + e.getCause(), engine.busyComponents());
    }
  }

  private static java.util.concurrent.Executor daemonExecutor(String threadName) {
    return r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      t.start();
    };
  }
}
