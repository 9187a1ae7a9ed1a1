package io.laminar.connectors.builtin;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The one writer of a process's standard output. Sinks format their rows into buffers of whole lines
 * and hand each buffer over in one call; the writer writes it under one lock, so lines of different
 * sinks and workers never interleave inside a line, and a buffer of many lines costs one system call.
 */
final class StdoutWriter {
  /** Standard output of this process: every {@code stdout} sink shares it. */
  static final StdoutWriter PROCESS = new StdoutWriter(new FileOutputStream(FileDescriptor.out));

  private final OutputStream target;

  StdoutWriter(OutputStream target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  /** Writes {@code bytes[0..length)}, which must end with a line break, as one unit. */
  synchronized void writeLines(byte[] bytes, int length) throws IOException {
    if (length == 0) {
      return;
    }
    if (bytes[length - 1] != '\n') {
      throw new IllegalArgumentException("a stdout chunk must end with a whole line");
    }
    target.write(bytes, 0, length);
    target.flush();
  }
}
