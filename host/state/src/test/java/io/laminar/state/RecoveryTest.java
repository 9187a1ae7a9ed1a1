package io.laminar.state;

import static io.laminar.state.Fixtures.bytes;
import static io.laminar.state.Fixtures.checkpointDir;
import static io.laminar.state.Fixtures.commit;
import static io.laminar.state.Fixtures.entries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of damage makes recovery fall back to the previous good checkpoint, saying why. */
class RecoveryTest {
  @TempDir
  Path dir;

  /** Commits checkpoints 1 and 2, damages 2 with {@code damage}, and recovers in a new store. */
  private Recovery recoverAfterDamaging(Damage damage) throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      damage.apply(store, checkpointDir(store, 2));
    }
    try (CheckpointStore store = Fixtures.open(dir)) {
      return store.recover();
    }
  }

  private interface Damage {
    void apply(CheckpointStore store, Path checkpoint) throws Exception;
  }

  private static void assertFellBackToOneBecauseOfTwo(Recovery recovery, String expected)
      throws Exception {
    RestoredCheckpoint restored = recovery.checkpoint().orElseThrow();
    assertEquals(1, restored.id());
    assertArrayEquals(bytes("offsets of 1"), restored.read("offsets"));
    CheckpointProblem problem = recovery.problems().get(recovery.problems().size() - 1);
    assertEquals(OptionalLong.of(2), problem.checkpointId());
    assertTrue(problem.message().contains(expected), problem.toString());
    assertTrue(problem.toString().startsWith("checkpoint 2 ("), problem.toString());
  }

  @Test
  void truncatedStateFileFallsBackToThePreviousCheckpoint() throws Exception {
    Recovery recovery = recoverAfterDamaging((store, cp) -> {
      try (FileChannel ch = FileChannel.open(cp.resolve("agg"), StandardOpenOption.WRITE)) {
        ch.truncate(5);
      }
    });
    assertFellBackToOneBecauseOfTwo(recovery,
        "state file 'agg' has 5 bytes but the manifest says 31 (truncated)");
  }

  @Test
  void flippedByteFailsTheChecksumAndFallsBack() throws Exception {
    Recovery recovery = recoverAfterDamaging((store, cp) -> {
      try (RandomAccessFile file = new RandomAccessFile(cp.resolve("offsets").toFile(), "rw")) {
        int b = file.read();
        file.seek(0);
        file.write(b ^ 0x01);
      }
    });
    assertFellBackToOneBecauseOfTwo(recovery, "(content corrupted)");
  }

  @Test
  void missingManifestFallsBack() throws Exception {
    Recovery recovery = recoverAfterDamaging(
        (store, cp) -> Files.delete(cp.resolve(CheckpointNames.MANIFEST)));
    assertFellBackToOneBecauseOfTwo(recovery, "manifest.json is missing");
  }

  @Test
  void manifestWithTheWrongIdFallsBack() throws Exception {
    Recovery recovery = recoverAfterDamaging((store, cp) -> {
      Path manifest = cp.resolve(CheckpointNames.MANIFEST);
      String json = Files.readString(manifest, StandardCharsets.UTF_8);
      Files.writeString(manifest, json.replace("\"checkpointId\" : 2", "\"checkpointId\" : 9"),
          StandardCharsets.UTF_8);
    });
    assertFellBackToOneBecauseOfTwo(recovery,
        "manifest.json says checkpoint 9 but its directory is checkpoint 2");
  }

  @Test
  void unparsableManifestFallsBack() throws Exception {
    Recovery recovery = recoverAfterDamaging((store, cp) ->
        Files.writeString(cp.resolve(CheckpointNames.MANIFEST), "{\"checkpointId\": 2,"));
    assertFellBackToOneBecauseOfTwo(recovery, "manifest.json is not valid JSON");
  }

  @Test
  void manifestPathEscapingTheDirectoryFallsBack() throws Exception {
    Recovery recovery = recoverAfterDamaging((store, cp) -> {
      Path manifest = cp.resolve(CheckpointNames.MANIFEST);
      String json = Files.readString(manifest, StandardCharsets.UTF_8);
      Files.writeString(manifest, json.replace("\"path\" : \"agg\"", "\"path\" : \"../agg\""),
          StandardCharsets.UTF_8);
    });
    assertFellBackToOneBecauseOfTwo(recovery, "entry 'files[1]': state file name '../agg' may only");
  }

  @Test
  void garbageInLatestPointerFallsBackToTheNewestValidCheckpoint() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      Files.writeString(store.directory().resolve(CheckpointStore.LATEST), "\u0000zz\n");
      Recovery recovery = store.recover();
      assertEquals(2, recovery.checkpoint().orElseThrow().id());
      CheckpointProblem problem = recovery.problems().get(0);
      assertEquals(OptionalLong.empty(), problem.checkpointId());
      assertTrue(problem.message().contains("does not hold a checkpoint id but '?zz'"),
          problem.toString());
    }
  }

  @Test
  void missingLatestPointerScansForTheNewestValidCheckpoint() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      commit(store, 3);
      Files.delete(store.directory().resolve(CheckpointStore.LATEST));
      Files.delete(checkpointDir(store, 3).resolve("offsets"));
      Recovery recovery = store.recover();
      assertEquals(2, recovery.checkpoint().orElseThrow().id());
      assertTrue(recovery.problems().get(0).message().contains("is missing"));
      assertTrue(recovery.problems().get(1).message().contains("state file 'offsets' (offsets) is missing"),
          recovery.problems().get(1).toString());
    }
  }

  @Test
  void pointerToAMissingCheckpointFallsBackToAnOlderOne() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      Files.writeString(store.directory().resolve(CheckpointStore.LATEST), "4\n");
      Recovery recovery = store.recover();
      assertEquals(1, recovery.checkpoint().orElseThrow().id());
      assertTrue(recovery.problems().get(0).message().contains("does not exist"));
    }
  }

  @Test
  void checkpointNewerThanThePointerIsIgnoredAsUncommitted() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      commit(store, 2);
      // As if the process died after renaming checkpoint 2 but before moving the pointer.
      Files.writeString(store.directory().resolve(CheckpointStore.LATEST), "1\n");
      Recovery recovery = store.recover();
      assertEquals(1, recovery.checkpoint().orElseThrow().id());
      assertTrue(recovery.problems().get(0).message().contains("its commit did not finish"));
      assertEquals(3, store.nextId());
    }
  }

  @Test
  void leftoverTempDirectoryIsIgnoredAndRemovedAtOpen() throws Exception {
    Path torn;
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      torn = store.directory().resolve(".tmp-2-123456");
      Files.createDirectory(torn);
      Files.write(torn.resolve("offsets"), bytes("half a checkpoint"));
      assertEquals(1, store.latestValid().orElseThrow().id());
    }
    try (CheckpointStore store = Fixtures.open(dir)) {
      assertFalse(Files.exists(torn));
      assertEquals(List.of("00000000000000000001", "latest"), entries(store));
      assertEquals(1, store.latestValid().orElseThrow().id());
    }
  }

  @Test
  void noValidCheckpointAtAllGivesEmpty() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      commit(store, 1);
      Files.delete(checkpointDir(store, 1).resolve(CheckpointNames.MANIFEST));
      Recovery recovery = store.recover();
      assertTrue(recovery.checkpoint().isEmpty());
      assertEquals(1, recovery.problems().size());
    }
  }

  @Test
  void emptyStoreRecoversNothingAndReportsNoProblem() throws Exception {
    try (CheckpointStore store = Fixtures.open(dir)) {
      Recovery recovery = store.recover();
      assertTrue(recovery.checkpoint().isEmpty());
      assertEquals(List.of(), recovery.problems());
    }
  }
}
