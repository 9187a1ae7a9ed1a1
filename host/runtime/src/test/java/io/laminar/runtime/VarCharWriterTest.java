package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generated projections' string writer gives exactly what String concatenation and getBytes give. */
class VarCharWriterTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  @Test
  void digitsAreLongToString() {
    List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, -10L, 99L, 100L, 999L, 1000L,
        999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
        (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE));
    for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
      values.add(p - 1);
      values.add(p);
      values.add(-p);
    }
    Random r = new Random(5);
    for (int i = 0; i < 2000; i++) {
      values.add(r.nextLong() >> r.nextInt(64));
    }
    try (VarCharVector v = new VarCharVector("s", allocator)) {
      // little room to begin with: the data buffer grows while rows are written
      v.allocateNew(16, values.size() + 1);
      VarCharWriter w = new VarCharWriter(v, values.size());
      for (int i = 0; i < values.size(); i++) {
        w.appendDigits(values.get(i));
        w.end(i);
      }
      v.setValueCount(values.size());
      for (int i = 0; i < values.size(); i++) {
        assertEquals(Long.toString(values.get(i)), v.getObject(i).toString(), "value " + i);
      }
    }
  }

  @Test
  void partsNullsAndNonAsciiMatchStringConcatenation() {
    String[] words = {"", "a", "plain ascii", "é", "naïve", "日本語", "emoji \uD83D\uDE00 pair", "lone \uD800 surrogate",
        "x".repeat(300)};
    byte[] constant = "K:".getBytes(StandardCharsets.UTF_8);
    // constants up to 8 bytes are stored byte by byte, longer ones copied
    byte[] longConstant = "|prefix longer than 8: ü|".getBytes(StandardCharsets.UTF_8);
    try (VarCharVector source = new VarCharVector("src", allocator);
        VarCharVector v = new VarCharVector("s", allocator)) {
      source.allocateNew();
      for (int i = 0; i < words.length; i++) {
        source.setSafe(i, words[i].getBytes(StandardCharsets.UTF_8));
      }
      source.setValueCount(words.length);
      int rows = words.length * 3;
      v.allocateNew((long) rows * 2, rows + 1);
      VarCharWriter w = new VarCharWriter(v, rows);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        String word = words[i % words.length];
        if (i % 3 == 1) {
          w.setNull(i);
          expected.add(null);
          continue;
        }
        w.appendBytes(constant);
        w.appendString(word);
        w.appendDigits(-i);
        w.appendValue(source, i % words.length);
        w.appendBytes(longConstant);
        w.end(i);
        expected.add(word);
      }
      v.setValueCount(rows);
      for (int i = 0; i < rows; i++) {
        if (expected.get(i) == null) {
          assertNull(v.getObject(i), "row " + i);
        } else {
          String word = expected.get(i);
          byte[] want = concat(constant, word.getBytes(StandardCharsets.UTF_8),
              Integer.toString(-i).getBytes(StandardCharsets.UTF_8), word.getBytes(StandardCharsets.UTF_8), longConstant);
          assertEquals(new String(want, StandardCharsets.ISO_8859_1),
              new String(v.get(i), StandardCharsets.ISO_8859_1), "bytes of row " + i);
        }
      }
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
