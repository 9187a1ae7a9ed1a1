package io.laminar.mysql;

import io.debezium.config.Configuration;
import io.debezium.document.Document;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Debezium's schema history (the DDL it has seen, which it replays to decode binlog rows of the
 * right shape), kept in memory in a {@link Records} the source owns and writes into every checkpoint
 * next to the offsets: a restored checkpoint is self-contained, and Debezium writes no file or topic
 * of its own. The engine creates this class by name, so the source registers its records under a
 * key it also puts into the engine's configuration ({@link #SEED_KEY}).
 */
public final class CheckpointSchemaHistory extends AbstractSchemaHistory {
  /** The engine property naming the records to use. */
  static final String SEED_KEY = "schema.history.internal.laminar.seed";

  private static final Map<String, Records> REGISTRY = new ConcurrentHashMap<>();

  private Records records;

  /**
   * The history of one source: history records as JSON documents, in the order Debezium stored
   * them. A record seen again after a restart (same binlog position, same statement) is kept once.
   */
  static final class Records {
    private final List<String> documents = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Records(List<String> restored) {
      for (String d : restored) {
        add(d);
      }
    }

    synchronized boolean add(String document) {
      if (!seen.add(identity(document))) {
        return false;
      }
      documents.add(document);
      return true;
    }

    synchronized List<String> snapshot() {
      return List.copyOf(documents);
    }

    synchronized boolean isEmpty() {
      return documents.isEmpty();
    }

    private static String identity(String document) {
      try {
        Document d = DocumentReader.defaultReader().read(document);
        Document position = d.getDocument("position");
        return (position == null ? "" : DocumentWriter.defaultWriter().write(position)) + "\n" + d.getString("ddl");
      } catch (IOException e) {
        return document;
      }
    }
  }

  static void register(String key, Records records) {
    REGISTRY.put(key, records);
  }

  static void forget(String key) {
    REGISTRY.remove(key);
  }

  @Override
  public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
      boolean useCatalogBeforeSchema) {
    super.configure(config, comparator, listener, useCatalogBeforeSchema);
    String key = config.getString(SEED_KEY);
    if (key == null) {
      key = config.getString(SEED_KEY.substring("schema.history.internal.".length()));
    }
    records = key == null ? null : REGISTRY.get(key);
    if (records == null) {
      throw new SchemaHistoryException("no laminar schema history registered under '" + key + "'");
    }
  }

  @Override
  protected void storeRecord(HistoryRecord record) throws SchemaHistoryException {
    try {
      records.add(DocumentWriter.defaultWriter().write(record.document()));
    } catch (IOException e) {
      throw new SchemaHistoryException("cannot serialise a schema history record: " + e.getMessage(), e);
    }
  }

  @Override
  protected void recoverRecords(Consumer<HistoryRecord> consumer) {
    for (String document : records.snapshot()) {
      try {
        consumer.accept(new HistoryRecord(DocumentReader.defaultReader().read(document)));
      } catch (IOException e) {
        throw new SchemaHistoryException("corrupt schema history record in the checkpoint: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public boolean exists() {
    return !records.isEmpty();
  }

  @Override
  public boolean storageExists() {
    return true;
  }

  @Override
  public String toString() {
    return "laminar checkpoint schema history";
  }
}
