package com.example.laminar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Sink;
import io.laminar.testkit.TestConnectorContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The csv_dir sink's epoch protocol: prepare, commit (idempotent), abort, and recovery after a crash. */
class CsvDirSinkTest {
  private static final Schema SCHEMA = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true)),
      Field.nullable("square", new ArrowType.Int(64, true))));

  @TempDir Path dir;
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void everyBufferIsReleased() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private Sink create() {
    return new CsvDirSinkFactory().create(TestConnectorContext.builder("out", ConnectorKind.SINK)
        .properties(Map.of("dir", dir.toString())).schema(SCHEMA).allocator(allocator).build());
  }

  private void write(Sink sink, long... numbers) throws Exception {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    BigIntVector n = (BigIntVector) root.getVector(0);
    BigIntVector square = (BigIntVector) root.getVector(1);
    n.allocateNew(numbers.length);
    square.allocateNew(numbers.length);
    for (int i = 0; i < numbers.length; i++) {
      n.set(i, numbers[i]);
      square.set(i, numbers[i] * numbers[i]);
    }
    root.setRowCount(numbers.length);
    try (Batch batch = Batch.of(root)) {
      sink.write(batch);
    }
  }

  /** Every file name in the directory, and the committed lines in epoch order. */
  private List<String> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String committed(long epoch) throws IOException {
    return Files.readString(dir.resolve("part-" + epoch + ".csv"));
  }

  @Test
  void anEpochIsVisibleOnlyAfterCommitAndASecondCommitChangesNothing() throws Exception {
    try (Sink sink = create()) {
      sink.open(0);
      write(sink, 1, 2);
      sink.prepareCommit(1);
      assertEquals(List.of(".part-1.csv.prepared"), files());
      sink.commit(1);
      sink.commit(1);
      assertEquals(List.of("part-1.csv"), files());
      assertEquals("1,1\n2,4\n", committed(1));
    }
  }

  @Test
  void anAbortedEpochLeavesNothing() throws Exception {
    try (Sink sink = create()) {
      sink.open(0);
      write(sink, 3);
      sink.prepareCommit(1);
      sink.abort(1);
      assertEquals(List.of(), files());
    }
  }

  @Test
  void afterACrashBetweenPrepareAndCommitReopeningCommitsUpToTheLastCheckpointAndDropsTheRest() throws Exception {
    Sink crashed = create();
    crashed.open(0);
    write(crashed, 1);
    crashed.prepareCommit(1); // the checkpoint of epoch 1 became durable, then the process died
    write(crashed, 2);
    crashed.prepareCommit(2); // prepared, but its checkpoint never completed
    // no commit, no close: the process is gone

    try (Sink sink = create()) {
      sink.open(1);
      assertEquals(List.of("part-1.csv"), files());
      assertEquals("1,1\n", committed(1));
      write(sink, 2); // the server replays the rows after checkpoint 1
      sink.prepareCommit(2);
      sink.commit(2);
    }
    assertEquals(List.of("part-1.csv", "part-2.csv"), files());
    assertEquals("2,4\n", committed(2));
  }
}
