package io.laminar.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer as a value: status, content type, body and extra headers. Endpoints return one,
 * errors included, so the handler has a single place that writes responses.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";

  /** JSON with snake_case field names for every record the API returns. */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** The body of every error response. */
  record ErrorBody(String error, String message) {
  }

  Reply {
    headers = Map.copyOf(headers);
  }

  static Reply json(int status, Object value) {
    try {
      return new Reply(status, JSON, MAPPER.writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      // Our own view records always serialize; reaching this is a bug, reported as a 500.
      throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
    }
  }

  static Reply text(int status, String contentType, String text) {
    return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Reply error(int status, String error, String message) {
    return json(status, new ErrorBody(error, message));
  }

  Reply withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Reply(status, contentType, body, copy);
  }
}
