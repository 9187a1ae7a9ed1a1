package io.laminar.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code dead_letter.path} file: JSON lines appended by every pipeline (and worker) that names it.
 * Opened at the first dead letter, so a run without bad rows creates nothing. Lines are buffered
 * and written out, and the file fsynced, by {@link #sync()}, which each worker calls when a
 * checkpoint barrier reaches it and when it ends: every dead letter of a row before a checkpoint is
 * on disk before that checkpoint is durable. After a crash, rows replayed since the last
 * checkpoint are dead-lettered again (at least once, as their sinks' output).
 */
final class DeadLetterFile implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 16;
  private final Path path;
  private final StringBuilder pending = new StringBuilder();
  private FileChannel channel;
  private long lines;

  DeadLetterFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Appends one line (without its newline); written out at the latest by the next {@link #sync()}. */
  synchronized void append(String line) {
    pending.append(line).append('\n');
    lines++;
    if (pending.length() >= BUFFER_BYTES) {
      writePending();
    }
  }

  /** Lines appended since this process started. */
  synchronized long lines() {
    return lines;
  }

  /** Writes out what is buffered and forces it to disk. */
  synchronized void sync() {
    if (pending.length() == 0 && channel == null) {
      return;
    }
    writePending();
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync the dead letter file " + path + ": " + e.getMessage(), e);
    }
  }

  private void writePending() {
    try {
      if (channel == null) {
        Path parent = path.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      }
      ByteBuffer bytes = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      pending.setLength(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dead letter file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Syncs and closes; a failure is the caller's to log. */
  @Override
  public synchronized void close() {
    try {
      sync();
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot close the dead letter file " + path + ": " + e.getMessage(), e);
        } finally {
          channel = null;
        }
      }
    }
  }
}
