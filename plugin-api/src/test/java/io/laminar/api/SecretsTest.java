package io.laminar.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void credentialNamesAreSecret() {
    for (String name : List.of("kafka.ssl.keystore.key", "kafka.ssl.key.password", "kafka.sasl.jaas.config",
        "kafka.sasl.mechanism", "kafka.ssl.truststore.certificates", "password", "DB_PASSWORD", "client_secret",
        "auth.token", "aws.credentials.file", "private.key.pem", "api.key", "access_key", "apikey",
        "kafka.basic.auth.user.info.passwd")) {
      assertTrue(Secrets.isSecretName(name), name);
    }
  }

  @Test
  void anInvalidCredentialIsReportedWithoutItsValue() {
    String message = ConnectorException.invalidProperty("kafka.sasl.jaas.config", "hunter2", "unbalanced quotes")
        .getMessage();
    assertEquals("invalid value for property 'kafka.sasl.jaas.config': unbalanced quotes", message);
    assertEquals("invalid value 'x' for property 'topic': empty",
        ConnectorException.invalidProperty("topic", "x", "empty").getMessage());
  }

  @Test
  void namesThatMentionARecordKeyOrNoCredentialAreNot() {
    for (String name : List.of("key.format", "key.column", "key.pattern", "primary_keys.count", "bootstrap.servers",
        "topic", "kafka.security.protocol", "kafka.client.id", "group.id")) {
      assertFalse(Secrets.isSecretName(name), name);
    }
  }

  @Test
  void aPasswordInsideAUrlIsMasked() {
    assertEquals("redis://app:****@cache:6379/0", Secrets.maskUrlCredentials("redis://app:hunter2@cache:6379/0"));
    assertEquals("redis://:****@127.0.0.1:6379", Secrets.maskUrlCredentials("redis://:hunter2@127.0.0.1:6379"));
    assertEquals("a=postgresql://u:****@h/db b=rediss://v:****@x", Secrets.maskUrlCredentials(
        "a=postgresql://u:p%40ss@h/db b=rediss://v:w@x"));
    for (String plain : List.of("redis://cache:6379/0", "redis://user@cache", "ops@example.com", "instrument:{symbol}")) {
      assertEquals(plain, Secrets.maskUrlCredentials(plain), plain);
    }
  }
}
