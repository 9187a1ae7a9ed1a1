package io.laminar.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>Values are checked too: a password inside a URL's user info ({@code redis://user:pw@host},
 * {@code postgresql://u:pw@h/db}) is masked by {@link #maskUrlCredentials} wherever a value is shown
 * or hashed, whatever the property is called.
 */
public final class Secrets {
  /** What a secret value is shown as. */
  public static final String MASK = "****";

  private static final List<String> SECRET_WORDS =
      List.of("password", "passwd", "secret", "token", "credential", "jaas", "private");

  /** {@code scheme://user:password@} — the password part is group 2. */
  private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/@:\\s]*:)([^/@\\s]+)@");

  private Secrets() {
  }

  /**
   * {@code value} with the password of every URL's user info replaced by {@link #MASK}
   * ({@code redis://app:hunter2@cache:6379/0} → {@code redis://app:****@cache:6379/0}); other text
   * unchanged.
   */
  public static String maskUrlCredentials(String value) {
    if (value == null || value.indexOf('@') < 0) {
      return value;
    }
    Matcher m = URL_PASSWORD.matcher(value);
    return m.find() ? m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK) + "@") : value;
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
