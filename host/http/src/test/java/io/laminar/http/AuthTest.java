package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** With {@code [server] auth_token} set: /api/* needs the bearer token, probes stay open. */
class AuthTest {
  private static final String TOKEN = "tok-3f9a7c1e-very-secret";

  @TempDir static Path dir;
  private static LaminarFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = LaminarFixture.start(dir, Optional.of(TOKEN), () -> new io.laminar.engine.CheckpointResult(1, 1, 1));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static void assertUnauthorized(HttpResponse<String> r, String challenge) {
    assertEquals(401, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"error\":\"unauthorized\""), r.body());
    assertEquals(challenge, r.headers().firstValue("www-authenticate").orElse(""));
    assertFalse(r.body().contains(TOKEN));
  }

  @Test
  void missingTokenIs401WithBearerChallenge() throws Exception {
    assertUnauthorized(fx.get("/api/v1/pipelines"), "Bearer realm=\"laminar\"");
  }

  @Test
  void wrongTokenIs401InvalidToken() throws Exception {
    assertUnauthorized(fx.get("/api/v1/pipelines", "Authorization", "Bearer " + TOKEN + "x"),
        "Bearer realm=\"laminar\", error=\"invalid_token\"");
    assertUnauthorized(fx.get("/api/v1/pipelines", "Authorization", "Bearer tok"),
        "Bearer realm=\"laminar\", error=\"invalid_token\"");
  }

  @Test
  void otherSchemeIs401InvalidRequest() throws Exception {
    assertUnauthorized(fx.get("/api/v1/pipelines", "Authorization", "Basic " + TOKEN),
        "Bearer realm=\"laminar\", error=\"invalid_request\"");
  }

  @Test
  void rightTokenIsServed() throws Exception {
    assertEquals(200, fx.get("/api/v1/pipelines", "Authorization", "Bearer " + TOKEN).statusCode());
    assertEquals(200, fx.get("/api/v1/sources", "Authorization", "bearer " + TOKEN).statusCode(),
        "the scheme is case-insensitive");
  }

  @Test
  void checkpointPostNeedsTheToken() throws Exception {
    assertUnauthorized(fx.send("POST", "/api/v1/checkpoint", null), "Bearer realm=\"laminar\"");
    assertEquals(200, fx.send("POST", "/api/v1/checkpoint", null, "Authorization", "Bearer " + TOKEN).statusCode());
  }

  @Test
  void unknownApiPathsAreHiddenBehindTheToken() throws Exception {
    assertUnauthorized(fx.get("/api/v2/secrets"), "Bearer realm=\"laminar\"");
    assertEquals(404, fx.get("/api/v2/secrets", "Authorization", "Bearer " + TOKEN).statusCode());
  }

  @Test
  void healthReadyAndMetricsStayOpen() throws Exception {
    assertEquals(200, fx.get("/health").statusCode());
    assertEquals(200, fx.get("/ready").statusCode(), "the engine is running and ready");
    assertEquals(200, fx.get("/metrics").statusCode());
  }

  @Test
  void accessLogIsDebugAndNeverContainsTheToken() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("io.laminar.http.access");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    access.addAppender(appender);
    Level before = access.getLevel();
    access.setLevel(Level.DEBUG);
    try {
      fx.get("/api/v1/pipelines?token=" + TOKEN, "Authorization", "Bearer " + TOKEN);
      fx.get("/api/v1/sinks", "Authorization", "Bearer wrong-" + TOKEN);
    } finally {
      access.setLevel(before);
      access.detachAppender(appender);
    }
    List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("GET /api/v1/pipelines 200 "), lines.get(0));
    assertTrue(lines.get(1).startsWith("GET /api/v1/sinks 401 "), lines.get(1));
    appender.list.forEach(e -> assertEquals(Level.DEBUG, e.getLevel()));
    lines.forEach(l -> assertFalse(l.contains(TOKEN), l));
  }
}
