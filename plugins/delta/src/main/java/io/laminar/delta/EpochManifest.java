package io.laminar.delta;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of one prepared epoch, written (atomically, fsynced) at {@code prepareCommit} into
 * {@code <table>/_laminar/<writer>/<txn version>.json}. It is what a restart needs to finish a commit
 * the crash interrupted (the checkpoint is durable, the Delta commit is not) or to remove the files of
 * an epoch the checkpoint never covered. Delta readers ignore directories starting with '_'.
 *
 * @param version the txn version this epoch commits with
 * @param epoch laminar's epoch
 * @param files the data files, staged until the commit moves them into the table
 */
record EpochManifest(long version, long epoch, List<File> files) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("([0-9]{1,19})\\.json");

  /**
   * One data file.
   *
   * @param staged the local path it was written to
   * @param target the local path it is moved to at commit (under its partition directory)
   * @param path the Kernel path string of the target (what the AddFile action names)
   * @param size bytes
   * @param modificationTime epoch ms
   * @param rows rows in the file
   * @param stats Kernel's statistics JSON, or null
   * @param partition partition column → value as written in the manifest (null for a null value)
   */
  record File(String staged, String target, String path, long size, long modificationTime, long rows, String stats,
      Map<String, String> partition) {
  }

  Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(version + ".json");
    Path tmp = dir.resolve("." + version + ".json.tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  static EpochManifest read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), EpochManifest.class);
  }

  /** Every manifest in {@code dir}, oldest version first. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      files.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).forEach(out::add);
    }
    out.sort((a, b) -> Long.compare(version(a), version(b)));
    return out;
  }

  static long version(Path manifest) {
    Matcher m = NAME.matcher(manifest.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
