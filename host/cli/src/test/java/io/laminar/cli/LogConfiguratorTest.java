package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in logging configuration is the one logback.xml used to give, and gives way to a user's file. */
class LogConfiguratorTest {
  @TempDir
  Path dir;

  @Test
  void configuresTextLinesOnStandardErrorAtInfoWithNoisyLibrariesAtWarn() {
    LoggerContext context = new LoggerContext();
    LogConfigurator configurator = new LogConfigurator();
    configurator.setContext(context);
    // Java's class path of this test has no logback-test.xml or logback.xml, and no property is set
    assertFalse(LogConfigurator.userConfigurationPresent(LogConfigurator.class.getClassLoader()));
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configurator.configure(context));

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    for (String library : new String[] {"org.pf4j", "org.apache.calcite", "org.apache.arrow", "org.eclipse.jetty",
        "org.apache.kafka"}) {
      assertEquals(Level.WARN, context.getLogger(library).getEffectiveLevel(), library);
    }
    assertEquals(Level.INFO, context.getLogger("io.laminar.engine.Engine").getEffectiveLevel());
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertTrue(console.isStarted());
    assertEquals("System.err", console.getTarget());

    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.laminar.engine.Engine"), Level.INFO,
        "engine started", null, null);
    String line = new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.laminar\\.engine\\.Engine - engine started\\R"),
        line);
    context.stop();
  }

  @Test
  void aLogbackFileOnTheClassPathOrNamedByThePropertyWins() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertFalse(LogConfigurator.userConfigurationPresent(empty));
      for (String name : new String[] {"logback-test.xml", "logback.xml"}) {
        Path file = Files.writeString(dir.resolve(name), "<configuration/>");
        assertTrue(LogConfigurator.userConfigurationPresent(empty), name);
        Files.delete(file);
      }
      System.setProperty("logback.configurationFile", dir.resolve("mine.xml").toString());
      try {
        assertTrue(LogConfigurator.userConfigurationPresent(empty));
        LoggerContext context = new LoggerContext();
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertTrue(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext() == false);
      } finally {
        System.clearProperty("logback.configurationFile");
      }
    }
  }

  private Path config() throws Exception {
    return Files.writeString(dir.resolve("small.toml"), """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%s"
        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 10
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[pipeline]]
        name = "p"
        sql = "SELECT price FROM trades"
        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "blackhole"
        """.formatted(dir.resolve("state").toString().replace("\\", "/")));
  }

  private String stderrOf(List<String> jvmOptions, String... args) throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = ChildLaminar.start(jvmOptions, out, err, args);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "laminar did not finish");
    assertEquals(0, p.exitValue(), Files.readString(err));
    return Files.readString(err);
  }

  @Test
  void theCommandLineLogsInTheDefaultFormatAtTheLevelAsked() throws Exception {
    String config = config().toString();
    String info = stderrOf(List.of(), "validate", "--offline", "-c", config);
    assertTrue(info.lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.l\\.cli\\.Preparation - config loaded .*")),
        info);
    String warn = stderrOf(List.of(), "validate", "--offline", "--log-level", "warn", "-c", config);
    assertFalse(warn.contains(" INFO "), warn);
    String debug = stderrOf(List.of(), "validate", "--offline", "--log-level", "debug", "-c", config);
    assertTrue(debug.contains(" DEBUG "), debug);
  }

  @Test
  void aConfigurationFileTheUserNamesReplacesTheDefault() throws Exception {
    Path mine = Files.writeString(dir.resolve("mine.xml"), """
        <configuration>
          <appender name="MINE" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>MINE %level [%logger] %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="MINE"/></root>
        </configuration>
        """);
    String err = stderrOf(List.of("-Dlogback.configurationFile=" + mine), "validate", "--offline", "-c",
        config().toString());
    assertTrue(err.lines().anyMatch(l -> l.startsWith("MINE INFO [io.laminar.cli.Preparation] config loaded")), err);
    assertFalse(err.lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")), err);
  }
}
