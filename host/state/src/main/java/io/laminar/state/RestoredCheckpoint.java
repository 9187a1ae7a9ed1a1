package io.laminar.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A committed checkpoint that verified (every state file present with the size and SHA-256 its
 * manifest records) when {@link CheckpointStore#recover()} picked it. Reading a state file does
 * not verify it again. Safe to use from several threads.
 */
public final class RestoredCheckpoint {
  private final Path directory;
  private final Manifest manifest;
  private final String expectedConfigHash;
  private final Map<String, CheckpointFile> files = new LinkedHashMap<>();

  RestoredCheckpoint(Path directory, Manifest manifest, String expectedConfigHash) {
    this.directory = directory;
    this.manifest = manifest;
    this.expectedConfigHash = expectedConfigHash;
    for (CheckpointFile f : manifest.files()) {
      files.put(f.name(), f);
    }
  }

  /** The checkpoint id. */
  public long id() {
    return manifest.checkpointId();
  }

  /** Its directory, {@code <dir>/checkpoints/<zero-padded id>}. */
  public Path directory() {
    return directory;
  }

  /** When it was committed. */
  public Instant createdAt() {
    return manifest.createdAt();
  }

  /** The configuration hash it was written under. */
  public String configHash() {
    return manifest.configHash();
  }

  /**
   * Whether {@link #configHash()} equals the hash the store was opened with. The store only
   * reports this; whether a mismatch stops the server (or {@code --reset-state} discards the
   * checkpoint) is the engine's decision.
   */
  public boolean configHashMatches() {
    return manifest.configHash().equals(expectedConfigHash);
  }

  /** The engine's metadata map, as committed. */
  public Map<String, String> metadata() {
    return manifest.metadata();
  }

  /** The names of its state files, in the order they were written. */
  public List<String> fileNames() {
    return List.copyOf(files.keySet());
  }

  /** The manifest entries of its state files, in the order they were written. */
  public List<CheckpointFile> files() {
    return manifest.files();
  }

  /** Whether it has a state file called {@code name}. */
  public boolean contains(String name) {
    return files.containsKey(name);
  }

  /** The manifest entry for {@code name}, if there is one. */
  public Optional<CheckpointFile> file(String name) {
    return Optional.ofNullable(files.get(name));
  }

  /** A state file's whole content; use {@link #open(String)} for large ones. */
  public byte[] read(String name) throws CheckpointException {
    CheckpointFile file = require(name);
    Path path = directory.resolve(file.path());
    if (file.size() > Integer.MAX_VALUE - 8) {
      throw new CheckpointException("state file '" + name + "' has " + file.size()
          + " bytes, too many for an array; stream it with open() instead:", path);
    }
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new CheckpointException("cannot read state file '" + name + "' at", path, e);
    }
  }

  /** A stream over a state file's content; the caller closes it. */
  public InputStream open(String name) throws CheckpointException {
    CheckpointFile file = require(name);
    Path path = directory.resolve(file.path());
    try {
      return Files.newInputStream(path);
    } catch (IOException e) {
      throw new CheckpointException("cannot open state file '" + name + "' at", path, e);
    }
  }

  private CheckpointFile require(String name) {
    CheckpointFile file = files.get(name);
    if (file == null) {
      throw new IllegalArgumentException("checkpoint " + id() + " has no state file '" + name
          + "'; it has " + files.keySet());
    }
    return file;
  }

  @Override
  public String toString() {
    return "checkpoint " + id() + " (" + directory + ", " + files.size() + " files)";
  }
}
