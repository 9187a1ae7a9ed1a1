package io.laminar.registry;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import io.laminar.common.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every installed connector, by kind and type. Built once from the providers (built-ins and started
 * plugins) and immutable afterwards, so lookups need no locking; {@link #find} is one array index and
 * one {@link HashMap} get.
 *
 * <p>Two providers may offer the same kind and type: that is not an error until a configuration
 * uses the type without saying which provider it means ({@code connector = "kafka@my-plugin"}).
 */
public final class ConnectorRegistry {
  private static final Comparator<RegisteredConnector> ORDER = Comparator
      .comparing(RegisteredConnector::kind)
      .thenComparing(RegisteredConnector::type)
      .thenComparing(RegisteredConnector::providerId);

  /** Per kind (by ordinal): type → the connectors offering it, in provider order. */
  private final Table[] tables;
  private final List<RegisteredConnector> all;
  private final List<UnloadedConnector> unloaded;

  private ConnectorRegistry(Table[] tables, List<RegisteredConnector> all, List<UnloadedConnector> unloaded) {
    this.tables = tables;
    this.all = all;
    this.unloaded = unloaded;
  }

  /** Registers every factory of every provider; problems are collected, never thrown. */
  public static RegistryBuild build(List<ConnectorProvider> providers) {
    return build(providers, List.of());
  }

  /**
   * As {@link #build(List)}, and remembers the types of plugins that were not loaded
   * ({@code unloaded}): they cannot be resolved, but an unknown type's message lists them with the
   * installed ones and suggests them.
   */
  public static RegistryBuild build(List<ConnectorProvider> providers, List<UnloadedConnector> unloaded) {
    Table[] tables = new Table[ConnectorKind.values().length];
    for (int i = 0; i < tables.length; i++) {
      tables[i] = new Table();
    }
    List<String> problems = new ArrayList<>();
    List<RegisteredConnector> all = new ArrayList<>();
    Set<String> providerIds = new HashSet<>();
    for (ConnectorProvider provider : providers) {
      if (!providerIds.add(provider.id())) {
        problems.add("Two connector providers share the id '" + provider.id() + "'; the second is ignored");
        continue;
      }
      Set<String> seen = new HashSet<>();
      register(provider, ConnectorKind.SOURCE, provider.sources(), tables, all, seen, problems);
      register(provider, ConnectorKind.LOOKUP, provider.lookups(), tables, all, seen, problems);
      register(provider, ConnectorKind.SINK, provider.sinks(), tables, all, seen, problems);
    }
    all.sort(ORDER);
    return new RegistryBuild(new ConnectorRegistry(tables, List.copyOf(all), List.copyOf(unloaded)), problems);
  }

  private static void register(ConnectorProvider provider, ConnectorKind kind, List<?> factories, Table[] tables,
      List<RegisteredConnector> all, Set<String> seen, List<String> problems) {
    for (Object factory : factories) {
      ConnectorSpec spec;
      try {
        spec = spec(factory);
      } catch (RuntimeException | LinkageError e) {
        problems.add(provider.label() + ": cannot read the spec of " + factory.getClass().getName() + ": " + e);
        continue;
      }
      if (spec == null) {
        problems.add(provider.label() + ": " + factory.getClass().getName() + " returned no spec");
        continue;
      }
      if (spec.kind() != kind) {
        problems.add(provider.label() + ": " + kind.label() + " factory " + factory.getClass().getName()
            + " declares type '" + spec.type() + "' as a " + spec.kind().label());
        continue;
      }
      if (!seen.add(kind + ":" + spec.type())) {
        problems.add(provider.label() + " offers " + kind.label() + " type '" + spec.type()
            + "' twice; the first one is used");
        continue;
      }
      RegisteredConnector connector =
          new RegisteredConnector(spec.type(), kind, provider.id(), provider.version(), spec, factory);
      tables[kind.ordinal()].add(connector);
      all.add(connector);
    }
  }

  private static ConnectorSpec spec(Object factory) {
    if (factory instanceof SourceFactory f) {
      return f.spec();
    }
    if (factory instanceof LookupFactory f) {
      return f.spec();
    }
    return ((SinkFactory) factory).spec();
  }

  /** The connector of that kind and type, when exactly one provider offers it. */
  public Optional<RegisteredConnector> find(ConnectorKind kind, String type) {
    List<RegisteredConnector> candidates = tables[kind.ordinal()].byType.get(type);
    return candidates != null && candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
  }

  /**
   * Resolves a {@code connector = "…"} value: {@code "kafka"}, or {@code "kafka@plugin-id"} to pick
   * one of several providers.
   */
  public Resolution resolve(ConnectorKind kind, String connector) {
    int at = connector.indexOf('@');
    return at < 0
        ? resolve(kind, connector, Optional.empty())
        : resolve(kind, connector.substring(0, at), Optional.of(connector.substring(at + 1)));
  }

  /**
   * Resolves a type, optionally from one provider ({@code "builtin"} or a plugin id). Fails with a
   * message for the user when the type is unknown (with a suggestion and the installed types), when
   * several providers offer it and none was picked, or when the picked provider does not offer it.
   */
  public Resolution resolve(ConnectorKind kind, String type, Optional<String> providerId) {
    List<RegisteredConnector> candidates = tables[kind.ordinal()].byType.get(type);
    if (candidates == null) {
      return new Resolution.Failed(unknownType(kind, type));
    }
    if (providerId.isPresent()) {
      String wanted = providerId.get();
      for (RegisteredConnector c : candidates) {
        if (c.providerId().equals(wanted)) {
          return new Resolution.Found(c);
        }
      }
      return new Resolution.Failed("No provider '" + wanted + "' offers " + kind.label() + " type '" + type
          + "'. Providers of '" + type + "': " + labels(candidates, RegisteredConnector::providerLabel));
    }
    if (candidates.size() == 1) {
      return new Resolution.Found(candidates.get(0));
    }
    String choices = candidates.stream()
        .map(c -> "connector = \"" + type + "@" + c.providerId() + "\"")
        .collect(Collectors.joining(" or "));
    return new Resolution.Failed("Connector type '" + type + "' for a " + kind.label() + " is provided by "
        + candidates.size() + " providers: " + labels(candidates, RegisteredConnector::providerLabel)
        + ". Pick one with " + choices);
  }

  private String unknownType(ConnectorKind kind, String type) {
    StringBuilder message = new StringBuilder("Unknown connector type '").append(type)
        .append("' for a ").append(kind.label()).append('.');
    List<String> otherKinds = new ArrayList<>();
    for (ConnectorKind other : ConnectorKind.values()) {
      if (other != kind && (tables[other.ordinal()].byType.containsKey(type)
          || unloaded.stream().anyMatch(u -> u.kind() == other && u.type().equals(type)))) {
        otherKinds.add(other.label());
      }
    }
    if (!otherKinds.isEmpty()) {
      message.append(" '").append(type).append("' is a ").append(String.join(" and ", otherKinds))
          .append(" connector, not a ").append(kind.label()).append('.');
    } else {
      Set<String> types = new TreeSet<>(tables[kind.ordinal()].byType.keySet());
      unloaded.stream().filter(u -> u.kind() == kind).forEach(u -> types.add(u.type()));
      message.append(Suggestions.didYouMean(type, types));
    }
    // every installed type, loaded or not, sorted by type (then loaded before not loaded)
    Map<String, List<String>> labels = new java.util.TreeMap<>();
    ofKind(kind).forEach(c -> labels.computeIfAbsent(c.type(), t -> new ArrayList<>()).add(c.label()));
    unloaded.stream().filter(u -> u.kind() == kind)
        .forEach(u -> labels.computeIfAbsent(u.type(), t -> new ArrayList<>()).add(u.label()));
    message.append(" Installed ").append(kind.label()).append(" types: ").append(labels.isEmpty() ? "none"
        : labels.values().stream().flatMap(List::stream).collect(Collectors.joining(", ")));
    return message.toString();
  }

  private static String labels(List<RegisteredConnector> connectors,
      java.util.function.Function<RegisteredConnector, String> label) {
    return connectors.stream().map(label).collect(Collectors.joining(", "));
  }

  /** Every connector of one kind, sorted by type then provider. */
  public List<RegisteredConnector> ofKind(ConnectorKind kind) {
    return all.stream().filter(c -> c.kind() == kind).collect(Collectors.toUnmodifiableList());
  }

  /** Every connector with this type name, of any kind (for {@code plugins describe TYPE}). */
  public List<RegisteredConnector> named(String type) {
    return all.stream().filter(c -> c.type().equals(type)).collect(Collectors.toUnmodifiableList());
  }

  /** The types of plugins that were not loaded, as given to {@link #build(List, List)}. */
  public List<UnloadedConnector> unloaded() {
    return unloaded;
  }

  /** Every connector, sorted by kind, then type, then provider id. */
  public List<RegisteredConnector> all() {
    return all;
  }

  /** The connectors of one kind, by type. */
  private static final class Table {
    final Map<String, List<RegisteredConnector>> byType = new HashMap<>();

    void add(RegisteredConnector connector) {
      byType.computeIfAbsent(connector.type(), t -> new ArrayList<>(1)).add(connector);
    }
  }
}
