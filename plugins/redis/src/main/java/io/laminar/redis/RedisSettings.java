package io.laminar.redis;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Secret;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The properties the redis lookup and sink share, checked and converted once in {@code create()}
 * (no I/O): the URL, credentials, key pattern, value format and timeouts.
 */
final class RedisSettings {
  static final String URL = "url";
  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String KEY_PATTERN = "key.pattern";
  static final String VALUE_FORMAT = "value.format";
  static final String TIMEOUT = "timeout";
  static final String POOL_SIZE = "pool.size";
  static final String ON_ERROR = "on.error";
  static final String TTL = "ttl";
  static final String WRITE_MODE = "write.mode";
  static final String WRITE_TIMEOUT = "write.timeout";

  /** How values are stored. */
  enum Format {
    /** A hash whose fields are named like the columns. */
    HASH,
    /** A string holding a JSON object whose fields are named like the columns. */
    JSON,
    /** A string holding the text form of the one non-key column. */
    STRING
  }

  /** What to do with a row whose value does not fit the schema. */
  enum OnError { FAIL, SKIP }

  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^:@/]*):[^@/]*@");
  private static final Pattern USER_INFO = Pattern.compile("^rediss?://([^:@/]*)(?::([^@/]*))?@", Pattern.CASE_INSENSITIVE);

  final RedisURI uri;
  final String target;
  final Optional<Secret> password;
  final Duration timeout;
  final int poolSize;
  final KeyPattern keyPattern;
  final Format format;
  final OnError onError;
  final List<ColumnType> types;

  private RedisSettings(RedisURI uri, Optional<Secret> password, Duration timeout, int poolSize, KeyPattern keyPattern,
      Format format, OnError onError, List<ColumnType> types) {
    this.uri = uri;
    this.target = "redis at " + uri.getHost() + ":" + uri.getPort() + " (db " + uri.getDatabase() + ")";
    this.password = password;
    this.timeout = timeout;
    this.poolSize = poolSize;
    this.keyPattern = keyPattern;
    this.format = format;
    this.onError = onError;
    this.types = List.copyOf(types);
  }

  /** The properties both connectors declare. */
  static ConnectorSpec.Builder commonProperties(ConnectorSpec.Builder b) {
    return b
        .property(PropertySpec.requiredString(URL,
            "redis://[user:password@]host:port/db, or rediss:// for TLS"))
        .property(PropertySpec.builder(USERNAME, PropertyType.STRING)
            .doc("ACL user name (overrides the URL's); absent = the URL's, or 'default'").build())
        .property(PropertySpec.builder(PASSWORD, PropertyType.PASSWORD)
            .doc("Password (overrides the URL's); never printed").build())
        .property(PropertySpec.requiredString(KEY_PATTERN,
            "The key of a row: text with {column} references, e.g. instrument:{exchange}:{symbol}"))
        .property(PropertySpec.builder(VALUE_FORMAT, PropertyType.ENUM).allowedValues("hash", "json", "string")
            .defaultValue("hash")
            .doc("hash: fields named like the columns; json: a JSON object string; string: the one non-key column")
            .build())
        .property(PropertySpec.builder(TIMEOUT, PropertyType.DURATION).defaultValue("1s")
            .doc("Connect timeout, and how long a command may wait for its reply").build())
        .property(PropertySpec.builder(ON_ERROR, PropertyType.ENUM).allowedValues("fail", "skip").defaultValue("fail")
            .doc("A value that does not parse as its column's type (lookup) or a row with a NULL key column (sink): "
                + "fail the pipeline, or skip the row and count it in decode_errors_total / rows_rejected_total")
            .build());
  }

  /**
   * Reads and checks the shared properties. {@code keyColumns} are the columns the pattern may name
   * ({@code keyRole} and {@code keyListName} word the error); {@code everyKeyColumnRequired}: each
   * of them must appear in the pattern (a lookup's primary key).
   */
  static RedisSettings from(ConnectorContext context, List<String> keyColumns, String keyRole, String keyListName,
      boolean everyKeyColumnRequired) throws ConnectorException {
    ConnectorProperties p = context.properties();
    String url = p.requireString(URL);
    RedisURI uri = parseUrl(url);
    Matcher userInfo = USER_INFO.matcher(url);
    String urlUser = null;
    String urlPassword = null;
    if (userInfo.find()) {
      urlUser = userInfo.group(1).isEmpty() ? null : decode(userInfo.group(1));
      urlPassword = userInfo.group(2) == null ? null : decode(userInfo.group(2));
    }
    String user = p.string(USERNAME).orElse(urlUser);
    Optional<Secret> password = p.secret(PASSWORD);
    if (password.isEmpty() && urlPassword != null) {
      password = Optional.of(new Secret(urlPassword));
    }
    if (password.isPresent()) {
      if (user == null) {
        uri.setAuthentication(password.get().reveal());
      } else {
        uri.setAuthentication(user, password.get().reveal());
      }
    }
    Duration timeout = p.duration(TIMEOUT).orElse(Duration.ofSeconds(1));
    if (timeout.isZero() || timeout.isNegative()) {
      throw ConnectorException.invalidProperty(TIMEOUT, timeout.toString(), "must be positive");
    }
    uri.setTimeout(timeout);
    int poolSize = p.integer(POOL_SIZE).orElse(2);
    if (poolSize < 1 || poolSize > 64) {
      throw ConnectorException.invalidProperty(POOL_SIZE, Integer.toString(poolSize), "must be between 1 and 64");
    }

    String patternText = p.requireString(KEY_PATTERN);
    KeyPattern pattern;
    try {
      pattern = KeyPattern.parse(patternText);
    } catch (KeyPattern.PatternError e) {
      throw ConnectorException.invalidProperty(KEY_PATTERN, patternText, e.getMessage());
    }
    List<String> problems = new ArrayList<>(pattern.problems(keyColumns, keyRole, keyListName));
    if (everyKeyColumnRequired) {
      for (String column : keyColumns) {
        if (!pattern.columns().contains(column)) {
          problems.add("primary-key column '" + column + "' does not appear in it: rows differing only in '"
              + column + "' would share one key (add {" + column + "})");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ConnectorException.invalidProperty(KEY_PATTERN, patternText, String.join("; ", problems));
    }

    List<ColumnType> types = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (Field f : context.schema().getFields()) {
      Optional<ColumnType> t = ColumnType.of(f);
      if (t.isPresent()) {
        types.add(t.get());
      } else {
        unsupported.add("'" + f.getName() + "' (" + f.getType() + ")");
      }
    }
    if (!unsupported.isEmpty()) {
      throw ConnectorException.runtime("the redis connector cannot map column" + (unsupported.size() == 1 ? " " : "s ")
          + String.join(", ", unsupported) + "; supported types: INT, BIGINT, FLOAT, DOUBLE, VARCHAR, BOOLEAN, "
          + "TIMESTAMP, DATE, DECIMAL", null);
    }
    Format format = Format.valueOf(p.requireString(VALUE_FORMAT).toUpperCase(Locale.ROOT));
    OnError onError = OnError.valueOf(p.requireString(ON_ERROR).toUpperCase(Locale.ROOT));
    return new RedisSettings(uri, password, timeout, poolSize, pattern, format, onError, types);
  }

  /** Parses a redis:// or rediss:// URL; the message never shows a password given in it. */
  static RedisURI parseUrl(String url) throws ConnectorException {
    String shown = redact(url);
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
      throw ConnectorException.invalidProperty(URL, shown,
          "expected redis://[user:password@]host:port/db (or rediss:// for TLS)");
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw ConnectorException.invalidProperty(URL, shown, "not a Redis URL (" + scrub(e.getMessage(), url) + "); "
          + "expected redis://[user:password@]host:port/db");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw ConnectorException.invalidProperty(URL, shown, "it names no host; expected redis://host:port/db");
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      throw ConnectorException.invalidProperty(URL, shown, "port " + uri.getPort() + " is not between 1 and 65535");
    }
    if (uri.getDatabase() < 0) {
      throw ConnectorException.invalidProperty(URL, shown, "database " + uri.getDatabase() + " is negative");
    }
    return uri;
  }

  /** {@code url} with the password of its user info replaced by {@code ****}. */
  static String redact(String url) {
    return USER_INFO_PASSWORD.matcher(url).replaceFirst("$1:****@");
  }

  /** {@code message} with every occurrence of a secret replaced by {@code ****}. */
  String scrub(String message) {
    String out = message == null ? "" : message;
    if (password.isPresent() && !password.get().reveal().isEmpty()) {
      out = out.replace(password.get().reveal(), "****");
    }
    return out;
  }

  private static String scrub(String message, String url) {
    return message == null ? "" : message.replace(url, redact(url));
  }

  private static String decode(String text) {
    try {
      return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** The schema's column names. */
  static List<String> names(ConnectorContext context) {
    return context.schema().getFields().stream().map(Field::getName).toList();
  }
}
