package io.laminar.api;

import java.util.List;
import java.util.Locale;

/**
 * The one rule for which property names carry credentials, shared by the host and plugins. The
 * host cannot know what a pass-through setting ({@code kafka.*}) means, so its name decides: such
 * a value is a secret in the HTTP API, logs, errors ({@link ConnectorException#invalidProperty}),
 * {@code explain} and the checkpoint manifest's config hash.
 *
 * <p>A name is split into words at {@code .}, {@code _} and {@code -} (case-insensitive). It is
 * secret when
 * <ul>
 *   <li>a word contains {@code password}, {@code passwd}, {@code secret}, {@code token},
 *       {@code credential}, {@code jaas} or {@code private}, or</li>
 *   <li>a word starts with {@code ssl} or {@code sasl} (every Kafka TLS and SASL setting:
 *       {@code ssl.keystore.key}, {@code sasl.jaas.config}, … — a few such as
 *       {@code ssl.truststore.type} are not secret but are masked too, which costs nothing), or</li>
 *   <li>the <em>last</em> word ends with {@code key} ({@code api.key}, {@code access_key},
 *       {@code apikey}). Only the last: {@code key.format}, {@code key.column} or
 *       {@code key.pattern} name a record key, not a credential.</li>
 * </ul>
 * A property a connector declares with type PASSWORD is secret whatever its name.
 */
public final class Secrets {
  /** What a secret value is shown as. */
  public static final String MASK = "****";

  private static final List<String> SECRET_WORDS =
      List.of("password", "passwd", "secret", "token", "credential", "jaas", "private");

  private Secrets() {
  }

  /** Whether a property named {@code name} holds a credential, by the rule above. */
  public static boolean isSecretName(String name) {
    String[] words = name.toLowerCase(Locale.ROOT).split("[._-]");
    for (String word : words) {
      if (word.startsWith("ssl") || word.startsWith("sasl")) {
        return true;
      }
      for (String secret : SECRET_WORDS) {
        if (word.contains(secret)) {
          return true;
        }
      }
    }
    return words.length > 0 && words[words.length - 1].endsWith("key");
  }
}
