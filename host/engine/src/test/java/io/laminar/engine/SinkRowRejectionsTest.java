package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Two workers writing into one sink at once: each one's rejections go to its own handler, and one
 * call ending does not end the other's bracket or take its failure.
 */
class SinkRowRejectionsTest {
  private static final long WAIT_SECONDS = 30;

  @Test
  void concurrentWriteCallsKeepTheirOwnRejectionsAndFailures() throws Exception {
    SinkRowRejections rejections = new SinkRowRejections("out");
    List<String> rejected = new CopyOnWriteArrayList<>();
    CountDownLatch secondBegun = new CountDownLatch(1);
    CountDownLatch firstEnded = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (BufferAllocator allocator = new RootAllocator();
        BigIntVector v = new BigIntVector("v", allocator);
        VectorSchemaRoot root = VectorSchemaRoot.of(v)) {
      v.allocateNew(2);
      v.set(0, 1);
      v.set(1, 2);
      root.setRowCount(2);
      Batch batch = Batch.of(root);
      ConnectorException secondsFailure = ConnectorException.runtime("worker 2 fails on row 1", null);
      Future<ConnectorException> first = pool.submit(() -> {
        rejections.begin((b, row, column, reason) -> rejected.add("worker 1 row " + row));
        secondBegun.await(WAIT_SECONDS, TimeUnit.SECONDS);
        rejections.reject(batch, 0, "v", "bad"); // after worker 2 began its own call
        ConnectorException f = rejections.end();
        firstEnded.countDown();
        return f;
      });
      Future<ConnectorException> second = pool.submit(() -> {
        rejections.begin((b, row, column, reason) -> {
          rejected.add("worker 2 row " + row);
          throw secondsFailure;
        });
        secondBegun.countDown();
        firstEnded.await(WAIT_SECONDS, TimeUnit.SECONDS);
        // worker 1's call has ended: this one's bracket is still open
        assertThrows(ConnectorException.class, () -> rejections.reject(batch, 1, "v", "bad"));
        return rejections.end();
      });
      assertNull(first.get(WAIT_SECONDS, TimeUnit.SECONDS), "worker 1's call threw nothing");
      assertSame(secondsFailure, second.get(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(List.of("worker 1 row 0", "worker 2 row 1"), rejected);
    } finally {
      pool.shutdownNow();
    }
  }
}
