package io.laminar.http;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler: authenticate, route, write the {@link Reply}, log the access at DEBUG.
 * It runs blocking (on the server's thread pool) because a checkpoint request waits for the
 * checkpoint. Unexpected exceptions become a 500 whose body carries the message, never a stack trace.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("io.laminar.http.access");

  private final Router router;
  private final BearerAuth auth;

  ApiHandler(Router router, BearerAuth auth) {
    this.router = router;
    this.auth = auth;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long t0 = System.nanoTime();
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    Reply reply;
    try {
      Optional<Reply> denied = auth.check(path, request.getHeaders().get(HttpHeader.AUTHORIZATION));
      reply = denied.isPresent() ? denied.get() : router.dispatch(method, path, request);
    } catch (Exception | LinkageError e) {
      LOG.error("{} {} failed", method, path, e);
      reply = Reply.error(500, "internal_error", Endpoints.message(e));
    }
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      response.getHeaders().put(h.getKey(), h.getValue());
    }
    if (ACCESS.isDebugEnabled()) {
      // Path only: the query string and headers (Authorization) are never logged. Logged before the
      // write so the line exists once the client has its answer.
      ACCESS.debug("{} {} {} {} bytes {} us from {}", method, path, reply.status(), reply.body().length,
          (System.nanoTime() - t0) / 1000, Request.getRemoteAddr(request));
    }
    // HEAD: same headers as GET, no body.
    ByteBuffer body = method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(reply.body());
    response.write(true, body, callback);
    return true;
  }
}
