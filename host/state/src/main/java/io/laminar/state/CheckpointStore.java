package io.laminar.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, verifiable checkpoints under {@code <dir>/checkpoints/}.
 *
 * <p>Layout: one directory per checkpoint named by its zero-padded id (so names sort), each with
 * its state files and {@code manifest.json}; a {@code latest} file holding the id of the newest
 * committed checkpoint; {@code .tmp-*} entries that only exist while a checkpoint is being written
 * or deleted; and a {@code .lock} file. The {@code latest} rewrite is the commit point: a
 * checkpoint directory newer than the pointer belongs to a commit that did not finish and is
 * ignored by recovery. Ids only grow ({@link #nextId()}), so a directory name is never reused.
 *
 * <p>Concurrency: one store per directory, enforced with an OS file lock held until
 * {@link #close()}; the store is thread-safe, but only one {@link CheckpointWriter} may be open at a
 * time ({@link #begin(long)} throws {@link IllegalStateException} otherwise). Listing and
 * recovery may run while a checkpoint is being written.
 */
public final class CheckpointStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  static final String CHECKPOINTS = "checkpoints";
  static final String LATEST = "latest";
  static final String TMP_PREFIX = ".tmp-";
  static final String LOCK = ".lock";
  private static final Pattern ID_NAME = Pattern.compile("[0-9]{1,20}");
  /** A pointer holds one id and a newline; anything longer is garbage, not worth reading. */
  private static final long MAX_POINTER_BYTES = 64;

  private final Path root;
  private final int retain;
  private final String configHash;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** Verification results by checkpoint id, reused by {@link #list()} while files are unchanged. */
  private final Map<Long, CachedVerification> verified = new ConcurrentHashMap<>();
  private CheckpointWriter activeWriter;
  private long highestBegun = -1;
  private boolean closed;

  /**
   * Opens (creating if needed) the store under {@code directory}, takes its lock, and deletes
   * temporary entries left by writers that crashed.
   *
   * @param directory the state directory; checkpoints go to its {@code checkpoints/} child
   * @param retain how many checkpoints to keep, at least 1
   * @param configHash hash of the configuration the engine runs with; recorded in every manifest
   */
  public CheckpointStore(Path directory, int retain, String configHash) throws CheckpointException {
    Objects.requireNonNull(directory, "directory");
    this.configHash = Objects.requireNonNull(configHash, "configHash");
    if (retain < 1) {
      throw new IllegalArgumentException("must retain at least 1 checkpoint, got " + retain);
    }
    this.retain = retain;
    this.root = directory.resolve(CHECKPOINTS).toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new CheckpointException("cannot create checkpoint directory", root, e);
    }
    Path lockPath = root.resolve(LOCK);
    try {
      lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new CheckpointException("cannot open lock file", lockPath, e);
    }
    try {
      lock = lockChannel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      closeLockChannel();
      throw new CheckpointException(e instanceof OverlappingFileLockException
          ? "checkpoint directory is already open in this process:" : "cannot lock", root, e);
    }
    if (lock == null) {
      closeLockChannel();
      throw new CheckpointException("checkpoint directory is in use by another process:", root);
    }
    try {
      removeTemporaries();
    } catch (CheckpointException e) {
      closeLockChannel(); // closing the channel releases the lock
      throw e;
    }
  }

  /** The {@code checkpoints/} directory this store manages. */
  public Path directory() {
    return root;
  }

  /** How many checkpoints are kept. */
  public int retain() {
    return retain;
  }

  /** The configuration hash recorded in new checkpoints and compared by restored ones. */
  public String configHash() {
    return configHash;
  }

  /**
   * Starts checkpoint {@code checkpointId}, which must be at least {@link #nextId()}.
   *
   * @throws IllegalStateException if another writer is still open, or the store is closed
   * @throws IllegalArgumentException if the id is negative or not newer than every id in use
   */
  public synchronized CheckpointWriter begin(long checkpointId) throws CheckpointException {
    requireNotClosed();
    if (activeWriter != null) {
      throw new IllegalStateException("checkpoint " + activeWriter.checkpointId()
          + " is still being written; commit or abort it before beginning checkpoint "
          + checkpointId + " (one writer at a time)");
    }
    if (checkpointId < 0) {
      throw new IllegalArgumentException("checkpoint ids are not negative, got " + checkpointId);
    }
    long next = nextId();
    if (checkpointId < next) {
      throw new IllegalArgumentException("checkpoint id " + checkpointId
          + " is already used or older than one in use (next free id is " + next + ")");
    }
    Path temp;
    try {
      temp = Files.createTempDirectory(root, TMP_PREFIX + checkpointId + "-");
    } catch (IOException e) {
      throw new CheckpointException("cannot create a temporary checkpoint directory in", root, e);
    }
    highestBegun = checkpointId;
    activeWriter = new CheckpointWriter(this, checkpointId, temp);
    return activeWriter;
  }

  /**
   * The id to give the next checkpoint: one more than the largest id of any checkpoint directory
   * (valid or not), the {@code latest} pointer, and any checkpoint begun by this store, so ids
   * never repeat. 1 for an empty store.
   */
  public synchronized long nextId() throws CheckpointException {
    long max = Math.max(0, highestBegun);
    for (long id : checkpointIds()) {
      max = Math.max(max, id);
    }
    OptionalLong pointer = readPointer(new ArrayList<>());
    if (pointer.isPresent()) {
      max = Math.max(max, pointer.getAsLong());
    }
    return max + 1;
  }

  /** The checkpoint to restore: {@link #recover()} without the list of problems. */
  public Optional<RestoredCheckpoint> latestValid() throws CheckpointException {
    return recover().checkpoint();
  }

  /**
   * Finds the newest committed checkpoint that verifies. Follows the {@code latest} pointer; if
   * that checkpoint is missing or fails verification (missing or unreadable manifest, wrong id,
   * a state file missing, truncated or with the wrong SHA-256), or the pointer itself is missing
   * or garbage, it falls back to the newest older checkpoint that verifies. Every problem is
   * logged as a warning naming the checkpoint and returned.
   *
   * @throws CheckpointException only if the checkpoint directory itself cannot be listed
   */
  public Recovery recover() throws CheckpointException {
    List<CheckpointProblem> problems = new ArrayList<>();
    List<Long> ids = checkpointIds();
    OptionalLong pointer = readPointer(problems);
    long newestCommitted = pointer.orElse(Long.MAX_VALUE);
    if (pointer.isPresent()) {
      for (long id : ids) {
        if (id > newestCommitted) {
          problems.add(CheckpointProblem.of(id, checkpointDir(id), "is newer than the '" + LATEST
              + "' pointer (" + newestCommitted + "): its commit did not finish; ignoring it"));
        }
      }
      if (!ids.contains(newestCommitted)) {
        problems.add(CheckpointProblem.of(newestCommitted, checkpointDir(newestCommitted),
            "is named by the '" + LATEST + "' pointer but does not exist"));
      }
    } else if (!ids.isEmpty() && problems.isEmpty()) {
      problems.add(CheckpointProblem.ofPointer(root.resolve(LATEST),
          "is missing; looking for the newest valid checkpoint"));
    }
    Optional<RestoredCheckpoint> found = Optional.empty();
    for (long id : ids) {
      if (id > newestCommitted) {
        continue;
      }
      Path dir = checkpointDir(id);
      CheckpointVerifier.Result result = verifyAndRemember(id, dir);
      if (result.valid()) {
        found = Optional.of(new RestoredCheckpoint(dir, result.manifest().orElseThrow(), configHash));
        break;
      }
      problems.add(CheckpointProblem.of(id, dir, result.problem().orElseThrow()));
    }
    for (CheckpointProblem problem : problems) {
      LOG.warn("Skipping {}", problem);
    }
    if (found.isPresent()) {
      LOG.debug("Restoring checkpoint {} from {}", found.get().id(), found.get().directory());
    } else if (!problems.isEmpty()) {
      LOG.warn("No valid checkpoint in {}", root);
    }
    return new Recovery(found, problems);
  }

  /**
   * Every checkpoint directory, newest first, with its verification status. Verification reads
   * all state files, but its result is reused while no file's size or modification time changes,
   * so repeated listings (and listings right after a commit) are cheap.
   */
  public List<CheckpointInfo> list() throws CheckpointException {
    OptionalLong pointer = readPointer(new ArrayList<>());
    List<CheckpointInfo> infos = new ArrayList<>();
    for (long id : checkpointIds()) {
      Path dir = checkpointDir(id);
      Fingerprint fingerprint;
      try {
        fingerprint = Fingerprint.of(dir);
      } catch (NoSuchFileException e) {
        continue; // deleted by retention since the listing
      } catch (IOException e) {
        infos.add(new CheckpointInfo(id, Instant.EPOCH, 0, false, false,
            Optional.of("cannot list directory: " + e)));
        continue;
      }
      CachedVerification cached = verified.get(id);
      CheckpointVerifier.Result result = cached != null && cached.fingerprint().equals(fingerprint)
          ? cached.result() : verifyAndRemember(id, dir);
      if (!result.valid() && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Instant createdAt = result.manifest().map(Manifest::createdAt).orElse(fingerprint.modified());
      boolean latest = pointer.isPresent() && pointer.getAsLong() == id;
      infos.add(new CheckpointInfo(id, createdAt, fingerprint.bytes(), result.valid(), latest,
          result.problem()));
    }
    return infos;
  }

  /** Releases the directory lock; an unfinished writer is aborted first. */
  @Override
  public void close() throws CheckpointException {
    CheckpointWriter writer;
    synchronized (this) {
      if (closed) {
        return;
      }
      writer = activeWriter;
    }
    if (writer != null) {
      writer.abort();
    }
    synchronized (this) {
      closed = true;
    }
    try {
      lock.release();
    } catch (IOException e) {
      throw new CheckpointException("cannot release lock on", root.resolve(LOCK), e);
    } finally {
      closeLockChannel();
    }
  }

  @Override
  public String toString() {
    return "CheckpointStore(" + root + ", retain " + retain + ")";
  }

  /**
   * Second half of a commit, after the manifest is durable in {@code tempDir}: rename, fsync the
   * parent, move the pointer, apply retention. Returns the final directory.
   */
  Path publish(long id, Path tempDir) throws CheckpointException {
    Path finalDir = checkpointDir(id);
    if (Files.exists(finalDir, LinkOption.NOFOLLOW_LINKS)) {
      throw new CheckpointException("checkpoint directory already exists:", finalDir);
    }
    try {
      Files.move(tempDir, finalDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CheckpointException("cannot rename " + tempDir + " to", finalDir, e);
    }
    Durable.syncDirectory(root);
    Durable.replaceAtomically(root.resolve(LATEST),
        (id + "\n").getBytes(StandardCharsets.US_ASCII), TMP_PREFIX + LATEST + "-");
    rememberValid(id, finalDir);
    removeBeyondRetention();
    return finalDir;
  }

  synchronized void writerFinished(CheckpointWriter writer) {
    if (activeWriter == writer) {
      activeWriter = null;
    }
  }

  static String directoryName(long id) {
    return String.format("%020d", id);
  }

  private Path checkpointDir(long id) {
    return root.resolve(directoryName(id));
  }

  /** Ids of all checkpoint directories (valid or not), newest first. */
  private List<Long> checkpointIds() throws CheckpointException {
    List<Long> ids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (ID_NAME.matcher(name).matches()) {
          try {
            ids.add(Long.parseLong(name));
          } catch (NumberFormatException e) {
            LOG.warn("Ignoring {}: its name is beyond the largest checkpoint id", entry);
          }
        }
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot list checkpoint directory", root, e);
    }
    ids.sort(Comparator.reverseOrder());
    return ids;
  }

  /** The id in the {@code latest} pointer, or empty (with a problem) if missing or garbage. */
  private OptionalLong readPointer(List<CheckpointProblem> problems) {
    Path path = root.resolve(LATEST);
    String text;
    try {
      long size = Files.size(path);
      if (size > MAX_POINTER_BYTES) {
        problems.add(CheckpointProblem.ofPointer(path,
            "is " + size + " bytes long; expected a checkpoint id"));
        return OptionalLong.empty();
      }
      text = new String(Files.readAllBytes(path), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      problems.add(CheckpointProblem.ofPointer(path, "cannot be read: " + e));
      return OptionalLong.empty();
    }
    if (ID_NAME.matcher(text).matches()) {
      try {
        return OptionalLong.of(Long.parseLong(text));
      } catch (NumberFormatException e) {
        // digits beyond Long.MAX_VALUE: report as garbage below.
      }
    }
    problems.add(CheckpointProblem.ofPointer(path,
        "does not hold a checkpoint id but '" + printable(text) + "'"));
    return OptionalLong.empty();
  }

  private CheckpointVerifier.Result verifyAndRemember(long id, Path dir) {
    Optional<Fingerprint> before = fingerprintIfPresent(dir);
    CheckpointVerifier.Result result = CheckpointVerifier.verify(dir, id);
    before.ifPresent(f -> verified.put(id, new CachedVerification(f, result)));
    return result;
  }

  /** The writer hashed every byte it wrote, so a just-published checkpoint needs no re-read. */
  private void rememberValid(long id, Path dir) {
    fingerprintIfPresent(dir).ifPresent(f -> {
      try {
        Manifest manifest = Manifest.parse(Files.readAllBytes(dir.resolve(CheckpointNames.MANIFEST)));
        verified.put(id, new CachedVerification(f,
            new CheckpointVerifier.Result(Optional.of(manifest), Optional.empty())));
      } catch (IOException | Manifest.InvalidManifestException e) {
        verified.remove(id); // list() will verify from scratch and report the problem
      }
    });
  }

  private void removeBeyondRetention() {
    List<Long> ids;
    try {
      ids = checkpointIds();
    } catch (CheckpointException e) {
      LOG.warn("Cannot apply checkpoint retention: {}", e.getMessage());
      return;
    }
    for (int i = ids.size() - 1; i >= retain; i--) {
      deleteCheckpoint(ids.get(i)); // oldest first
    }
  }

  /** Renames first so a crash mid-delete leaves a temporary entry, not a half-deleted checkpoint. */
  private void deleteCheckpoint(long id) {
    Path dir = checkpointDir(id);
    try {
      Path doomed = Files.createTempDirectory(root, TMP_PREFIX + "deleting-" + id + "-");
      Path target = doomed.resolve(dir.getFileName());
      Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
      verified.remove(id);
      Durable.deleteRecursively(doomed);
      LOG.debug("Deleted checkpoint {} beyond retention of {}", id, retain);
    } catch (IOException e) {
      LOG.warn("Cannot delete old checkpoint {} at {}: {}; retrying after the next checkpoint",
          id, dir, e.toString());
    }
  }

  private void removeTemporaries() throws CheckpointException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, TMP_PREFIX + "*")) {
      for (Path entry : entries) {
        LOG.warn("Removing {}, left by a checkpoint write or delete that did not finish", entry);
        Durable.deleteRecursively(entry);
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot remove temporary entries from", root, e);
    }
  }

  private void requireNotClosed() {
    if (closed) {
      throw new IllegalStateException("checkpoint store " + root + " is closed");
    }
  }

  private void closeLockChannel() {
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("Closing {} failed: {}", root.resolve(LOCK), e.toString());
    }
  }

  private static Optional<Fingerprint> fingerprintIfPresent(Path dir) {
    try {
      return Optional.of(Fingerprint.of(dir));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String printable(String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  /**
   * Names, sizes and modification times of a checkpoint directory's files: if none changed, an
   * earlier verification still holds.
   */
  private record Fingerprint(String files, long bytes, Instant modified) {
    static Fingerprint of(Path dir) throws IOException {
      StringBuilder key = new StringBuilder();
      long bytes = 0;
      Instant modified = Files.getLastModifiedTime(dir).toInstant();
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path file : entries.sorted().toList()) {
          BasicFileAttributes attributes = Files.readAttributes(
              file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          key.append(file.getFileName()).append(':').append(attributes.size()).append(':')
              .append(attributes.lastModifiedTime().toMillis()).append('/')
              .append(attributes.lastModifiedTime().toInstant().getNano()).append(';');
          bytes += attributes.isRegularFile() ? attributes.size() : 0;
        }
      }
      return new Fingerprint(key.toString(), bytes, modified);
    }
  }

  private record CachedVerification(Fingerprint fingerprint, CheckpointVerifier.Result result) {
  }
}
