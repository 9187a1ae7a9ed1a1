package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepared-transaction record on disk, and the reflective access it depends on (no broker). */
class PreparedTransactionTest {
  @TempDir
  Path dir;

  private static final PreparedTransaction RECORD = new PreparedTransaction(42, "laminar-srv-out:1 = x\\y",
      new TransactionResumer.ProducerState(1234L, (short) 7, true));

  @Test
  void aWrittenRecordReadsBackUnchanged() throws Exception {
    RECORD.write(dir);

    assertEquals(Optional.of(RECORD), PreparedTransaction.read(dir));
  }

  @Test
  void aNewRecordReplacesTheOldOneAndLeavesNoTemporaryFile() throws Exception {
    RECORD.write(dir);
    PreparedTransaction next = new PreparedTransaction(43, "t", new TransactionResumer.ProducerState(1, (short) 8,
        false));
    next.write(dir);

    assertEquals(Optional.of(next), PreparedTransaction.read(dir));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void noRecordReadsAsEmpty() throws Exception {
    assertEquals(Optional.empty(), PreparedTransaction.read(dir));
  }

  @Test
  void deleteRemovesTheRecordAndToleratesNone() throws Exception {
    RECORD.write(dir);
    PreparedTransaction.delete(dir);
    PreparedTransaction.delete(dir);

    assertEquals(Optional.empty(), PreparedTransaction.read(dir));
  }

  @Test
  void aDamagedRecordIsReportedWithItsPath() throws Exception {
    Files.writeString(dir.resolve(PreparedTransaction.FILE), "checkpoint.epoch=x\n");

    ConnectorException e = assertThrows(ConnectorException.class, () -> PreparedTransaction.read(dir));

    assertTrue(e.getMessage().contains(dir.resolve(PreparedTransaction.FILE) + " is damaged"), e.getMessage());
  }

  @Test
  void theBundledClientHasTheInternalsThatResumingNeeds() throws Exception {
    assertTrue(TransactionResumer.forClient() != null);
  }

  @Test
  void aProducerWithoutTransactionsHasNoProducerIdYet() throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(java.util.Map.of("bootstrap.servers", "localhost:1",
        "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class,
        "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class,
        "transactional.id", "t"))) {
      TransactionResumer.ProducerState s = TransactionResumer.forClient().capture(p);

      assertEquals(-1L, s.producerId());
      assertEquals((short) -1, s.epoch());
    }
  }
}
