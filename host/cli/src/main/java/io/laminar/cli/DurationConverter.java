package io.laminar.cli;

import io.laminar.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations on the command line exactly as in config files ("30s", "500ms", "1m30s"). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
        Durations.problem(value).startsWith("is too large") ? Durations.problem(value)
            : "'" + value + "' is not a duration (examples: 500ms, 30s, 1m30s)"));
  }
}
