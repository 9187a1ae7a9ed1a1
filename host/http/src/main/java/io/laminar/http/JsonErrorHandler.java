package io.laminar.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (a malformed request line, bad percent-encoding, oversized headers)
 * in the API's JSON shape {@code {error, message}} instead of an HTML page, without stack traces.
 */
final class JsonErrorHandler extends ErrorHandler {
  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws IOException {
    byte[] body = body(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] body(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    String error = code == 400 ? "bad_request" : code == 404 ? "not_found" : code >= 500 ? "internal_error"
        : reason.toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
    String text = message == null || message.isBlank() ? reason : message;
    return Reply.json(code, new Reply.ErrorBody(error, text)).body();
  }
}
