package io.laminar.http;

import io.laminar.api.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code [server] auth_token} check. With a token configured, every path under {@code /api/}
 * (which holds all mutating endpoints) needs {@code Authorization: Bearer <token>}; the token is
 * compared in constant time so response timing does not reveal how much of a guess was right.
 * {@code /health}, {@code /ready} and {@code /metrics} stay open for probes and scrapers.
 */
final class BearerAuth {
  private static final String SCHEME = "bearer ";

  /** The expected token's UTF-8 bytes, or {@code null} when no token is configured. */
  private final byte[] expected;

  BearerAuth(Optional<Secret> token) {
    this.expected = token.map(t -> t.reveal().getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  boolean enabled() {
    return expected != null;
  }

  static boolean protects(String path) {
    return path.equals("/api") || path.startsWith("/api/");
  }

  /** Empty when the request may proceed, otherwise the 401 to send. */
  Optional<Reply> check(String path, String authorization) {
    if (expected == null || !protects(path)) {
      return Optional.empty();
    }
    if (authorization == null || authorization.isBlank()) {
      return Optional.of(unauthorized("Bearer realm=\"laminar\"", "missing Authorization: Bearer <token> header"));
    }
    if (authorization.length() < SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return Optional.of(unauthorized("Bearer realm=\"laminar\", error=\"invalid_request\"",
          "the Authorization header must use the Bearer scheme"));
    }
    byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.of(unauthorized("Bearer realm=\"laminar\", error=\"invalid_token\"", "invalid bearer token"));
    }
    return Optional.empty();
  }

  private static Reply unauthorized(String challenge, String message) {
    return Reply.error(401, "unauthorized", message).withHeader("WWW-Authenticate", challenge);
  }
}
