package io.laminar.state;

import static io.laminar.state.Fixtures.HASH;
import static io.laminar.state.Fixtures.bytes;
import static io.laminar.state.Fixtures.checkpointDir;
import static io.laminar.state.Fixtures.commit;
import static io.laminar.state.Fixtures.entries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointStoreTest {
  @TempDir
  Path dir;

  @Test
  void roundTripRestoresEveryBlobAndTheMetadata() throws Exception {
    byte[] big = new byte[5 << 20];
    new Random(42).nextBytes(big);
    try (CheckpointStore store = Fixtures.open(dir)) {
      try (CheckpointWriter writer = store.begin(1)) {
        writer.put("offsets", bytes("orders:0=17"));
        writer.put(CheckpointNames.escape("source/orders"), bytes("partition 3"));
        writer.put("empty", new byte[0]);
        try (OutputStream out = writer.open("window-state")) {
          for (int at = 0; at < big.length; at += 64 * 1024 + 7) {
            out.write(big, at, Math.min(64 * 1024 + 7, big.length - at));
          }
        }
        writer.commit(Map.of("watermark", "2026-11-01T00:00:00Z", "epoch", "1"));
      }
    }
    try (CheckpointStore reopened = Fixtures.open(dir)) {
      RestoredCheckpoint restored = reopened.latestValid().orElseThrow();
      assertEquals(1, restored.id());
      assertEquals(List.of("offsets", "source_2Forders", "empty", "window-state"),
          restored.fileNames());
      assertArrayEquals(bytes("orders:0=17"), restored.read("offsets"));
      assertArrayEquals(bytes("partition 3"),
          restored.read(CheckpointNames.escape("source/orders")));
      assertArrayEquals(new byte[0], restored.read("empty"));
      try (InputStream in = restored.open("window-state")) {
        assertArrayEquals(big, in.readAllBytes());
      }
      assertEquals(Map.of("watermark", "2026-11-01T00:00:00Z", "epoch", "1"), restored.metadata());
    }
  }

  /** A state file's buffer starts small and grows: single bytes and arrays across its steps stay in order. */
  @Test
  void byteWritesAndArrayWritesAcrossTheBufferGrowthRoundTrip() throws Exception {
    byte[] data = new byte[(3 << 20) + 123];
    new Random(7).nextBytes(data);
    try (CheckpointStore store = Fixtures.open(dir)) {
      try (CheckpointWriter writer = store.begin(1)) {
        try (OutputStream out = writer.open("state")) {
          int at = 0;
          for (int step = 1; at < data.length; step = step * 3 + 1) {
            int bytesOneByOne = Math.min(step, data.length - at);
            for (int i = 0; i < bytesOneByOne; i++) {
              out.write(data[at++]);
            }
            int n = Math.min(step * 5, data.length - at);
            out.write(data, at, n);
            at += n;
          }
        }
        writer.commit(Map.of());
      }
    }
    try (CheckpointStore reopened = Fixtures.open(dir)) {
      RestoredCheckpoint restored = reopened.latestValid().orElseThrow(); // its checksums verified
      try (InputStream in = restored.open("state")) {
        assertArrayEquals(data, in.readAllBytes());
      }
    }
  }

  @Test
  void restoredCheckpointExposesConfigHashMismatchWithoutRejectingIt() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
    }
    try (CheckpointStore changed = new CheckpointStore(dir, 5, "other-hash")) {
      RestoredCheckpoint restored = changed.latestValid().orElseThrow();
      assertEquals(HASH, restored.configHash());
      assertFalse(restored.configHashMatches());
    }
  }

  @Test
  void manifestRecordsIdHashSizesChecksumsAndTimings() throws Exception {
    byte[] data = bytes("some operator state");
    try (CheckpointStore store = Fixtures.open(dir)) {
      CompletedCheckpoint done;
      try (CheckpointWriter writer = store.begin(7)) {
        writer.put("op-1", data);
        done = writer.commit(Map.of("k", "v"));
      }
      JsonNode manifest = new ObjectMapper().readTree(
          done.directory().resolve(CheckpointNames.MANIFEST).toFile());
      assertEquals(7, manifest.get("checkpointId").asLong());
      assertEquals(HASH, manifest.get("configHash").asText());
      assertEquals(done.createdAt().toString(), manifest.get("createdAt").asText());
      JsonNode file = manifest.get("files").get(0);
      assertEquals("op-1", file.get("name").asText());
      assertEquals("op-1", file.get("path").asText());
      assertEquals(data.length, file.get("size").asLong());
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
      assertEquals(sha, file.get("sha256").asText());
      assertEquals("v", manifest.get("metadata").get("k").asText());
      assertEquals(data.length, manifest.get("timings").get("bytes").asLong());
      assertTrue(manifest.get("timings").get("writeMillis").asLong() >= 0);
    }
  }

  @Test
  void committedCheckpointLandsInZeroPaddedDirectory() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      CompletedCheckpoint done = commit(store, 42);
      assertEquals(store.directory().resolve("00000000000000000042"), done.directory());
      assertTrue(Files.isRegularFile(done.directory().resolve("offsets")));
      assertTrue(Files.isRegularFile(done.directory().resolve(CheckpointNames.MANIFEST)));
    }
  }

  @Test
  void latestPointerNamesTheNewestCommit() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      commit(store, 5);
      String pointer = Files.readString(store.directory().resolve(CheckpointStore.LATEST),
          StandardCharsets.US_ASCII);
      assertEquals("5", pointer.strip());
      assertEquals(5, store.latestValid().orElseThrow().id());
    }
  }

  @Test
  void retentionDeletesTheOldestCheckpointsBeyondN() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, 2, HASH)) {
      for (long id = 1; id <= 4; id++) {
        commit(store, id);
      }
      assertEquals(List.of("00000000000000000003", "00000000000000000004", "latest"),
          entries(store));
    }
  }

  @Test
  void filesWhoseFsyncIsDeferredToTheCommitRestoreAndAnAbortedOneLeavesNothing() throws Exception {
    byte[] state = new byte[3 << 20];
    new Random(7).nextBytes(state);
    try (CheckpointStore store = Fixtures.open(dir)) {
      try (CheckpointWriter writer = store.begin(1)) {
        writer.deferFileSync();
        writer.put("offsets", bytes("orders:0=17"));
        try (OutputStream out = writer.open("window-state")) {
          out.write(state);
        }
        writer.put("after", bytes("written once the others were closed"));
        writer.commit(Map.of("epoch", "1"));
      }
      CheckpointWriter aborted = store.begin(2);
      aborted.deferFileSync();
      aborted.put("offsets", bytes("never published"));
      aborted.abort();
    }
    try (CheckpointStore reopened = Fixtures.open(dir)) {
      RestoredCheckpoint restored = reopened.latestValid().orElseThrow();
      assertEquals(1, restored.id());
      assertEquals(List.of("offsets", "window-state", "after"), restored.fileNames());
      assertArrayEquals(bytes("orders:0=17"), restored.read("offsets"));
      try (InputStream in = restored.open("window-state")) {
        assertArrayEquals(state, in.readAllBytes());
      }
      assertArrayEquals(bytes("written once the others were closed"), restored.read("after"));
      assertEquals(List.of("00000000000000000001", "latest"), entries(reopened));
    }
  }

  @Test
  void abortLeavesNothingBehind() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      CheckpointWriter writer = store.begin(1);
      writer.put("offsets", bytes("x"));
      try (OutputStream unfinished = writer.open("agg")) {
        unfinished.write(bytes("partial"));
        writer.abort();
      }
      assertEquals(List.of(), entries(store));
      assertTrue(store.latestValid().isEmpty());
    }
  }

  @Test
  void closingAnUncommittedWriterAbortsIt() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      try (CheckpointWriter writer = store.begin(1)) {
        writer.put("offsets", bytes("x"));
      }
      assertEquals(List.of(), entries(store));
    }
  }

  @Test
  void closingTheStoreAbortsAnOpenWriter() throws Exception {
    CheckpointStore store = Fixtures.open(dir);
    CheckpointWriter writer = store.begin(1);
    writer.put("offsets", bytes("x"));
    store.close();
    assertEquals(List.of(), entries(store));
    assertThrows(IllegalStateException.class, () -> writer.commit(Map.of()));
  }

  @Test
  void storeCanBeReopenedAfterClose() throws Exception {
    Fixtures.open(dir).close();
    try (CheckpointStore again = Fixtures.open(dir)) {
      assertEquals(1, again.nextId());
    }
  }

  @Test
  void secondWriterIsRejectedWhileOneIsOpen() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir); CheckpointWriter first = store.begin(1)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.begin(2));
      assertTrue(e.getMessage().contains("checkpoint 1 is still being written"), e.getMessage());
      first.put("offsets", bytes("still usable"));
      assertEquals(1, first.commit(Map.of()).id());
    }
  }

  @Test
  void nextWriterMayBeginOnceThePreviousCommitted() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      assertEquals(3, store.nextId());
    }
  }

  @Test
  void nextIdIsOneForAnEmptyStore() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      assertEquals(1, store.nextId());
    }
  }

  @Test
  void nextIdCountsInvalidCheckpointsSoIdsNeverRepeat() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      Files.delete(checkpointDir(store, 2).resolve(CheckpointNames.MANIFEST));
      assertEquals(1, store.latestValid().orElseThrow().id());
      assertEquals(3, store.nextId());
    }
  }

  @Test
  void nextIdSkipsAnAbortedId() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      store.begin(store.nextId()).abort();
      assertEquals(2, store.nextId());
    }
  }

  @Test
  void beginRejectsAnIdAlreadyUsed() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 3);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> store.begin(3));
      assertTrue(e.getMessage().contains("next free id is 4"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"source/orders", "..", "a..b", ".", "", "a b", "manifest.json"})
  void invalidStateFileNamesAreRejected(String name) throws Exception {
    try (CheckpointStore store = Fixtures.open(dir); CheckpointWriter writer = store.begin(1)) {
      assertThrows(IllegalArgumentException.class, () -> writer.put(name, bytes("x")));
    }
  }

  @Test
  void writingTheSameNameTwiceIsRejected() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir); CheckpointWriter writer = store.begin(1)) {
      writer.put("offsets", bytes("a"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> writer.put("offsets", bytes("b")));
      assertTrue(e.getMessage().contains("already written"), e.getMessage());
    }
  }

  @Test
  void commitWithAnOpenStreamIsRejected() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir); CheckpointWriter writer = store.begin(1)) {
      OutputStream out = writer.open("agg");
      out.write(1);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> writer.commit(Map.of()));
      assertTrue(e.getMessage().contains("[agg] are still open"), e.getMessage());
    }
  }

  @Test
  void writerCannotBeUsedAfterCommit() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir); CheckpointWriter writer = store.begin(1)) {
      writer.commit(Map.of());
      assertThrows(IllegalStateException.class, () -> writer.put("late", bytes("x")));
    }
  }

  @Test
  void secondStoreOnTheSameDirectoryIsRejected() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> Fixtures.open(dir));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
      assertEquals(store.directory(), e.path());
    }
  }

  @Test
  void retainBelowOneIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0, HASH));
  }

  @Test
  void listReportsEachCheckpointNewestFirstWithValidityAndSize() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      CompletedCheckpoint first = commit(store, 1);
      commit(store, 2);
      Files.write(checkpointDir(store, 2).resolve("agg"), bytes("tampered"));
      List<CheckpointInfo> infos = store.list();
      assertEquals(List.of(2L, 1L), infos.stream().map(CheckpointInfo::id).toList());
      CheckpointInfo bad = infos.get(0);
      assertFalse(bad.valid());
      assertTrue(bad.latest());
      assertTrue(bad.problem().orElseThrow().contains("state file 'agg'"), bad.problem().get());
      CheckpointInfo good = infos.get(1);
      assertTrue(good.valid());
      assertFalse(good.latest());
      assertEquals(first.createdAt(), good.createdAt());
      long onDisk = Files.size(first.directory().resolve("offsets"))
          + Files.size(first.directory().resolve("agg"))
          + Files.size(first.directory().resolve(CheckpointNames.MANIFEST));
      assertEquals(onDisk, good.sizeBytes());
    }
  }
}
