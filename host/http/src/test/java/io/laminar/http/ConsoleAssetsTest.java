package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web console's files as the server serves them: types, caching, no external origin anywhere. */
class ConsoleAssetsTest {
  private static final String TOKEN = "console-assets-token-5b1e";
  /** An absolute or protocol-relative URL: anything that could load from another origin. */
  private static final Pattern EXTERNAL = Pattern.compile("(?i)(https?:|wss?:|ftp:)|//");
  /** src= / href= / url(...) / @import references in HTML and CSS. */
  private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"([^\"]*)\"|url\\(([^)]*)\\)|@import");

  @TempDir static Path dir;
  private static LaminarFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = LaminarFixture.start(dir, Optional.empty(), null);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static Map<String, String> paths() {
    return Map.of("/", "index.html", "/console/console.js", "console.js", "/console/console.css", "console.css");
  }

  @Test
  void everyFileHasItsContentTypeAndRevalidatingCacheHeaders() throws Exception {
    for (var e : paths().entrySet()) {
      HttpResponse<String> r = fx.get(e.getKey());
      assertEquals(200, r.statusCode(), e.getKey());
      assertEquals(ConsoleAssets.FILES.get(e.getValue()), r.headers().firstValue("content-type").orElse(""), e.getKey());
      assertEquals("no-cache", r.headers().firstValue("cache-control").orElse(""), e.getKey());
      assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""), e.getKey());
      assertEquals(ConsoleAssets.CSP, r.headers().firstValue("content-security-policy").orElse(""), e.getKey());
      String etag = r.headers().firstValue("etag").orElseThrow();
      assertTrue(etag.matches("\"[0-9a-f]{24}\""), etag);
      HttpResponse<String> again = fx.get(e.getKey(), "If-None-Match", etag);
      assertEquals(304, again.statusCode(), e.getKey() + " revalidated with its ETag");
      assertEquals("", again.body());
      assertEquals(200, fx.get(e.getKey(), "If-None-Match", "\"other\"").statusCode());
    }
    assertEquals("text/html; charset=utf-8", ConsoleAssets.FILES.get("index.html"));
    assertEquals("text/javascript; charset=utf-8", ConsoleAssets.FILES.get("console.js"));
    assertEquals("text/css; charset=utf-8", ConsoleAssets.FILES.get("console.css"));
  }

  @Test
  void headHasTheHeadersAndNoBody() throws Exception {
    HttpResponse<String> r = fx.send("HEAD", "/", null);
    assertEquals(200, r.statusCode());
    assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
    assertEquals("", r.body());
  }

  @Test
  void noServedFileNamesAnotherOriginAndEveryReferenceIsServed() throws Exception {
    List<String> references = new ArrayList<>();
    for (var e : paths().entrySet()) {
      String body = fx.get(e.getKey()).body();
      assertFalse(body.isBlank(), e.getKey());
      Matcher external = EXTERNAL.matcher(body);
      if (external.find()) {
        int line = body.substring(0, external.start()).split("\n", -1).length;
        throw new AssertionError(e.getValue() + " line " + line + " names another origin: '"
            + body.substring(external.start(), Math.min(body.length(), external.start() + 40)) + "'");
      }
      Matcher ref = REFERENCE.matcher(body);
      while (ref.find()) {
        assertTrue(ref.group(0).startsWith("src") || ref.group(0).startsWith("href") || ref.group(0).startsWith("url"),
            e.getValue() + " uses @import");
        references.add(ref.group(1) != null ? ref.group(1) : ref.group(2).replace("'", "").replace("\"", ""));
      }
    }
    TreeSet<String> loaded = new TreeSet<>();
    for (String r : references) {
      if (r.startsWith("#") || r.startsWith("data:")) {
        continue; // same document or inline
      }
      assertTrue(r.matches("console/[a-z.]+"), "reference '" + r + "' is not one of the console's own files");
      assertEquals(200, fx.get("/" + r).statusCode(), r);
      loaded.add(r);
    }
    assertEquals(new TreeSet<>(List.of("console/console.css", "console/console.js")), loaded);
  }

  @Test
  void unknownConsoleFileIs404NamingTheClosest() throws Exception {
    HttpResponse<String> r = fx.get("/console/consol.js");
    assertEquals(404, r.statusCode());
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertEquals("not_found", body.path("error").asText());
    assertEquals("No console file 'consol.js'. Did you mean 'console.js'?", body.path("message").asText());
  }

  @Test
  void theConsoleIsServedWithoutTheTokenButItsDataIsNot() throws Exception {
    try (HttpApi guarded = fx.startAnother(Optional.of(TOKEN), null)) {
      for (String path : paths().keySet()) {
        assertEquals(200, fx.send(guarded, "GET", path, null).statusCode(), path);
      }
      assertEquals(401, fx.send(guarded, "GET", "/api/v1/server", null).statusCode());
      HttpResponse<String> r = fx.send(guarded, "GET", "/api/v1/server", null, "Authorization", "Bearer " + TOKEN);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(new ObjectMapper().readTree(r.body()).path("auth_required").asBoolean(), r.body());
      assertFalse(r.body().contains(TOKEN));
    }
  }

  @Test
  void serverViewHasNameVersionCheckpointIntervalAndSqlPositions() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/server");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode s = new ObjectMapper().readTree(r.body());
    assertEquals("laminar", s.path("name").asText(), r.body());
    assertEquals("9.9.9-test", s.path("version").asText());
    assertTrue(s.path("uptime_ms").asLong() >= 5000, r.body());
    assertEquals(3_600_000, s.path("checkpoint_interval_ms").asLong(), r.body());
    assertFalse(s.path("checkpoints_enabled").asBoolean(), "this API has no checkpoint trigger");
    assertFalse(s.path("auth_required").asBoolean());
    Path toml = dir.resolve("laminar.toml");
    // [[pipeline]] name = "cheap" is followed by sql = "…" on the next line; the SQL starts after the quote
    List<String> lines = java.nio.file.Files.readAllLines(toml);
    int sqlLine = lines.indexOf("sql = \"SELECT symbol, price FROM trades WHERE price < 50\"") + 1;
    assertTrue(sqlLine > 0);
    assertEquals(toml + ":" + sqlLine + ":8", s.path("pipelines").path("cheap").path("sql_position").asText(), r.body());
    assertEquals(toml + ":" + (sqlLine - 2) + ":1", s.path("pipelines").path("cheap").path("position").asText(), r.body());
    assertEquals(List.of("cheap", "enriched", "vaulted"), iterate(s.path("pipelines")));
  }

  private static List<String> iterate(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
