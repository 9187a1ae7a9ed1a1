package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level before = root.getLevel();

  @AfterEach
  void restore() {
    root.setLevel(before);
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithTheEngineContextFields() throws Exception {
    Logging.configure("debug", "json");
    assertEquals(Level.DEBUG, root.getLevel());
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertTrue(console.getEncoder() instanceof LogstashEncoder);

    MDC.put("pipeline", "vwap");
    try {
      ILoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x", root, Level.INFO, "window fired", null,
          null);
      String line = new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
      assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
      JsonNode json = new ObjectMapper().readTree(line);
      assertEquals("window fired", json.get("message").asText());
      assertEquals("INFO", json.get("level").asText());
      assertEquals("vwap", json.get("pipeline").asText());
    } finally {
      MDC.remove("pipeline");
    }
  }
}
