package io.laminar.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared helpers: commit small checkpoints and look at what is on disk. */
final class Fixtures {
  static final String HASH = "cfg-hash-1";

  private Fixtures() {
  }

  static CheckpointStore open(Path dir) throws CheckpointException {
    return new CheckpointStore(dir, 5, HASH);
  }

  /** Commits checkpoint {@code id} with state files "offsets" and "agg" whose content names the id. */
  static CompletedCheckpoint commit(CheckpointStore store, long id) throws CheckpointException {
    try (CheckpointWriter writer = store.begin(id)) {
      writer.put("offsets", bytes("offsets of " + id));
      writer.put("agg", bytes("aggregate state of checkpoint " + id));
      return writer.commit(Map.of("epoch", Long.toString(id)));
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static Path checkpointDir(CheckpointStore store, long id) {
    return store.directory().resolve(CheckpointStore.directoryName(id));
  }

  /** Names in the checkpoints directory, sorted, without the lock file. */
  static List<String> entries(CheckpointStore store) throws IOException {
    try (Stream<Path> s = Files.list(store.directory())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(CheckpointStore.LOCK))
          .sorted()
          .toList();
    }
  }
}
