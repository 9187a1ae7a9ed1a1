package io.laminar.iceberg;

import io.laminar.api.ConnectorException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/** Opens the configured Iceberg catalog, and names its endpoint for error messages. */
final class Catalogs {
  private static final Pattern JDBC_HOST = Pattern.compile("^jdbc:[a-z0-9]+://([^/?;]+)", Pattern.CASE_INSENSITIVE);

  private Catalogs() {
  }

  /** A Hadoop configuration that finds its defaults and file systems in this plugin's loader. */
  static Configuration hadoopConf() {
    Configuration conf = new Configuration(true);
    conf.setClassLoader(Catalogs.class.getClassLoader());
    // Hadoop's FileSystem cache registers a JVM shutdown hook whose classes would be loaded from this
    // plugin's loader after the host has closed it; local files need no cache.
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /** The warehouse as Iceberg wants it: a bare path becomes an absolute file URI. */
  static String warehouse(String value) {
    if (value.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !value.matches("^[A-Za-z]:[\\\\/].*")) {
      return value;
    }
    return Path.of(value).toAbsolutePath().normalize().toUri().toString();
  }

  /** Loads the catalog (for jdbc this connects: the catalog tables are created if missing). */
  static Catalog open(IcebergSettings s) {
    Map<String, String> props = new HashMap<>();
    props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, s.catalogType());
    props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse(s.warehouse()));
    s.catalogUri().ifPresent(u -> props.put(CatalogProperties.URI, u));
    if (s.catalogType().equals("jdbc")) {
      s.catalogUser().ifPresent(u -> props.put("jdbc.user", u));
      s.catalogPassword().ifPresent(p -> props.put("jdbc.password", p.reveal()));
      // DriverManager only hands out drivers the caller's loader can see: register ours.
      loadDriver(s.catalogUri().orElseThrow());
    }
    return CatalogUtil.buildIcebergCatalog(s.catalogName(), props, hadoopConf());
  }

  private static void loadDriver(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      try {
        Class.forName("org.postgresql.Driver", true, Catalogs.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the PostgreSQL driver is missing from the iceberg plugin", e);
      }
    }
  }

  /** Where the catalog lives, for messages: host:port of the JDBC or REST URL, or the warehouse. */
  static String target(IcebergSettings s) {
    String uri = s.catalogUri().orElse(null);
    if (uri == null) {
      return "warehouse " + s.warehouse();
    }
    Matcher m = JDBC_HOST.matcher(uri);
    if (m.find()) {
      String hostPort = m.group(1).replaceFirst("^.*@", "");
      return s.catalogType() + " catalog at " + (hostPort.contains(":") ? hostPort : hostPort + ":5432");
    }
    try {
      URI u = URI.create(uri);
      int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      return s.catalogType() + " catalog at " + u.getHost() + ":" + port;
    } catch (IllegalArgumentException e) {
      return s.catalogType() + " catalog";
    }
  }

  /**
   * A failure to reach or use the catalog as the user should see it: unreachable endpoints as
   * {@code CONNECTION_FAILED} naming host:port (exit 69), anything else as a runtime failure.
   */
  static ConnectorException failure(IcebergSettings s, String what, Throwable e) {
    if (isConnectivity(e)) {
      return ConnectorException.connectionFailed(target(s), e);
    }
    return ConnectorException.runtime(what + " (" + target(s) + ") failed: " + message(e), e);
  }

  static boolean isConnectivity(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
      if (t instanceof java.sql.SQLException q && q.getSQLState() != null && q.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof java.sql.SQLException q && "3D000".equals(q.getSQLState())) {
        return true; // the catalog's database does not exist
      }
    }
    return false;
  }

  /** The innermost message, without stack trace. */
  static String message(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String top = e.getMessage();
    if (root != e && top != null && m != null && !top.contains(m)) {
      return top + ": " + m;
    }
    return top != null ? top : m != null ? m : root.getClass().getSimpleName();
  }
}
