package io.laminar.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A connector failure that the host reports to the user as a value: which kind of problem, which
 * property (if one is to blame), and a message written for the person editing the config file.
 * The host adds the instance name and the file position.
 */
public class ConnectorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No factory of that type is installed. */
    UNKNOWN_TYPE,
    /** A required property is absent. */
    MISSING_PROPERTY,
    /** A property value is present but unusable. */
    INVALID_PROPERTY,
    /** The external system could not be reached or refused us. */
    CONNECTION_FAILED,
    /** Any other failure inside the connector at run time. */
    RUNTIME
  }

  private final Kind kind;
  private final String property;

  /** Creates an exception of the given kind; {@code property} may be null. */
  public ConnectorException(Kind kind, String property, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.property = property;
  }

  /** A required property is missing. */
  public static ConnectorException missingProperty(String property) {
    return new ConnectorException(Kind.MISSING_PROPERTY, property,
        "missing required property '" + property + "'", null);
  }

  /**
   * A property value is unusable; {@code reason} says why, in the user's terms. The value is left
   * out of the message when {@link Secrets#isSecretName} marks the property as a credential.
   */
  public static ConnectorException invalidProperty(String property, String value, String reason) {
    boolean shown = value != null && !Secrets.isSecretName(property);
    return new ConnectorException(Kind.INVALID_PROPERTY, property,
        "invalid value " + (shown ? "'" + value + "' " : "") + "for property '" + property + "': " + reason, null);
  }

  /** The external system named by {@code target} could not be reached. */
  public static ConnectorException connectionFailed(String target, Throwable cause) {
    String detail = cause == null ? "" : ": " + rootMessage(cause);
    return new ConnectorException(Kind.CONNECTION_FAILED, null, "cannot connect to " + target + detail, cause);
  }

  /** A run-time failure inside the connector. */
  public static ConnectorException runtime(String message, Throwable cause) {
    return new ConnectorException(Kind.RUNTIME, null, message, cause);
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  /** The property to blame, if any. */
  public Optional<String> property() {
    return Optional.ofNullable(property);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}
