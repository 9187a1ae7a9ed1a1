package io.laminar.mysql;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * A {@code mysql_cdc} checkpoint: Debezium's source position (partition + offset maps) and its
 * schema history, in the bytes laminar checkpoints, and back. The maps are encoded exactly as Kafka
 * Connect's offset writer stores them (schemaless JSON, key {@code [engine name, partition]}), so the
 * restored bytes can be put straight into the offset store; history records are Debezium's JSON
 * documents.
 */
final class CdcOffsets {
  private static final int VERSION = 1;

  private final String engineName;
  private final JsonConverter converter = new JsonConverter();

  CdcOffsets(String engineName) {
    this.engineName = engineName;
    converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
  }

  /** A position: the record's source partition and source offset. */
  record Position(Map<String, ?> partition, Map<String, ?> offset) {
  }

  /** What a checkpoint restores: the offset store's entry and the schema history. */
  record Restored(Map<ByteBuffer, ByteBuffer> storeEntries, List<String> history) {
  }

  byte[] encode(Position p, List<String> history) {
    byte[] key = converter.fromConnectData(engineName, null, Arrays.asList(engineName, p.partition()));
    byte[] value = converter.fromConnectData(engineName, null, p.offset());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeInt(key.length);
      out.write(key);
      out.writeInt(value.length);
      out.write(value);
      out.writeInt(history.size());
      for (String h : history) {
        byte[] b = h.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  Restored decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown mysql_cdc offset format version " + version);
      }
      byte[] key = new byte[in.readInt()];
      in.readFully(key);
      byte[] value = new byte[in.readInt()];
      in.readFully(value);
      int n = in.readInt();
      List<String> history = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        history.add(new String(b, StandardCharsets.UTF_8));
      }
      Map<ByteBuffer, ByteBuffer> m = new HashMap<>();
      m.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
      return new Restored(m, history);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("corrupt mysql_cdc offsets: " + e.getMessage(), e);
    }
  }

  /** The offset map of encoded bytes (for tests and messages). */
  @SuppressWarnings("unchecked")
  Map<String, ?> offset(byte[] encoded) {
    ByteBuffer v = decode(encoded).storeEntries().values().iterator().next();
    byte[] b = new byte[v.remaining()];
    v.duplicate().get(b);
    return (Map<String, ?>) converter.toConnectData(engineName, b).value();
  }
}
