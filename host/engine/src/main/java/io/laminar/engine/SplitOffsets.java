package io.laminar.engine;

import io.laminar.api.Source;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of a source's offsets file in a checkpoint: every split's offsets, by split id. A
 * file written before splits existed (the raw bytes of a single-reader source) reads as the
 * offsets of {@link Source#DEFAULT_SPLIT}.
 */
final class SplitOffsets {
  /** "LMNSPLT1": not the start of any offsets a single-reader source wrote. */
  private static final byte[] MAGIC = "LMNSPLT1".getBytes(StandardCharsets.US_ASCII);

  private SplitOffsets() {
  }

  /**
   * Encodes {@code offsets} (a null value, a split not read yet, is left out). A source with only
   * its default split keeps the single-reader format (the raw bytes), which older laminar reads too.
   */
  static byte[] encode(Map<String, byte[]> offsets) {
    if (offsets.size() == 1 && offsets.get(Source.DEFAULT_SPLIT) != null) {
      return offsets.get(Source.DEFAULT_SPLIT);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      int count = (int) offsets.values().stream().filter(v -> v != null).count();
      out.writeInt(count);
      for (Map.Entry<String, byte[]> e : offsets.entrySet()) {
        if (e.getValue() != null) {
          byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
          out.writeShort(id.length);
          out.write(id);
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
  }

  /** Decodes a file {@link #encode} wrote, or an older single-reader file; empty for null. */
  static Map<String, byte[]> decode(byte[] file) {
    Map<String, byte[]> offsets = new LinkedHashMap<>();
    if (file == null) {
      return offsets;
    }
    if (file.length < MAGIC.length || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      offsets.put(Source.DEFAULT_SPLIT, file);
      return offsets;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(file, MAGIC.length, file.length - MAGIC.length);
      int count = in.getInt();
      for (int i = 0; i < count; i++) {
        byte[] id = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(id);
        byte[] value = new byte[in.getInt()];
        in.get(value);
        offsets.put(new String(id, StandardCharsets.UTF_8), value);
      }
      return offsets;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("the split offsets are truncated or corrupt", e);
    }
  }
}
