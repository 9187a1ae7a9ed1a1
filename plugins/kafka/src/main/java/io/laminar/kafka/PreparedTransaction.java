package io.laminar.kafka;

import io.laminar.api.ConnectorException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The exactly-once sink's record of the transaction it prepared for a checkpoint epoch, kept in the
 * instance's data directory so that the next run can commit it if that checkpoint became durable.
 * Written with write-to-temp, fsync, atomic rename and a directory fsync, so a crash leaves either
 * the old record or the new one.
 */
record PreparedTransaction(long checkpointEpoch, String transactionalId, TransactionResumer.ProducerState producer) {
  static final String FILE = "prepared-transaction.properties";

  private static final String EPOCH = "checkpoint.epoch";
  private static final String TXN_ID = "transactional.id";
  private static final String PRODUCER_ID = "producer.id";
  private static final String PRODUCER_EPOCH = "producer.epoch";
  private static final String TRANSACTION_V2 = "transaction.v2";

  /** Makes this record durable in {@code dir}, replacing an earlier one. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty(EPOCH, Long.toString(checkpointEpoch));
    p.setProperty(TXN_ID, transactionalId);
    p.setProperty(PRODUCER_ID, Long.toString(producer.producerId()));
    p.setProperty(PRODUCER_EPOCH, Short.toString(producer.epoch()));
    p.setProperty(TRANSACTION_V2, Boolean.toString(producer.transactionV2()));
    StringWriter text = new StringWriter();
    p.store(text, "kafka sink: transaction prepared for a checkpoint epoch, not yet committed");
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  /** The record in {@code dir}, if any. */
  static Optional<PreparedTransaction> read(Path dir) throws ConnectorException {
    Path file = dir.resolve(FILE);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw ConnectorException.runtime("kafka sink cannot read " + file + ": " + e.getMessage(), e);
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
      return Optional.of(new PreparedTransaction(Long.parseLong(required(p, EPOCH)), required(p, TXN_ID),
          new TransactionResumer.ProducerState(Long.parseLong(required(p, PRODUCER_ID)),
              Short.parseShort(required(p, PRODUCER_EPOCH)), Boolean.parseBoolean(required(p, TRANSACTION_V2)))));
    } catch (IOException | IllegalArgumentException e) {
      throw ConnectorException.runtime("kafka sink: " + file + " is damaged (" + e.getMessage() + "); it names the"
          + " transaction of a checkpoint epoch the previous run prepared", e);
    }
  }

  /** Removes the record from {@code dir} (durably); no record is fine. */
  static void delete(Path dir) throws IOException {
    if (Files.deleteIfExists(dir.resolve(FILE))) {
      syncDirectory(dir);
    }
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("no " + key);
    }
    return v;
  }

  private static void syncDirectory(Path dir) throws IOException {
    // Makes the rename or delete itself durable (POSIX).
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
