package io.laminar.http;

import io.laminar.common.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jetty.server.Request;

/**
 * Maps method and path to an endpoint. Paths are {@code /}-separated literal segments and
 * {@code {name}} placeholders matching one non-empty segment. An unknown path is a 404 (with the
 * closest known path suggested), a known path with the wrong method a 405 with an {@code Allow}
 * header. {@code HEAD} is served by the {@code GET} endpoint.
 */
final class Router {
  /** Handles one matched request; {@code params} holds the placeholder values. */
  @FunctionalInterface
  interface Endpoint {
    Reply handle(Map<String, String> params, Request request) throws Exception;
  }

  private record Route(String method, String pattern, String[] segments, Endpoint endpoint) {
  }

  private final List<Route> routes = new ArrayList<>();

  Router add(String method, String pattern, Endpoint endpoint) {
    routes.add(new Route(method, pattern, split(pattern), endpoint));
    return this;
  }

  Reply dispatch(String method, String path, Request request) throws Exception {
    String[] segments = split(path);
    String wanted = method.equals("HEAD") ? "GET" : method;
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> params = match(route.segments, segments);
      if (params == null) {
        continue;
      }
      if (route.method.equals(wanted)) {
        return route.endpoint.handle(params, request);
      }
      allowed.add(route.method);
      if (route.method.equals("GET")) {
        allowed.add("HEAD");
      }
    }
    if (!allowed.isEmpty()) {
      String allow = String.join(", ", allowed);
      return Reply.error(405, "method_not_allowed", method + " is not allowed on " + path + "; use " + allow)
          .withHeader("Allow", allow);
    }
    List<String> literal = routes.stream().map(Route::pattern).filter(p -> !p.contains("{")).distinct().toList();
    return Reply.error(404, "not_found", "No endpoint " + path + "." + Suggestions.didYouMean(path, literal));
  }

  private static Map<String, String> match(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new TreeMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        if (path[i].isEmpty()) {
          return null;
        }
        params.put(p.substring(1, p.length() - 1), path[i]);
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  /** Segments without the leading slash; a single trailing slash is ignored ({@code /health/}). */
  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.split("/", -1);
  }
}
