package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BytesDictionaryTest {
  private static long pack(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    long packed = (long) b.length << 56;
    for (int i = 0; i < b.length; i++) {
      packed |= (b[i] & 0xFFL) << (8 * i);
    }
    return packed;
  }

  private static int intern(BytesDictionary d, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return d.intern(b, b.length);
  }

  @Test
  void packedShortStringsGetTheIdsOfTheirBytes() {
    BytesDictionary d = new BytesDictionary();
    int abc = intern(d, "abc");
    assertEquals(abc, d.internShort(pack("abc")));
    int empty = d.internShort(pack(""));
    assertEquals(empty, intern(d, ""));
    int seven = d.internShort(pack("seven77"));
    assertEquals(seven, intern(d, "seven77"));
    assertEquals("seven77", new String(d.arena(), d.start(seven), d.length(seven), StandardCharsets.UTF_8));
    assertEquals(3, java.util.stream.IntStream.of(abc, empty, seven).distinct().count());
  }

  @Test
  void restoredDictionaryFindsShortStringsUnderTheirSavedIds() throws IOException {
    BytesDictionary d = new BytesDictionary();
    for (int i = 0; i < 500; i++) {
      d.internShort(pack("k" + i));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      d.writeState(new StateWriter(out));
    }
    BytesDictionary restored = new BytesDictionary();
    restored.readState(new StateReader(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    for (int i = 499; i >= 0; i--) {
      assertEquals(d.internShort(pack("k" + i)), restored.internShort(pack("k" + i)));
    }
    assertEquals(500, restored.internShort(pack("new")));
  }

  @Test
  void shortStringsKeepTheirIdsWhileTheCacheGrows() {
    BytesDictionary d = new BytesDictionary();
    int n = 20_000;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = d.internShort(pack("S" + i));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = n - 1; i >= 0; i--) {
        assertEquals(ids[i], d.internShort(pack("S" + i)));
        assertEquals(ids[i], intern(d, "S" + i));
      }
    }
    assertEquals(n, java.util.stream.IntStream.of(ids).distinct().count());
  }
}
