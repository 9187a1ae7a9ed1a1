package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.config.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every connector's {@code check()} in parallel, each bounded by a timeout, and turns failures
 * into {@link ServerError.Kind#CONNECTION_FAILED} errors naming the instance and its type. A check that
 * finds the configured schema at odds with the external table reports one
 * {@link ServerError.Kind#INVALID_SCHEMA} error per column, at that column's schema entry; one that
 * finds a property unusable (a {@code table} that does not exist: {@link ConnectorException.Kind#INVALID_PROPERTY}
 * or {@link ConnectorException.Kind#MISSING_PROPERTY}) reports a {@link ServerError.Kind#CONFIG} error at
 * that property's key, since the configuration has to change, not the network.
 */
public final class ConnectivityCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectivityCheck.class);

  private ConnectivityCheck() {
  }

  /** Checks all instances; returns one error per failed or timed-out check. */
  public static List<ServerError> run(List<ConnectorInstance<?>> instances, Duration timeout) {
    if (instances.isEmpty()) {
      return List.of();
    }
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(instances.size(), 16), r -> {
      Thread t = new Thread(r, "laminar-check");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ConnectorInstance<?> i : instances) {
        futures.add(pool.submit(() -> {
          check(i.instance());
          return null;
        }));
      }
      List<ServerError> errors = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (int n = 0; n < instances.size(); n++) {
        ConnectorInstance<?> i = instances.get(n);
        String label = i.connector().kind().label() + " '" + i.name() + "' (" + i.connector().type() + ")";
        try {
          futures.get(n).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          futures.get(n).cancel(true);
          errors.add(ServerError.at(ServerError.Kind.CONNECTION_FAILED, i.position(),
              label + ": connectivity check did not answer within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SchemaMismatchException mismatch) {
            for (SchemaMismatchException.Problem p : mismatch.problems()) {
              errors.add(ServerError.at(ServerError.Kind.INVALID_SCHEMA,
                  i.columnPositions().getOrDefault(p.column(), i.position()), label + ": " + p.message()));
            }
            continue;
          }
          if (cause instanceof ConnectorException ce && isConfigMistake(ce)) {
            Position at = ce.property().map(i.propertyPositions()::get).orElse(i.position());
            errors.add(ServerError.at(ServerError.Kind.CONFIG, at, label + ": " + ce.getMessage()));
            continue;
          }
          String why = cause instanceof ConnectorException ? cause.getMessage() : cause.toString();
          errors.add(ServerError.at(ServerError.Kind.CONNECTION_FAILED, i.position(), label + ": " + why));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          errors.add(ServerError.at(ServerError.Kind.CONNECTION_FAILED, i.position(), label + ": interrupted"));
        }
      }
      LOG.info("connectivity checks: {} connectors, {} failed, {} ms", instances.size(), errors.size(),
          (System.nanoTime() - t0) / 1_000_000);
      return errors;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A check failure that names what to change in the file rather than something to reach. */
  static boolean isConfigMistake(ConnectorException e) {
    return e.kind() == ConnectorException.Kind.INVALID_PROPERTY || e.kind() == ConnectorException.Kind.MISSING_PROPERTY;
  }

  private static void check(Object instance) throws ConnectorException {
    if (instance instanceof Source s) {
      s.check();
    } else if (instance instanceof LookupSource l) {
      l.check();
    } else if (instance instanceof Sink k) {
      k.check();
    }
  }
}
