package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.config.RestartSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failures restart, after how long; how failures are classified. */
class RestartPolicyTest {
  private static final Failure TRANSIENT = Failure.of("down", ConnectorException.connectionFailed("db:5432", null));
  private static final Failure DETERMINISTIC = Failure.of("bad row",
      new PipelineRunner.SinkFailure("out", ConnectorException.runtime("value out of range", null)));

  private static RestartPolicy exponential(Optional<Integer> attempts) {
    RestartSettings d = RestartSettings.defaults();
    return new RestartPolicy(new RestartSettings("exponential", attempts, d.delay(), Duration.ofSeconds(1),
        Duration.ofSeconds(10), 2.0, d.resetAfter()));
  }

  @Test
  void exponentialDoublesUpToTheMaximumAndTransientFailuresRestartWithoutLimit() {
    RestartPolicy p = exponential(Optional.empty());
    assertEquals(Optional.of(Duration.ofSeconds(1)), p.delay(TRANSIENT, 0));
    assertEquals(Optional.of(Duration.ofSeconds(2)), p.delay(TRANSIENT, 1));
    assertEquals(Optional.of(Duration.ofSeconds(8)), p.delay(TRANSIENT, 3));
    assertEquals(Optional.of(Duration.ofSeconds(10)), p.delay(TRANSIENT, 4));
    assertEquals(Optional.of(Duration.ofSeconds(10)), p.delay(TRANSIENT, 1_000_000));
  }

  @Test
  void deterministicFailuresAreNotRestartedUnlessAttemptsAreSet() {
    assertEquals(Optional.empty(), exponential(Optional.empty()).delay(DETERMINISTIC, 0));
    assertTrue(exponential(Optional.empty()).givingUp(DETERMINISTIC, 0).contains("deterministic"));
    RestartPolicy twice = exponential(Optional.of(2));
    assertEquals(Optional.of(Duration.ofSeconds(1)), twice.delay(DETERMINISTIC, 0));
    assertEquals(Optional.of(Duration.ofSeconds(2)), twice.delay(DETERMINISTIC, 1));
    assertEquals(Optional.empty(), twice.delay(DETERMINISTIC, 2));
    assertEquals(Optional.empty(), twice.delay(TRANSIENT, 2), "attempts bound transient failures too");
  }

  @Test
  void fixedDelayWaitsTheSameEachTimeAndNoneNeverRestarts() {
    RestartSettings d = RestartSettings.defaults();
    RestartPolicy fixed = new RestartPolicy(new RestartSettings("fixed_delay", Optional.of(3), Duration.ofMillis(250),
        d.initial(), d.max(), d.multiplier(), d.resetAfter()));
    assertEquals(Optional.of(Duration.ofMillis(250)), fixed.delay(TRANSIENT, 2));
    assertEquals(Optional.empty(), fixed.delay(TRANSIENT, 3));
    RestartPolicy none = new RestartPolicy(new RestartSettings("none", Optional.empty(), d.delay(), d.initial(),
        d.max(), d.multiplier(), d.resetAfter()));
    assertEquals(Optional.empty(), none.delay(TRANSIENT, 0));
  }

  /** Stands for a client library's timeout exception, which the host knows only by name. */
  private static final class ClientTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void failuresAreClassifiedByTheFirstTellingCauseInTheChain() {
    assertEquals("connection_failed", TRANSIENT.cause());
    assertTrue(TRANSIENT.transientFailure());
    assertEquals("connector", DETERMINISTIC.cause());
    assertEquals("io", Failure.of("x", new RuntimeException(new IOException("broken pipe"))).cause());
    assertTrue(Failure.of("x", new BoundedCalls.Timeout("sink 'out' prepareCommit(3)")).transientFailure());
    assertEquals("internal", Failure.of("x", new IllegalStateException("bug")).cause());
    // a connector's run-time error caused by a client library's timeout (e.g. a broker that is down)
    Failure brokerDown = Failure.of("x", ConnectorException.runtime("kafka sink: flush failed",
        new ClientTimeoutException()));
    assertEquals("timeout", brokerDown.cause());
    assertTrue(brokerDown.transientFailure());
    assertTrue(!Failure.of("x", ConnectorException.runtime("cannot decode", new NumberFormatException("x")))
        .transientFailure());
  }
}
