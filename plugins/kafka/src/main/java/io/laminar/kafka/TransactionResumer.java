package io.laminar.kafka;

import io.laminar.api.ConnectorException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.internals.TransactionManager;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Reads the producer id and epoch of a transactional {@link KafkaProducer} and, after a restart,
 * puts a fresh producer back into that transaction so that it can commit it.
 *
 * <p>kafka-clients has no public API for this (KIP-939 is not usable here), so this class reaches
 * into {@code TransactionManager} by reflection, as Apache Flink's {@code
 * FlinkKafkaInternalProducer#resumeTransaction} does: it sets {@code producerIdAndEpoch}, walks the
 * state machine {@code INITIALIZING → READY → IN_TRANSACTION} and sets {@code transactionStarted} so
 * that {@code commitTransaction()} really sends its {@code EndTxn}. The partitions need no marking:
 * the coordinator already holds them from the crashed producer's flushed sends. Every member is
 * resolved up front by {@link #forClient()}, so a kafka-clients version with other internals fails
 * there, by name, before any transaction depends on it.
 */
final class TransactionResumer {
  private static final String STATE_ENUM = TransactionManager.class.getName() + "$State";

  /** The identity of an open transaction, as the transaction coordinator knows it. */
  record ProducerState(long producerId, short epoch, boolean transactionV2) {
  }

  private final Field transactionManager;
  private final Field producerIdAndEpoch;
  private final Field producerId;
  private final Field epoch;
  private final Field transactionStarted;
  private final Field transactionV2;
  private final Constructor<?> newProducerIdAndEpoch;
  private final Method transitionTo;
  private final Object initializing;
  private final Object ready;
  private final Object inTransaction;

  private TransactionResumer() throws ReflectiveOperationException {
    transactionManager = field(KafkaProducer.class, "transactionManager");
    producerIdAndEpoch = field(TransactionManager.class, "producerIdAndEpoch");
    Class<?> idAndEpoch = producerIdAndEpoch.getType();
    producerId = field(idAndEpoch, "producerId");
    epoch = field(idAndEpoch, "epoch");
    newProducerIdAndEpoch = idAndEpoch.getDeclaredConstructor(long.class, short.class);
    newProducerIdAndEpoch.setAccessible(true);
    transactionStarted = field(TransactionManager.class, "transactionStarted");
    transactionV2 = field(TransactionManager.class, "isTransactionV2Enabled");
    Class<?> state = Class.forName(STATE_ENUM, false, TransactionManager.class.getClassLoader());
    transitionTo = TransactionManager.class.getDeclaredMethod("transitionTo", state);
    transitionTo.setAccessible(true);
    initializing = constant(state, "INITIALIZING");
    ready = constant(state, "READY");
    inTransaction = constant(state, "IN_TRANSACTION");
  }

  /**
   * Resolves the internals this class needs in the kafka-clients on the classpath.
   *
   * @throws ConnectorException naming the kafka-clients version when they do not match
   */
  static TransactionResumer forClient() throws ConnectorException {
    try {
      return new TransactionResumer();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw incompatible(e);
    }
  }

  /** The producer id, epoch and transaction protocol of {@code producer}'s current transaction. */
  ProducerState capture(KafkaProducer<?, ?> producer) throws ConnectorException {
    try {
      Object tm = transactionManager.get(producer);
      synchronized (tm) {
        Object ids = producerIdAndEpoch.get(tm);
        return new ProducerState(producerId.getLong(ids), epoch.getShort(ids), transactionV2.getBoolean(tm));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw incompatible(e);
    }
  }

  /**
   * Puts a new, never-initialized transactional {@code producer} (same {@code transactional.id})
   * into the open transaction {@code state}; its next {@code commitTransaction()} commits it.
   */
  void resume(KafkaProducer<?, ?> producer, ProducerState state) throws ConnectorException {
    try {
      Object tm = transactionManager.get(producer);
      synchronized (tm) {
        transitionTo.invoke(tm, initializing);
        producerIdAndEpoch.set(tm, newProducerIdAndEpoch.newInstance(state.producerId(), state.epoch()));
        transitionTo.invoke(tm, ready);
        // The EndTxn request version follows the protocol the transaction was opened with.
        transactionV2.setBoolean(tm, state.transactionV2());
        transitionTo.invoke(tm, inTransaction);
        transactionStarted.setBoolean(tm, true);
      }
    } catch (InvocationTargetException e) {
      throw incompatible(e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw incompatible(e);
    }
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  private static Object constant(Class<?> enumType, String name) throws NoSuchFieldException {
    for (Object c : enumType.getEnumConstants()) {
      if (((Enum<?>) c).name().equals(name)) {
        return c;
      }
    }
    throw new NoSuchFieldException(enumType.getName() + "." + name);
  }

  private static ConnectorException incompatible(Throwable cause) {
    return ConnectorException.runtime("kafka sink: exactly_once needs to resume prepared transactions after a"
        + " restart, which relies on internals of kafka-clients 4.3; the bundled kafka-clients "
        + AppInfoParser.getVersion() + " does not have them (" + cause + "); use delivery = at_least_once", cause);
  }
}
