package io.laminar.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.api.ConnectorException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The position the single-reader kafka source checkpointed before partitions were splits:
 * {@code {"topic":{"partition":nextOffset}}} as UTF-8 JSON, topics and partitions in sorted order. A
 * partition without an entry is read from its beginning. Only read now, by
 * {@link KafkaSource#remapOffsets}, to restore such checkpoints.
 */
final class Offsets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Offsets() {
  }

  /** Decodes such bytes; anything else is a run-time error naming the problem. */
  static Map<TopicPartition, Long> decode(byte[] bytes) throws ConnectorException {
    Map<TopicPartition, Long> out = new HashMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw invalid("not JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw invalid("unreadable (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw invalid("expected a JSON object of topics");
    }
    for (Map.Entry<String, JsonNode> topic : root.properties()) {
      if (!topic.getValue().isObject()) {
        throw invalid("topic '" + topic.getKey() + "' does not map to an object of partitions");
      }
      for (Map.Entry<String, JsonNode> part : topic.getValue().properties()) {
        int partition;
        try {
          partition = Integer.parseInt(part.getKey());
        } catch (NumberFormatException e) {
          throw invalid("partition '" + part.getKey() + "' of topic '" + topic.getKey() + "' is not a number");
        }
        if (!part.getValue().canConvertToLong() || !part.getValue().isIntegralNumber() || part.getValue().asLong() < 0) {
          throw invalid("offset of " + topic.getKey() + "-" + partition + " is not a non-negative integer");
        }
        out.put(new TopicPartition(topic.getKey(), partition), part.getValue().asLong());
      }
    }
    return out;
  }

  private static ConnectorException invalid(String why) {
    return ConnectorException.runtime("the checkpointed kafka offsets are unusable: " + why, null);
  }
}
