package io.laminar.http;

import io.laminar.common.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The web console's static files, read once from this jar ({@code io/laminar/http/console/}) and
 * served at {@code /} and {@code /console/<file>}. Every answer carries an {@code ETag} and
 * {@code Cache-Control: no-cache} (the names are not fingerprinted, so the browser revalidates and
 * gets a 304 while the file is unchanged), and a Content-Security-Policy that lets the page load
 * and fetch from this server only.
 */
final class ConsoleAssets {
  /** Where the files are on the class path. */
  static final String ROOT = "console/";
  /** Every file served, with its content type. */
  static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8");
  static final String CACHE_CONTROL = "no-cache";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private record Asset(String contentType, byte[] body, String etag) {
  }

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  ConsoleAssets() {
    FILES.forEach((name, type) -> {
      byte[] body = read(name);
      assets.put(name, new Asset(type, body, etag(body)));
    });
  }

  /** {@code index.html} for {@code /}. */
  Reply index(Request request) {
    return serve("index.html", request).orElseThrow();
  }

  /** One file under {@code /console/}, or a 404 naming the files there are. */
  Reply file(String name, Request request) {
    return serve(name, request).orElseGet(() -> Reply.error(404, "not_found", "No console file '" + name + "'."
        + Suggestions.didYouMean(name, FILES.keySet().stream().sorted().toList())));
  }

  private Optional<Reply> serve(String name, Request request) {
    Asset a = assets.get(name);
    if (a == null) {
      return Optional.empty();
    }
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    boolean fresh = ifNoneMatch != null && (ifNoneMatch.contains(a.etag) || ifNoneMatch.strip().equals("*"));
    Reply r = fresh ? new Reply(304, a.contentType, new byte[0], Map.of()) : new Reply(200, a.contentType, a.body, Map.of());
    return Optional.of(r.withHeader("ETag", a.etag).withHeader("Cache-Control", CACHE_CONTROL)
        .withHeader("X-Content-Type-Options", "nosniff").withHeader("Content-Security-Policy", CSP)
        .withHeader("Referrer-Policy", "no-referrer"));
  }

  private static byte[] read(String name) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("console file " + ROOT + name + " is missing from the laminar-http jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read console file " + name, e);
    }
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
