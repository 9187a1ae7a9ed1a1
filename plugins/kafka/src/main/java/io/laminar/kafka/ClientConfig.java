package io.laminar.kafka;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Builds Kafka client configurations: the connector's own settings, then the user's
 * {@code kafka.*} pass-through settings, except keys the connector must control.
 */
final class ClientConfig {
  /** The prefix of pass-through client settings. */
  static final String PREFIX = "kafka.";

  private ClientConfig() {
  }

  /**
   * The user's {@code kafka.*} settings with the prefix removed; a key in {@code reserved} is an
   * invalid property because the connector sets it itself.
   */
  static Map<String, Object> passThrough(ConnectorProperties properties, Set<String> reserved)
      throws ConnectorException {
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, String> e : properties.withPrefix(PREFIX).entrySet()) {
      if (reserved.contains(e.getKey())) {
        throw ConnectorException.invalidProperty(PREFIX + e.getKey(), e.getValue(),
            "the connector sets '" + e.getKey() + "' itself; remove this setting");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /**
   * Runs {@code create} with this plugin's class loader as the thread context class loader: Kafka
   * resolves configured classes through it, and the client's own threads inherit it.
   */
  static <T> T withPluginLoader(Supplier<T> create) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(ClientConfig.class.getClassLoader());
    try {
      return create.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * The versions and jars of the libraries this plugin runs with, e.g. {@code kafka-clients 4.3.1
   * (/opt/laminar/plugins/kafka/lib/kafka-clients-4.3.1.jar), jackson-databind 2.23.0 (…)}: logged
   * at open, so a library conflict with the host or another plugin shows in the log.
   */
  static String libraries() {
    return "kafka-clients " + AppInfoParser.getVersion() + " (" + location(AppInfoParser.class) + "), jackson-databind "
        + PackageVersion.VERSION + " (" + location(PackageVersion.class) + ")";
  }

  private static String location(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "unknown location";
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return source.getLocation().toString();
    }
  }

  /** The {@code client.id} prefix for an instance, so brokers and logs can tell instances apart. */
  static String clientId(String serverName, String instanceName) {
    return "laminar-" + serverName + "-" + instanceName;
  }
}
