package com.example.laminar;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.pf4j.Extension;

/**
 * Sink {@code csv_dir}: exactly-once CSV files, one per checkpoint epoch. Rows are buffered;
 * {@code prepareCommit(E)} writes and fsyncs {@code .part-E.csv.prepared}; {@code commit(E)}
 * renames it to {@code part-E.csv} (a second commit finds nothing to do); {@code abort(E)} deletes
 * it. {@code open(last)} commits what a crash left prepared up to {@code last} and deletes newer
 * prepared epochs, whose rows the server replays.
 */
@Extension
public final class CsvDirSinkFactory implements SinkFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("csv_dir", ConnectorKind.SINK)
        .description("One CSV file per checkpoint, exactly once (a template sink)")
        .property(PropertySpec.builder("dir", PropertyType.PATH).required()
            .doc("The directory the part-<epoch>.csv files go to").build())
        .build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    return new CsvDirSink(Path.of(context.properties().string("dir").orElseThrow()));
  }

  /** One instance: its workers call write one at a time; the checkpoint thread calls prepare/commit/abort. */
  static final class CsvDirSink implements Sink {
    private final Path dir;
    private final List<String> rows = new ArrayList<>();

    CsvDirSink(Path dir) {
      this.dir = dir;
    }

    @Override
    public DeliveryGuarantee maxGuarantee() {
      return DeliveryGuarantee.EXACTLY_ONCE;
    }

    @Override
    public void open(long lastCommittedEpoch) throws ConnectorException {
      try {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            String name = f.getFileName().toString();
            if (name.startsWith(".part-") && name.endsWith(".csv.prepared")) {
              long epoch = Long.parseLong(name.substring(".part-".length(), name.length() - ".csv.prepared".length()));
              if (epoch <= lastCommittedEpoch) {
                commit(epoch);
              } else {
                Files.delete(f);
              }
            }
          }
        }
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot recover " + dir, e);
      }
    }

    @Override
    public synchronized void write(Batch batch) {
      List<FieldVector> columns = batch.data().getFieldVectors();
      for (int r = 0; r < batch.rowCount(); r++) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
          if (c > 0) {
            line.append(',');
          }
          Object value = columns.get(c).getObject(r);
          line.append(value == null ? "" : value);
        }
        rows.add(line.toString());
      }
    }

    private Path prepared(long epoch) {
      return dir.resolve(".part-" + epoch + ".csv.prepared");
    }

    @Override
    public synchronized void prepareCommit(long epoch) throws ConnectorException {
      Path file = prepared(epoch);
      try {
        Files.write(file, rows, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        rows.clear();
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot prepare epoch " + epoch + " in " + dir, e);
      }
    }

    @Override
    public void commit(long epoch) throws ConnectorException {
      Path file = prepared(epoch);
      try {
        if (Files.exists(file)) {
          Files.move(file, dir.resolve("part-" + epoch + ".csv"), StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot commit epoch " + epoch + " in " + dir, e);
      }
    }

    @Override
    public void abort(long epoch) throws ConnectorException {
      try {
        Files.deleteIfExists(prepared(epoch));
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot abort epoch " + epoch + " in " + dir, e);
      }
    }

    @Override
    public void close() {
      // rows not prepared are dropped: the server replays them from the last checkpoint
    }
  }
}
