package io.laminar.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies the log level and format chosen on the command line or in {@code [server]}: text lines
 * ({@link LogConfigurator}) or JSON lines whose fields include the MDC keys the engine sets (pipeline, source,
 * sink, phase).
 */
final class Logging {
  /**
   * The level of commands whose output is the point (explain, plugins list|describe): warnings and
   * errors only, unless --log-level asks for more.
   */
  static final String QUIET = "warn";

  private Logging() {
  }

  static void configure(String level, String format) {
    if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
      return; // another SLF4J binding: leave it alone
    }
    root.setLevel(Level.toLevel(level, Level.INFO));
    if ("json".equals(format) && root.getAppender(LogConfigurator.APPENDER) instanceof ConsoleAppender<ILoggingEvent> console
        && !(console.getEncoder() instanceof LogstashEncoder)) {
      LoggerContext context = root.getLoggerContext();
      LogstashEncoder json = new LogstashEncoder();
      json.setContext(context);
      json.start();
      console.stop();
      console.setEncoder(json);
      console.start();
    }
  }
}
