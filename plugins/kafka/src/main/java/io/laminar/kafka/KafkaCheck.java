package io.laminar.kafka;

import io.laminar.api.ConnectorException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The connectivity probe shared by source and sink: an admin client with a short timeout asks the
 * brokers to describe the topics, which proves both that a broker answers and that each topic exists.
 */
final class KafkaCheck {
  private KafkaCheck() {
  }

  /** Throws {@link ConnectorException#connectionFailed} naming servers, topic and the problem. */
  static void check(String servers, List<String> topics, Duration timeout, Map<String, Object> clientProperties,
      String clientId) throws ConnectorException {
    String target = "kafka at " + servers + ", " + (topics.size() == 1 ? "topic " : "topics ") + String.join(", ", topics);
    Map<String, Object> config = new HashMap<>(adminConfig(clientProperties));
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-check");
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    Admin admin;
    try {
      admin = ClientConfig.withPluginLoader(() -> Admin.create(config));
    } catch (KafkaException e) {
      throw ConnectorException.connectionFailed(target, e);
    }
    try {
      Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(topics).topicNameValues();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (String topic : topics) {
        long left = Math.max(0, deadline - System.nanoTime());
        try {
          futures.get(topic).get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            throw ConnectorException.connectionFailed("kafka at " + servers + ", topic " + topic,
                new Problem("topic '" + topic + "' does not exist"));
          }
          if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            throw noAnswer(target, servers, timeout);
          }
          throw ConnectorException.connectionFailed(target, e.getCause());
        } catch (TimeoutException e) {
          throw noAnswer(target, servers, timeout);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw ConnectorException.connectionFailed(target, new Problem("interrupted while checking"));
        }
      }
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  /** The pass-through settings an admin client understands (security, SASL, SSL, timeouts…). */
  private static Map<String, Object> adminConfig(Map<String, Object> clientProperties) {
    Map<String, Object> out = new HashMap<>();
    clientProperties.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static ConnectorException noAnswer(String target, String servers, Duration timeout) {
    return ConnectorException.connectionFailed(target,
        new Problem("no broker answered at " + servers + " within " + describe(timeout) + " (the property "
            + KafkaSourceFactory.CHECK_TIMEOUT + " sets this limit)"));
  }

  /** "5 s" or "250 ms". */
  static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }

  /** A cause whose message is the whole explanation (no Kafka-internal root cause behind it). */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }
}
