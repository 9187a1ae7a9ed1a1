package io.laminar.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every command that reads a configuration. */
final class ConfigOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Configuration file; repeat to overlay (later files win).")
  List<Path> files;

  @Option(names = "--plugins", paramLabel = "DIR",
      description = "Plugins directory (default: $LAMINAR_PLUGINS, [server] plugins_dir, <install>/plugins).")
  Path pluginsDir;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error (default: [server] log_level, else info; "
          + "explain: warn).")
  String logLevel;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "text or json (JSON lines on stderr; default: [server] log_format, else text).")
  LogFormat logFormat;

  /** Log line formats. */
  enum LogFormat { text, json }
}
