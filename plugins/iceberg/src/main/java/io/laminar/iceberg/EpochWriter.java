package io.laminar.iceberg;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.DeleteGranularity;
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.TypeUtil;

/**
 * The files of one epoch while it is written: Parquet data files per partition (rolled at the
 * target size) and, in upsert mode, equality-delete files by primary key plus position deletes for
 * rows of this same epoch that a later change replaced (Iceberg's {@link BaseTaskWriter} equality
 * delta writer, as Flink's upsert sink uses it: an equality delete only reaches rows of earlier
 * commits).
 */
abstract class EpochWriter {
  protected final Table table;
  protected final Schema schema;
  protected final PartitionSpec spec;
  protected final InternalRecordWrapper wrapper;
  protected final PartitionKey partitionKey;
  private long rows;

  private EpochWriter(Table table) {
    this.table = table;
    this.schema = table.schema();
    this.spec = table.spec();
    this.wrapper = new InternalRecordWrapper(schema.asStruct());
    this.partitionKey = new PartitionKey(spec, schema);
  }

  /** An append-only writer. */
  static EpochWriter append(Table table, Map<String, String> writerProperties, long targetFileSize) {
    return new Append(table, writerProperties, targetFileSize);
  }

  /** An upsert writer keyed by {@code key} (table column names). */
  static EpochWriter upsert(Table table, Map<String, String> writerProperties, long targetFileSize, List<String> key) {
    return new Upsert(table, writerProperties, targetFileSize, key);
  }

  static OutputFileFactory files(Table table) {
    return OutputFileFactory.builderFor(table, 0, 0).operationId(UUID.randomUUID().toString())
        .format(FileFormat.PARQUET).build();
  }

  /** Adds (append) or upserts (upsert) the row. */
  abstract void upsert(Record row) throws IOException;

  /** Removes the row with the key of {@code row} (upsert only). */
  abstract void delete(Record row) throws IOException;

  /** Closes every file and returns them. */
  abstract WriteResult complete() throws IOException;

  /** Closes and deletes every file written. */
  abstract void abort() throws IOException;

  long rows() {
    return rows;
  }

  protected void counted() {
    rows++;
  }

  private static final class Append extends EpochWriter {
    private final FanoutDataWriter<Record> writer;

    Append(Table table, Map<String, String> props, long targetFileSize) {
      super(table);
      GenericFileWriterFactory factory = new GenericFileWriterFactory.Builder(table)
          .dataFileFormat(FileFormat.PARQUET).writerProperties(props).build();
      this.writer = new FanoutDataWriter<>(factory, files(table), table.io(), targetFileSize);
    }

    @Override
    void upsert(Record row) {
      if (spec.isUnpartitioned()) {
        writer.write(row, spec, null);
      } else {
        partitionKey.partition(wrapper.wrap(row));
        writer.write(row, spec, partitionKey);
      }
      counted();
    }

    @Override
    void delete(Record row) {
      throw new IllegalStateException("an append writer takes no deletes");
    }

    @Override
    WriteResult complete() throws IOException {
      writer.close();
      DataWriteResult result = writer.result();
      return WriteResult.builder().addDataFiles(result.dataFiles()).build();
    }

    @Override
    void abort() throws IOException {
      writer.close();
      for (var f : writer.result().dataFiles()) {
        table.io().deleteFile(f.location());
      }
    }
  }

  private static final class Upsert extends EpochWriter {
    private final Delta delta;
    private final Schema keySchema;
    private final GenericRecord key;
    private final int[] keyPositions;

    Upsert(Table table, Map<String, String> props, long targetFileSize, List<String> keyColumns) {
      super(table);
      this.keySchema = TypeUtil.select(schema, keyColumns.stream().map(c -> schema.findField(c).fieldId())
          .collect(java.util.stream.Collectors.toSet()));
      int[] ids = keySchema.columns().stream().mapToInt(f -> f.fieldId()).toArray();
      this.keyPositions = keySchema.columns().stream()
          .mapToInt(f -> schema.columns().indexOf(schema.findField(f.fieldId()))).toArray();
      this.key = GenericRecord.create(keySchema);
      GenericFileWriterFactory factory = new GenericFileWriterFactory.Builder(table)
          .dataFileFormat(FileFormat.PARQUET).deleteFileFormat(FileFormat.PARQUET)
          .equalityFieldIds(ids).equalityDeleteRowSchema(keySchema).writerProperties(props).build();
      boolean dv = formatVersion(table) >= 3; // v3 tables take deletion vectors, not position deletes
      this.delta = new Delta(spec, factory, files(table), table, targetFileSize, dv);
    }

    private Record keyOf(Record row) {
      for (int i = 0; i < keyPositions.length; i++) {
        key.set(i, row.get(keyPositions[i]));
      }
      return key;
    }

    @Override
    void upsert(Record row) throws IOException {
      Delta.Partition w = delta.route(row);
      w.deleteKey(keyOf(row));
      w.write(row);
      counted();
    }

    @Override
    void delete(Record row) throws IOException {
      delta.route(row).deleteKey(keyOf(row));
      counted();
    }

    @Override
    WriteResult complete() throws IOException {
      return delta.complete();
    }

    @Override
    void abort() throws IOException {
      delta.abort();
    }

    /** Iceberg's task writer with one equality delta writer per partition. */
    private final class Delta extends BaseTaskWriter<Record> {
      private final Map<StructLike, Partition> partitions = new HashMap<>();
      private Partition unpartitioned;
      private final InternalRecordWrapper keyWrapper = new InternalRecordWrapper(keySchema.asStruct());
      private final boolean dv;

      Delta(PartitionSpec spec, GenericFileWriterFactory factory, OutputFileFactory files, Table table,
          long targetFileSize, boolean dv) {
        super(spec, FileFormat.PARQUET, factory, files, table.io(), targetFileSize, dv);
        this.dv = dv;
      }

      Partition route(Record row) {
        if (spec.isUnpartitioned()) {
          if (unpartitioned == null) {
            unpartitioned = new Partition(null);
          }
          return unpartitioned;
        }
        partitionKey.partition(wrapper.wrap(row));
        Partition w = partitions.get(partitionKey);
        if (w == null) {
          PartitionKey copy = partitionKey.copy();
          w = new Partition(copy);
          partitions.put(copy, w);
        }
        return w;
      }

      @Override
      public void write(Record row) {
        throw new UnsupportedOperationException("rows go through route()");
      }

      @Override
      public void close() throws IOException {
        try {
          if (unpartitioned != null) {
            unpartitioned.close();
            unpartitioned = null;
          }
          for (Partition p : partitions.values()) {
            p.close();
          }
          partitions.clear();
        } finally {
          super.close();
        }
      }

      private final class Partition extends BaseEqualityDeltaWriter {
        Partition(StructLike partition) {
          super(partition, schema, keySchema, DeleteGranularity.PARTITION, dv ? dvFileWriter() : null);
        }

        @Override
        protected StructLike asStructLike(Record data) {
          return wrapper.wrap(data);
        }

        @Override
        protected StructLike asStructLikeKey(Record data) {
          return keyWrapper.wrap(data);
        }
      }
    }
  }

  static int formatVersion(Table table) {
    if (table instanceof org.apache.iceberg.HasTableOperations ops) {
      return ops.operations().current().formatVersion();
    }
    return 2;
  }
}
