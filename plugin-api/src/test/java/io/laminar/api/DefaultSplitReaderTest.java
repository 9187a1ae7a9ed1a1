package io.laminar.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** A source written before splits (open/poll/snapshotOffsets only) is read as its one default split. */
class DefaultSplitReaderTest {

  /** A bounded old-style source of the numbers 0..total-1, its offset the next number. */
  static final class Counting implements Source {
    final BufferAllocator allocator;
    final long total;
    long next = -1;
    final List<byte[]> acknowledged = new ArrayList<>();

    Counting(BufferAllocator allocator, long total) {
      this.allocator = allocator;
      this.total = total;
    }

    @Override
    public void open(byte[] restoredOffsets) {
      next = restoredOffsets == null ? 0 : ByteBuffer.wrap(restoredOffsets).getLong();
    }

    @Override
    public Batch poll(int maxRows, Duration timeout) {
      int n = (int) Math.min(maxRows, total - next);
      if (n <= 0) {
        return null;
      }
      VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(
          Field.nullable("n", new ArrowType.Int(64, true)))), allocator);
      BigIntVector v = (BigIntVector) root.getVector(0);
      v.allocateNew(n);
      for (int i = 0; i < n; i++) {
        v.set(i, next++);
      }
      root.setRowCount(n);
      return Batch.of(root);
    }

    @Override
    public boolean isExhausted() {
      return next >= total;
    }

    @Override
    public byte[] snapshotOffsets() {
      return ByteBuffer.allocate(8).putLong(next).array();
    }

    @Override
    public void checkpointCompleted(byte[] offsets) {
      acknowledged.add(offsets);
    }

    @Override
    public void close() {
    }
  }

  @Test
  void anOldStyleSourceIsItsDefaultSplit() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      Counting source = new Counting(allocator, 5);
      assertEquals(List.of(Source.DEFAULT_SPLIT), source.splits());
      assertEquals(Duration.ZERO, source.splitDiscoveryInterval());
      Map<String, byte[]> fresh = new HashMap<>();
      fresh.put(Source.DEFAULT_SPLIT, null);
      List<Long> seen = new ArrayList<>();
      byte[] saved;
      try (SplitReader reader = source.createReader(fresh)) {
        SplitBatch first = reader.poll(3, Duration.ZERO);
        assertEquals(Source.DEFAULT_SPLIT, first.split());
        try (Batch b = first.batch()) {
          BigIntVector v = (BigIntVector) b.data().getVector(0);
          for (int i = 0; i < b.rowCount(); i++) {
            seen.add(v.get(i));
          }
        }
        assertFalse(reader.isExhausted(Source.DEFAULT_SPLIT));
        Map<String, byte[]> offsets = reader.snapshotOffsets();
        assertEquals(List.of(Source.DEFAULT_SPLIT), List.copyOf(offsets.keySet()));
        saved = offsets.get(Source.DEFAULT_SPLIT);
        assertArrayEquals(source.snapshotOffsets(), saved);
        reader.checkpointCompleted(offsets);
        assertEquals(1, source.acknowledged.size());
        assertArrayEquals(saved, source.acknowledged.get(0));
      }
      // a restore hands the split's offsets back to open(): the rest of the rows follow
      Counting restored = new Counting(allocator, 5);
      try (SplitReader reader = restored.createReader(Map.of(Source.DEFAULT_SPLIT, saved))) {
        SplitBatch rest;
        while ((rest = reader.poll(10, Duration.ZERO)) != null) {
          try (Batch b = rest.batch()) {
            BigIntVector v = (BigIntVector) b.data().getVector(0);
            for (int i = 0; i < b.rowCount(); i++) {
              seen.add(v.get(i));
            }
          }
        }
        assertTrue(reader.isExhausted(Source.DEFAULT_SPLIT));
        assertTrue(restored.isExhausted());
      }
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void aSingleReaderSourceHasNoOtherSplit() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      Counting source = new Counting(allocator, 1);
      assertThrows(IllegalArgumentException.class, () -> source.createReader(Map.of("p1", new byte[0])));
      try (SplitReader reader = source.createReader(Map.of())) {
        assertNull(reader.poll(10, Duration.ZERO)); // no split given yet: nothing opened, nothing read
        assertTrue(reader.snapshotOffsets().isEmpty());
      }
    }
  }

  @Test
  void aSourceWithNeitherReaderNorPollSaysSo() {
    Source empty = () -> { };
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> empty.createReader(Map.of(Source.DEFAULT_SPLIT, new byte[0])));
    assertTrue(e.getMessage().contains("createReader"), e.getMessage());
  }
}
