package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Source;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offsets file of a source: every split's offsets; an old single-reader file is the default split's. */
class SplitOffsetsTest {

  @Test
  void everySplitsOffsetsComeBackUnderItsId() {
    Map<String, byte[]> offsets = new LinkedHashMap<>();
    offsets.put("orders-0", new byte[] {1, 2, 3});
    offsets.put("orders-1", new byte[0]);
    offsets.put("ünïcode-2", new byte[] {9});
    offsets.put("not-read-yet", null);
    Map<String, byte[]> back = SplitOffsets.decode(SplitOffsets.encode(offsets));
    assertEquals(List.of("orders-0", "orders-1", "ünïcode-2"), List.copyOf(back.keySet()));
    assertArrayEquals(new byte[] {1, 2, 3}, back.get("orders-0"));
    assertArrayEquals(new byte[0], back.get("orders-1"));
    assertArrayEquals(new byte[] {9}, back.get("ünïcode-2"));
  }

  @Test
  void anOffsetsFileWrittenBeforeSplitsIsTheDefaultSplits() {
    byte[] old = "lsn=0/16B3748".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> back = SplitOffsets.decode(old);
    assertEquals(List.of(Source.DEFAULT_SPLIT), List.copyOf(back.keySet()));
    assertArrayEquals(old, back.get(Source.DEFAULT_SPLIT));
    // and a single-reader source still writes that format, which older laminar reads
    assertArrayEquals(old, SplitOffsets.encode(Map.of(Source.DEFAULT_SPLIT, old)));
    assertTrue(SplitOffsets.decode(null).isEmpty());
  }
}
