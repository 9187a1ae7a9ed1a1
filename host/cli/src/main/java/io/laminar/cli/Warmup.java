package io.laminar.cli;

import io.laminar.http.HttpApi;
import io.laminar.sql.SqlCompiler;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.codehaus.janino.SimpleCompiler;
import org.slf4j.LoggerFactory;

/**
 * Start-up work done on background threads while the main thread starts the CLI, reads the
 * configuration and loads plugins: the class loading and initialization that a cold JVM otherwise
 * does on the critical path — Arrow's {@code Schema} (whose static init builds a Jackson reader),
 * Calcite ({@link SqlCompiler#warmUpLater()}) and, for {@code run}, the HTTP server
 * ({@link HttpApi#warmUp()}) and Janino, which compiles the pipelines' generated code. Each part is
 * gated: a compiler built before the SQL warm-up has run waits for it, and {@link #awaitRunParts()}
 * is called before the HTTP API starts (and so before the engine generates code), so no library is
 * initialized by two threads at once. (Not later: a SIGTERM that arrives once the API is up must
 * find the engine starting, as before the warm-up.) Nothing it computes is used; a failure
 * only costs the time it would have saved.
 */
final class Warmup {
  private static final Set<String> COMMANDS = Set.of("run", "validate", "explain");
  private static volatile CompletableFuture<Void> runParts = CompletableFuture.completedFuture(null);

  private Warmup() {
  }

  /** Starts the warm-up when {@code args} name a command that compiles pipelines. */
  static void startFor(String[] args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      return;
    }
    // Logging starts here, on this thread: a logger asked for by two threads while SLF4J is still
    // initializing gets its calls queued, and SLF4J then prints a "replayed" warning on every run.
    LoggerFactory.getILoggerFactory();
    boolean run = args[0].equals("run");
    Runnable sql = SqlCompiler.warmUpLater();
    CompletableFuture<Void> runDone = new CompletableFuture<>();
    if (run) {
      runParts = runDone;
    }
    // two threads: what compiling needs, and what only run needs later (no library in common)
    daemon("laminar-warmup", () -> {
      quietly(Warmup::arrowSchema);
      sql.run();
    });
    if (run) {
      daemon("laminar-warmup-run", () -> {
        try {
          quietly(HttpApi::warmUp);
          quietly(Warmup::janino);
        } finally {
          runDone.complete(null);
        }
      });
    }
  }

  private static void daemon(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
  }

  /** Waits until the warm-up no longer uses Jetty, Micrometer and Janino (at once when it never did). */
  static void awaitRunParts() {
    CompletableFuture<Void> pending = runParts;
    boolean interrupted = false;
    while (!pending.isDone()) {
      try {
        pending.get();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break; // never: completed normally in a finally
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void quietly(Runnable part) {
    try {
      part.run();
    } catch (RuntimeException | LinkageError e) {
      LoggerFactory.getLogger(Warmup.class).debug("start-up warm-up step failed: {}", e.toString());
    }
  }

  static void arrowSchema() {
    try {
      Class.forName("org.apache.arrow.vector.types.pojo.Schema", true, Warmup.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compiles a small class shaped like the generated pipeline steps (loops, branches, arrays). */
  static void janino() {
    SimpleCompiler compiler = new SimpleCompiler();
    compiler.setParentClassLoader(Warmup.class.getClassLoader());
    try {
      compiler.cook("""
          public final class LaminarWarmup {
            private final Object[] constants;
            public LaminarWarmup(Object[] constants) { this.constants = constants; }
            public int run(long[] in, double[] values, boolean[] nulls, int[] out) {
              int n = 0;
              for (int i = 0; i < in.length; i++) {
                boolean isNull = nulls[i];
                double v = isNull ? 0.0 : values[i] * 2.0;
                if (!isNull && v > 50.0 && in[i] % 1000L != 3L) {
                  out[n++] = i;
                } else if (constants.length > 0 && constants[0] instanceof String) {
                  n += ((String) constants[0]).length() > 3 ? 0 : 1;
                }
              }
              return n;
            }
          }
          """);
    } catch (org.codehaus.commons.compiler.CompileException e) {
      throw new IllegalStateException(e);
    }
  }
}
