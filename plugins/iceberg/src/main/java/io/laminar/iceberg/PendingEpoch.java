package io.laminar.iceberg;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.WriteResult;

/**
 * An epoch whose files are written but not yet committed to the table, kept across a crash the way
 * Flink's Iceberg sink keeps them in its checkpoint: the data and delete files are listed in Iceberg
 * manifests next to the table's metadata, and a small descriptor in the sink's data directory names
 * those manifests. {@code prepareCommit(e)} writes it durably before laminar's checkpoint e can
 * complete, so a restart from that checkpoint can still commit the epoch.
 */
record PendingEpoch(long epoch, String runId, List<Part> parts, long rows) {
  private static final int MAGIC = 0x4c494345; // "LICE"
  private static final int VERSION = 1;

  /**
   * The files of one prepared epoch: a data manifest and, for upserts, a delete manifest (either may
   * be null). An epoch whose checkpoint was aborted is carried into the next one as an earlier part,
   * and every part of an epoch is committed in one Iceberg transaction, one snapshot each, in order
   * (so the later part's equality deletes reach the earlier part's rows).
   */
  record Part(ManifestFile dataManifest, ManifestFile deleteManifest, List<String> referencedDataFiles) {
    /** The data files, read back from the manifest. */
    List<DataFile> dataFiles(Table table) throws IOException {
      List<DataFile> files = new ArrayList<>();
      if (dataManifest != null) {
        try (CloseableIterable<DataFile> it = ManifestFiles.read(dataManifest, table.io(), table.specs())) {
          it.forEach(f -> files.add(f.copy()));
        }
      }
      return files;
    }

    /** The delete files, read back from the manifest. */
    List<DeleteFile> deleteFiles(Table table) throws IOException {
      List<DeleteFile> files = new ArrayList<>();
      if (deleteManifest != null) {
        try (CloseableIterable<DeleteFile> it = ManifestFiles.readDeleteManifest(deleteManifest, table.io(),
            table.specs())) {
          it.forEach(f -> files.add(f.copy()));
        }
      }
      return files;
    }
  }

  /** Writes one epoch's manifests into the table's metadata directory and returns the part. */
  static Part write(Table table, String filePrefix, long epoch, WriteResult result) throws IOException {
    int format = EpochWriter.formatVersion(table);
    ManifestFile data = null;
    if (result.dataFiles().length > 0) {
      ManifestWriter<DataFile> w = ManifestFiles.write(format, table.spec(),
          table.io().newOutputFile(manifestPath(table, filePrefix, epoch, "data")), 0L);
      try (w) {
        w.addAll(Arrays.asList(result.dataFiles()));
      }
      data = w.toManifestFile();
    }
    ManifestFile deletes = null;
    if (result.deleteFiles().length > 0) {
      ManifestWriter<DeleteFile> w = ManifestFiles.writeDeleteManifest(format, table.spec(),
          table.io().newOutputFile(manifestPath(table, filePrefix, epoch, "deletes")), 0L);
      try (w) {
        for (DeleteFile f : result.deleteFiles()) {
          w.add(f);
        }
      }
      deletes = w.toManifestFile();
    }
    List<String> referenced = Arrays.stream(result.referencedDataFiles()).map(CharSequence::toString).toList();
    return new Part(data, deletes, referenced);
  }

  private static String manifestPath(Table table, String prefix, long epoch, String kind) {
    String name = prefix + "-" + epoch + "-" + java.util.UUID.randomUUID() + "-" + kind + ".avro";
    if (table instanceof org.apache.iceberg.HasTableOperations ops) {
      return ops.operations().metadataFileLocation(name);
    }
    return table.location() + "/metadata/" + name;
  }

  /** Deletes the temporary manifests (after a commit, or when the epoch is discarded). */
  void deleteManifests(Table table) {
    for (Part p : parts) {
      for (ManifestFile m : new ManifestFile[] {p.dataManifest(), p.deleteManifest()}) {
        if (m != null) {
          table.io().deleteFile(m.path());
        }
      }
    }
  }

  /** Deletes the epoch's data and delete files and its manifests: it will never be committed. */
  void discard(Table table) throws IOException {
    for (Part p : parts) {
      for (DataFile f : p.dataFiles(table)) {
        table.io().deleteFile(f.location());
      }
      for (DeleteFile f : p.deleteFiles(table)) {
        table.io().deleteFile(f.location());
      }
    }
    deleteManifests(table);
  }

  // ---- the descriptor in the sink's data directory ----

  static Path file(Path dir, long epoch) {
    return dir.resolve("pending-" + epoch + ".bin");
  }

  /** Writes the descriptor atomically and durably (temp file, fsync, rename, fsync of the directory). */
  void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(epoch);
      out.writeUTF(runId);
      out.writeLong(rows);
      out.writeInt(parts.size());
      for (Part p : parts) {
        writeManifest(out, p.dataManifest());
        writeManifest(out, p.deleteManifest());
        out.writeInt(p.referencedDataFiles().size());
        for (String f : p.referencedDataFiles()) {
          out.writeUTF(f);
        }
      }
    }
    Path tmp = dir.resolve("pending-" + epoch + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file(dir, epoch), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  private static void writeManifest(DataOutputStream out, ManifestFile m) throws IOException {
    if (m == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = ManifestFiles.encode(m);
    out.writeInt(b.length);
    out.write(b);
  }

  private static ManifestFile readManifest(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new IOException("truncated manifest descriptor");
    }
    return ManifestFiles.decode(b);
  }

  static PendingEpoch load(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException(file + " is not a pending-epoch descriptor of this laminar version");
      }
      long epoch = in.readLong();
      String runId = in.readUTF();
      long rows = in.readLong();
      int count = in.readInt();
      List<Part> parts = new ArrayList<>(count);
      for (int p = 0; p < count; p++) {
        ManifestFile data = readManifest(in);
        ManifestFile deletes = readManifest(in);
        int n = in.readInt();
        List<String> referenced = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          referenced.add(in.readUTF());
        }
        parts.add(new Part(data, deletes, referenced));
      }
      return new PendingEpoch(epoch, runId, parts, rows);
    }
  }

  /** Every saved descriptor in {@code dir}, by epoch (leftover temp files are removed). */
  static TreeMap<Long, Path> list(Path dir) throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith("pending-") && name.endsWith(".tmp")) {
          Files.deleteIfExists(f);
        } else if (name.startsWith("pending-") && name.endsWith(".bin")) {
          out.put(Long.parseLong(name.substring(8, name.length() - 4)), f);
        }
      }
    }
    return out;
  }

  static void remove(Path dir, long epoch) throws IOException {
    Files.deleteIfExists(file(dir, epoch));
    syncDirectory(dir);
  }
}
