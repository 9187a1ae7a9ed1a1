package io.laminar.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Checks a checkpoint directory against its manifest: every file present, right size, right hash. */
final class CheckpointVerifier {
  /** Manifests list file names and hashes; anything this large is not one of ours. */
  private static final long MAX_MANIFEST_BYTES = 64L << 20;

  private CheckpointVerifier() {
  }

  /**
   * The outcome of a verification.
   *
   * @param manifest the parsed manifest, if it could be parsed (even when a file is then wrong)
   * @param problem what is wrong; empty when the checkpoint is valid
   */
  record Result(Optional<Manifest> manifest, Optional<String> problem) {
    boolean valid() {
      return problem.isEmpty();
    }

    static Result invalid(String problem) {
      return new Result(Optional.empty(), Optional.of(problem));
    }
  }

  static Result verify(Path dir, long expectedId) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Result.invalid("is not a directory");
    }
    Path manifestPath = dir.resolve(CheckpointNames.MANIFEST);
    Manifest manifest;
    try {
      long size = Files.size(manifestPath);
      if (size > MAX_MANIFEST_BYTES) {
        return Result.invalid(CheckpointNames.MANIFEST + " is " + size + " bytes, too large to be a manifest");
      }
      manifest = Manifest.parse(Files.readAllBytes(manifestPath));
    } catch (NoSuchFileException e) {
      return Result.invalid(CheckpointNames.MANIFEST + " is missing (the checkpoint never completed)");
    } catch (IOException e) {
      return Result.invalid("cannot read " + CheckpointNames.MANIFEST + ": " + e);
    } catch (Manifest.InvalidManifestException e) {
      return Result.invalid(CheckpointNames.MANIFEST + " " + e.getMessage());
    }
    if (manifest.checkpointId() != expectedId) {
      return new Result(Optional.of(manifest), Optional.of(CheckpointNames.MANIFEST + " says checkpoint "
          + manifest.checkpointId() + " but its directory is checkpoint " + expectedId));
    }
    for (CheckpointFile file : manifest.files()) {
      Optional<String> problem = verifyFile(dir, file);
      if (problem.isPresent()) {
        return new Result(Optional.of(manifest), problem);
      }
    }
    return new Result(Optional.of(manifest), Optional.empty());
  }

  private static Optional<String> verifyFile(Path dir, CheckpointFile file) {
    Path path = dir.resolve(file.path());
    String label = "state file '" + file.name() + "'";
    try {
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(label + " (" + file.path() + ") is missing");
      }
      long size = Files.size(path);
      if (size != file.size()) {
        return Optional.of(label + " has " + size + " bytes but the manifest says " + file.size()
            + (size < file.size() ? " (truncated)" : ""));
      }
      String sha = Durable.sha256Of(path);
      if (!sha.equals(file.sha256())) {
        return Optional.of(label + " has SHA-256 " + sha + " but the manifest says "
            + file.sha256() + " (content corrupted)");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot read " + label + ": " + e);
    }
  }
}
