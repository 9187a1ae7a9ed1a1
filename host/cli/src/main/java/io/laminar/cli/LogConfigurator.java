package io.laminar.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * laminar's default logging, built in code: logback finds it through {@code ServiceLoader} before it
 * looks for an XML file, and so skips parsing one (Joran's XML machinery cost ≈ 0.2 s of every start).
 * Logs go to standard error so that standard output carries only data (the stdout sink); the level is
 * set later from {@code --log-level} or {@code [server] log_level} ({@link Logging}).
 *
 * <p>A configuration file the user or a test supplies wins, as it did when this was a
 * {@code logback.xml}: {@code -Dlogback.configurationFile=…}, or a {@code logback-test.xml} or
 * {@code logback.xml} on the class path. Then this configurator steps aside and logback reads that file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** The appender {@link Logging} switches to JSON lines; logs go to standard error. */
  static final String APPENDER = "STDERR";
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";
  /** Libraries whose INFO lines are noise to a laminar user. */
  static final List<String> QUIET_LIBRARIES = List.of("org.pf4j", "org.apache.calcite", "org.apache.arrow",
      "org.eclipse.jetty", "org.apache.kafka");
  static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

  /** ServiceLoader's constructor. */
  public LogConfigurator() {
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (userConfigurationPresent(LogConfigurator.class.getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback's own search finds and reads it
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(APPENDER);
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    for (String library : QUIET_LIBRARIES) {
      context.getLogger(library).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether logback's own search would find a configuration file: then that file configures logging. */
  static boolean userConfigurationPresent(ClassLoader loader) {
    if (System.getProperty(CONFIG_FILE_PROPERTY) != null) {
      return true;
    }
    return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
  }
}
