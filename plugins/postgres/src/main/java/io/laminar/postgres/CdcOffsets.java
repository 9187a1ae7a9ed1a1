package io.laminar.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * A Debezium source position (partition + offset maps) in the bytes laminar checkpoints, and back.
 * The maps are encoded exactly as Kafka Connect's offset writer stores them (schemaless JSON, key
 * {@code [engine name, partition]}), so the restored bytes can be put straight into the offset store.
 */
final class CdcOffsets {
  /** 2 adds the snapshot-pending flag; 1 (no flag) is still read. */
  private static final int VERSION = 2;

  private final String engineName;
  private final JsonConverter converter = new JsonConverter();

  CdcOffsets(String engineName) {
    this.engineName = engineName;
    converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
  }

  /**
   * A position: the record's source partition and source offset, and whether an initial snapshot
   * is still owed (one was interrupted: its rows must all be read again, see {@link LaminarSnapshotter}).
   */
  record Position(Map<String, ?> partition, Map<String, ?> offset, boolean snapshotPending) {
  }

  byte[] encode(Position p) {
    byte[] key = converter.fromConnectData(engineName, null, Arrays.asList(engineName, p.partition()));
    byte[] value = converter.fromConnectData(engineName, null, p.offset());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeInt(key.length);
      out.write(key);
      out.writeInt(value.length);
      out.write(value);
      out.writeBoolean(p.snapshotPending());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The stored key and value bytes, as the offset store holds them. */
  Map<ByteBuffer, ByteBuffer> storeEntries(byte[] encoded) {
    byte[][] kv = split(encoded);
    Map<ByteBuffer, ByteBuffer> m = new HashMap<>();
    m.put(ByteBuffer.wrap(kv[0]), ByteBuffer.wrap(kv[1]));
    return m;
  }

  @SuppressWarnings("unchecked")
  Position decode(byte[] encoded) {
    byte[][] kv = split(encoded);
    boolean pending = kv[2][0] != 0;
    java.util.List<Object> key = (java.util.List<Object>) converter.toConnectData(engineName, kv[0]).value();
    Map<String, ?> partition = (Map<String, ?>) key.get(1);
    Map<String, ?> offset = (Map<String, ?>) converter.toConnectData(engineName, kv[1]).value();
    return new Position(partition, offset, pending);
  }

  private static byte[][] split(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readInt();
      if (version != 1 && version != VERSION) {
        throw new IllegalArgumentException("unknown postgres_cdc offset format version " + version);
      }
      byte[] key = new byte[in.readInt()];
      in.readFully(key);
      byte[] value = new byte[in.readInt()];
      in.readFully(value);
      byte[] pending = {(byte) (version >= 2 && in.readBoolean() ? 1 : 0)};
      return new byte[][] {key, value, pending};
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt postgres_cdc offsets: " + e.getMessage(), e);
    }
  }
}
