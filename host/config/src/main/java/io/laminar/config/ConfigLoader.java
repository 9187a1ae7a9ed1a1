package io.laminar.config;

import io.laminar.common.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Loads laminar's TOML configuration: one or more files merged in order, {@code ${VAR}} expanded,
 * every section and value checked, and every problem reported together with its file, line and
 * column. Connector properties are only collected here; they are checked against each connector's
 * spec by {@link PropertyValidator} once the connector is known.
 *
 * <p>Merging: scalars of {@code [server]}, {@code [state]} and {@code [checkpoint]} from later files
 * win; {@code [[source]]}, {@code [[lookup]]}, {@code [[pipeline]]} and {@code [[sink]]} entries are
 * appended, except that an entry named like one from an earlier file replaces it in place. Two
 * entries with the same name in one file are an error. Names are compared case-insensitively,
 * because they become SQL identifiers.
 *
 * <p>When any file has TOML syntax errors only those are reported: the rest of the file cannot be
 * trusted, and errors about it would be noise. Otherwise an entry with errors is left out and the rest
 * is returned as a {@link PartialConfig}, so connector, SQL and topology checks can still run over it and
 * every error is reported in one pass.
 */
public final class ConfigLoader {
  /** The largest configuration file accepted; real ones are a few kilobytes. */
  static final int MAX_FILE_BYTES = 8 << 20;
  static final List<String> SECTIONS = List.of("server", "state", "checkpoint", "source", "lookup", "pipeline", "sink");

  private final Problems problems = new Problems();
  private final Reading reading;
  private final Map<Path, List<String>> lines = new HashMap<>();
  private final Map<Path, TriviaLines.Stripped> lineMaps = new HashMap<>();

  private ConfigLoader(Map<String, String> env) {
    this.reading = new Reading(problems, new EnvSubstitution(env), lineMaps);
  }

  /**
   * Loads and validates {@code files} in order.
   *
   * @param env environment for {@code ${VAR}} ({@code System.getenv()} in production)
   * @return the model, or all errors sorted by file order, line and column
   */
  public static ConfigResult load(List<Path> files, Map<String, String> env) {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(env, "env");
    if (files.isEmpty()) {
      return new ConfigResult(null, List.of(new ConfigError(Path.of(""), 0, 0, "no configuration file given")));
    }
    ConfigLoader loader = new ConfigLoader(env);
    PartialConfig read = loader.run(files);
    List<ConfigError> errors = new ArrayList<>(loader.problems.list());
    errors.sort(inFileOrder(files));
    List<ConfigError> warnings = new ArrayList<>(loader.problems.warnings());
    warnings.sort(inFileOrder(files));
    if (errors.isEmpty()) {
      return new ConfigResult(read.config(), errors, warnings, Optional.empty());
    }
    return new ConfigResult(null, errors, warnings, Optional.ofNullable(read));
  }

  /** The model of every valid entry; null when a file could not be read or parsed as TOML. */
  private PartialConfig run(List<Path> files) {
    List<TomlParseResult> parsed = new ArrayList<>();
    for (Path file : files) {
      parsed.add(parse(file));
    }
    if (!problems.isEmpty()) {
      return null;
    }
    MergedSection server = new MergedSection("[server]", List.of());
    MergedSection state = new MergedSection("[state]", List.of());
    MergedSection checkpoint = new MergedSection("[checkpoint]", SettingsReader.CHECKPOINT_ALTERNATIVES);
    EntityReader entities = new EntityReader(lines);
    List<Named<SourceConfig>> sources = new ArrayList<>();
    List<Named<LookupConfig>> lookups = new ArrayList<>();
    List<Named<PipelineConfig>> pipelines = new ArrayList<>();
    List<Named<SinkConfig>> sinks = new ArrayList<>();

    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      int fileIndex = i;
      for (Field f : TomlValues.fields(parsed.get(i), Position.startOf(file), reading).values()) {
        switch (f.key()) {
          case "server" -> section(f, server);
          case "state" -> section(f, state);
          case "checkpoint" -> section(f, checkpoint);
          case "source" -> entries(f, fileIndex, entities::source, sources);
          case "lookup" -> entries(f, fileIndex, entities::lookup, lookups);
          case "pipeline" -> entries(f, fileIndex, entities::pipeline, pipelines);
          case "sink" -> entries(f, fileIndex, entities::sink, sinks);
          default -> problems.add(f.keyPosition(), "unknown " + (f.value() instanceof TomlTable ? "section [" + f.key() + "]"
              : f.value() instanceof TomlArray ? "section [[" + f.key() + "]]" : "top-level key '" + f.key() + "'")
              + "." + Suggestions.didYouMean(f.key(), SECTIONS));
        }
      }
    }
    Position start = Position.startOf(files.get(0));
    ServerSettings serverSettings = SettingsReader.server(server.reader(reading, start));
    StateSettings stateSettings = SettingsReader.state(state.reader(reading, start));
    // Paths a file sets are already resolved against that file; what is left relative is a default,
    // resolved against the first file.
    Path first = files.get(0);
    stateSettings = new StateSettings(ConfigPaths.resolve(first, stateSettings.path()));
    CheckpointSettings checkpointSettings = SettingsReader.checkpoint(checkpoint.reader(reading, start),
        CheckpointSettings.defaultDir(stateSettings.path(), serverSettings.name()));
    checkpointSettings = new CheckpointSettings(ConfigPaths.resolve(first, checkpointSettings.dir()),
        checkpointSettings.interval(), checkpointSettings.retain(), checkpointSettings.timeout());
    List<Named<SourceConfig>> mergedSources = byName(sources);
    List<Named<LookupConfig>> mergedLookups = byName(lookups);
    List<Named<PipelineConfig>> mergedPipelines = byName(pipelines);
    List<Named<SinkConfig>> mergedSinks = byName(sinks);
    sharedNamespace(mergedSources, mergedLookups);
    Set<String> skippedTables = new HashSet<>(skipped(mergedSources));
    skippedTables.addAll(skipped(mergedLookups));
    LaminarConfig config = new LaminarConfig(serverSettings, stateSettings, checkpointSettings,
        configs(mergedSources), configs(mergedLookups), configs(mergedPipelines), configs(mergedSinks));
    return new PartialConfig(config, skippedTables, skipped(mergedPipelines));
  }

  private TomlParseResult parse(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // Read one byte past the limit so a larger file (or an endless one such as /dev/zero) is refused
      // without holding more than the limit in memory.
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return unreadable(file, "configuration file not found");
    } catch (AccessDeniedException e) {
      return unreadable(file, "cannot read configuration file: permission denied");
    } catch (IOException e) {
      return unreadable(file, "cannot read configuration file: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      return unreadable(file, "configuration file is larger than the limit of " + (MAX_FILE_BYTES >> 20)
          + " MiB; is it the right file?");
    }
    Optional<String> decoded = Utf8Text.decode(bytes, file, problems);
    if (decoded.isEmpty()) {
      return Toml.parse("");
    }
    String text = decoded.get();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    lines.put(file, text.lines().toList());
    TriviaLines.Stripped stripped = TriviaLines.strip(text);
    lineMaps.put(file, stripped);
    TomlParseResult result = Toml.parse(stripped.text());
    for (TomlParseError e : result.errors()) {
      problems.add(new Position(file, stripped.original(e.position().line()), e.position().column()),
          "TOML syntax error: " + e.getMessage());
    }
    return result;
  }

  private TomlParseResult unreadable(Path file, String message) {
    problems.add(new Position(file, 0, 0), message);
    return Toml.parse("");
  }

  private void section(Field f, MergedSection target) {
    if (f.value() instanceof TomlTable) {
      target.add((TomlTable) f.value(), f.keyPosition(), reading);
    } else {
      problems.add(f.valuePosition(), "'" + f.key() + "' must be a table ([" + f.key() + "]), got "
          + TomlValues.describe(f.value()));
    }
  }

  private <T> void entries(Field f, int fileIndex, BiFunction<TableReader, Integer, Named<T>> read, List<Named<T>> out) {
    if (!TomlValues.isArrayOfTables(f.value())) {
      problems.add(f.valuePosition(), "'" + f.key() + "' must be an array of tables ([[" + f.key() + "]]), got "
          + TomlValues.describe(f.value()));
      return;
    }
    TomlArray array = (TomlArray) f.value();
    for (int j = 0; j < array.size(); j++) {
      Position at = TomlValues.elementPosition(array, j, f.keyPosition(), reading);
      TableReader t = TableReader.of(f.key() + " #" + (j + 1), array.getTable(j), at, reading);
      out.add(read.apply(t, fileIndex));
    }
  }

  /** Applies same-name replacement across files and reports same-name entries within one file. */
  private <T> List<Named<T>> byName(List<Named<T>> all) {
    Map<String, Named<T>> merged = new LinkedHashMap<>();
    for (Named<T> n : all) {
      if (n.name() == null) {
        continue;
      }
      String key = n.name().toLowerCase(Locale.ROOT);
      Named<T> earlier = merged.get(key);
      if (earlier != null && earlier.fileIndex() == n.fileIndex()) {
        problems.add(n.namePosition(), "duplicate " + n.kind() + " name '" + n.name() + "' (first defined at "
            + earlier.namePosition() + ")");
        continue;
      }
      merged.put(key, n);
    }
    return new ArrayList<>(merged.values());
  }

  /** Sources and lookups are both SQL tables, so their names must differ. */
  private void sharedNamespace(List<Named<SourceConfig>> sources, List<Named<LookupConfig>> lookups) {
    Map<String, Named<SourceConfig>> sourceNames = new HashMap<>();
    sources.forEach(s -> sourceNames.put(s.name().toLowerCase(Locale.ROOT), s));
    for (Named<LookupConfig> lookup : lookups) {
      Named<SourceConfig> source = sourceNames.get(lookup.name().toLowerCase(Locale.ROOT));
      if (source == null) {
        continue;
      }
      boolean lookupLater = lookup.fileIndex() > source.fileIndex() || (lookup.fileIndex() == source.fileIndex()
          && lookup.namePosition().line() > source.namePosition().line());
      Named<?> first = lookupLater ? source : lookup;
      Named<?> second = lookupLater ? lookup : source;
      problems.add(second.namePosition(), second.describe() + " has the same name as " + first.describe()
          + " (defined at " + first.namePosition() + "); sources and lookups share one SQL namespace");
    }
  }

  /** The valid entries' models (entries with errors have none). */
  private static <T> List<T> configs(List<Named<T>> named) {
    return named.stream().map(Named::config).filter(Objects::nonNull).toList();
  }

  /** Lower-case names of the entries left out because they have errors. */
  private static <T> Set<String> skipped(List<Named<T>> named) {
    Set<String> out = new HashSet<>();
    named.stream().filter(n -> n.config() == null).forEach(n -> out.add(n.name().toLowerCase(Locale.ROOT)));
    return out;
  }

  private static Comparator<ConfigError> inFileOrder(List<Path> files) {
    Map<Path, Integer> order = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      order.putIfAbsent(files.get(i), i);
    }
    return Comparator.comparing((ConfigError e) -> order.getOrDefault(e.file(), files.size()))
        .thenComparing(Comparator.naturalOrder());
  }
}
