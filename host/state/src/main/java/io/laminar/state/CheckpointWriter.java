package io.laminar.state;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one checkpoint: state files go into a temporary directory, each hashed while it is written
 * and fsynced when closed; {@link #commit(Map)} then writes the manifest and publishes the
 * checkpoint atomically. Obtained from {@link CheckpointStore#begin(long)}.
 *
 * <p>Not thread-safe: one thread drives a writer. Closing a writer that was not committed aborts
 * it, so try-with-resources never leaves a temporary directory behind.
 */
public final class CheckpointWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
  /** Large enough to amortise system calls, small enough for the JDK's cached direct buffer. */
  private static final int WRITE_BUFFER = 1 << 20;
  /**
   * A state file's buffer starts this small and doubles up to {@link #WRITE_BUFFER} as the file
   * grows: most state files (a stateless pipeline's, at every checkpoint) are a few hundred bytes, and
   * a fresh 1 MiB array per file is zeroed (and its pages touched) for nothing.
   */
  private static final int FIRST_BUFFER = 16 << 10;

  private enum State { OPEN, COMMITTED, ABORTED }

  private final CheckpointStore store;
  private final long id;
  private final Path tempDir;
  private final long startNanos = System.nanoTime();
  private final Map<String, CheckpointFile> files = new LinkedHashMap<>();
  private final Map<String, StateFileStream> openStreams = new LinkedHashMap<>();
  private final List<String> failedFiles = new ArrayList<>();
  /** Closed files whose fsync waits for {@link #commit} ({@link #deferFileSync}), channels still open. */
  private final List<StateFileStream> unsynced = new ArrayList<>();
  private boolean deferSync;
  private State state = State.OPEN;

  CheckpointWriter(CheckpointStore store, long id, Path tempDir) {
    this.store = store;
    this.id = id;
    this.tempDir = tempDir;
  }

  /** The id this checkpoint will have. */
  public long checkpointId() {
    return id;
  }

  /**
   * Files closed from now on are fsynced by {@link #commit} (before the manifest) instead of when
   * closed: a caller that must fill the checkpoint while its own threads are stopped can let them go
   * before the data reaches the disk. Durability is the same, since nothing is published before
   * every file is fsynced; each file's channel stays open until then, so a write-back error is
   * reported to this writer.
   */
  public void deferFileSync() {
    requireOpen("defer the fsync of");
    deferSync = true;
  }

  /** Writes a whole state file from memory. */
  public void put(String name, byte[] data) throws CheckpointException {
    Objects.requireNonNull(data, "data");
    try (StateFileStream out = openStream(name)) {
      out.write(data, 0, data.length);
    }
  }

  /**
   * Starts a state file to be streamed; it is complete (fsynced and recorded) when the stream is
   * closed, and every stream must be closed before {@link #commit(Map)}. Memory use does not grow
   * with the file's size. The stream throws {@link CheckpointException} on I/O errors, after which
   * this checkpoint can only be aborted.
   */
  public OutputStream open(String name) throws CheckpointException {
    return openStream(name);
  }

  /**
   * Makes the checkpoint durable and the latest one: writes and fsyncs {@code manifest.json},
   * fsyncs the directory, renames it atomically to its final name, fsyncs the parent, rewrites the
   * {@code latest} pointer atomically, then deletes checkpoints beyond the store's retention.
   * On failure the checkpoint is aborted and the previous latest stays in effect.
   *
   * @param metadata the engine's key/value pairs to record in the manifest
   */
  public CompletedCheckpoint commit(Map<String, String> metadata) throws CheckpointException {
    requireOpen("commit");
    if (!openStreams.isEmpty()) {
      throw new IllegalStateException("cannot commit checkpoint " + id + ": state files "
          + openStreams.keySet() + " are still open; close their streams first");
    }
    if (!failedFiles.isEmpty()) {
      throw new IllegalStateException("cannot commit checkpoint " + id + ": writing state files "
          + failedFiles + " failed; abort it");
    }
    Objects.requireNonNull(metadata, "metadata");
    metadata.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("checkpoint metadata must not contain null keys or values");
      }
    });
    long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    long bytes = files.values().stream().mapToLong(CheckpointFile::size).sum();
    Manifest manifest = new Manifest(id, Instant.now(), store.configHash(),
        List.copyOf(files.values()), metadata, writeMillis, bytes);
    long commitStart = System.nanoTime();
    try {
      syncDeferred();
      Durable.writeNewFile(tempDir.resolve(CheckpointNames.MANIFEST), manifest.toJson());
      Durable.syncDirectory(tempDir);
      Path finalDir = store.publish(id, tempDir);
      state = State.COMMITTED;
      long commitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - commitStart);
      LOG.debug("Committed checkpoint {}: {} files, {} bytes, write {} ms, commit {} ms", id,
          files.size(), bytes, writeMillis, commitMillis);
      return new CompletedCheckpoint(id, finalDir, manifest.createdAt(), manifest.configHash(),
          manifest.metadata(), manifest.files(), bytes, writeMillis, commitMillis);
    } finally {
      if (state == State.COMMITTED) {
        store.writerFinished(this);
      } else {
        abort();
      }
    }
  }

  /**
   * Discards the checkpoint: closes open streams and deletes the temporary directory. Does nothing
   * after a commit or an earlier abort. A directory that cannot be deleted is logged and removed
   * the next time a store is opened on this directory.
   */
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    for (StateFileStream stream : List.copyOf(openStreams.values())) {
      stream.closeQuietly();
    }
    openStreams.clear();
    unsynced.forEach(StateFileStream::closeQuietly);
    unsynced.clear();
    try {
      Durable.deleteRecursively(tempDir);
    } catch (IOException e) {
      LOG.warn("Cannot delete {} of aborted checkpoint {}: {}", tempDir, id, e.toString());
    }
    store.writerFinished(this);
  }

  /** Aborts the checkpoint unless it was committed. */
  @Override
  public void close() {
    abort();
  }

  /** Fsyncs the files {@link #deferFileSync} left unsynced, then closes their channels. */
  private void syncDeferred() throws CheckpointException {
    for (StateFileStream stream : List.copyOf(unsynced)) {
      try {
        stream.channel.force(true);
      } catch (IOException e) {
        throw new CheckpointException("cannot fsync state file", stream.path, e);
      }
      stream.closeQuietly();
      unsynced.remove(stream);
    }
  }

  private StateFileStream openStream(String name) throws CheckpointException {
    requireOpen("write state file '" + name + "' to");
    CheckpointNames.requireValid(name);
    if (files.containsKey(name) || openStreams.containsKey(name) || failedFiles.contains(name)) {
      throw new IllegalArgumentException(
          "state file '" + name + "' was already written to checkpoint " + id);
    }
    Path path = tempDir.resolve(name);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new CheckpointException("cannot create state file", path, e);
    }
    StateFileStream stream = new StateFileStream(name, path, channel);
    openStreams.put(name, stream);
    return stream;
  }

  private void requireOpen(String action) {
    if (state != State.OPEN) {
      throw new IllegalStateException("cannot " + action + " checkpoint " + id + ": it was already "
          + (state == State.COMMITTED ? "committed" : "aborted"));
    }
  }

  /** Hashes while writing so commit never re-reads the data. */
  private final class StateFileStream extends OutputStream {
    private final String name;
    private final Path path;
    private final FileChannel channel;
    private final MessageDigest digest = Durable.sha256();
    private ByteBuffer buffer = ByteBuffer.allocate(FIRST_BUFFER);
    private long size;
    private boolean closed;

    StateFileStream(String name, Path path, FileChannel channel) {
      this.name = name;
      this.path = path;
      this.channel = channel;
    }

    @Override
    public void write(int b) throws CheckpointException {
      requireWritable();
      if (!buffer.hasRemaining()) {
        makeRoom();
      }
      buffer.put((byte) b);
      digest.update((byte) b);
      size++;
    }

    @Override
    public void write(byte[] data, int offset, int length) throws CheckpointException {
      Objects.checkFromIndexSize(offset, length, data.length);
      requireWritable();
      digest.update(data, offset, length);
      int end = offset + length;
      for (int at = offset; at < end; ) {
        if (!buffer.hasRemaining()) {
          makeRoom();
        }
        int n = Math.min(buffer.remaining(), end - at);
        buffer.put(data, at, n);
        at += n;
      }
      size += length;
    }

    @Override
    public void flush() throws CheckpointException {
      requireWritable();
      drain();
    }

    /** Completes the file: writes what is buffered, fsyncs, and records it for the manifest. */
    @Override
    public void close() throws CheckpointException {
      if (closed) {
        return;
      }
      drain();
      if (deferSync) {
        closed = true; // the channel stays open for the fsync in commit()
        unsynced.add(this);
      } else {
        try {
          channel.force(true);
        } catch (IOException e) {
          fail();
          throw new CheckpointException("cannot fsync state file", path, e);
        }
        closeQuietly();
      }
      openStreams.remove(name);
      files.put(name, new CheckpointFile(name, name, size, Durable.hex(digest.digest())));
    }

    /** The buffer is full: doubles it while it is below {@link #WRITE_BUFFER}, else writes it out. */
    private void makeRoom() throws CheckpointException {
      if (buffer.capacity() < WRITE_BUFFER) {
        ByteBuffer larger = ByteBuffer.allocate(Math.min(WRITE_BUFFER, buffer.capacity() * 2));
        larger.put(buffer.flip());
        buffer = larger;
      } else {
        drain();
      }
    }

    private void drain() throws CheckpointException {
      buffer.flip();
      try {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      } catch (IOException e) {
        fail();
        throw new CheckpointException("cannot write state file", path, e);
      } finally {
        buffer.clear();
      }
    }

    private void requireWritable() throws CheckpointException {
      if (closed) {
        throw new CheckpointException("state file '" + name + "' is already closed:", path);
      }
    }

    private void fail() {
      openStreams.remove(name);
      failedFiles.add(name);
      closeQuietly();
    }

    void closeQuietly() {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing {} failed: {}", path, e.toString());
      }
    }
  }
}
