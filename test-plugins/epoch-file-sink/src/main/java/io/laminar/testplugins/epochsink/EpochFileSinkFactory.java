package io.laminar.testplugins.epochsink;

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
 * An exactly-once sink for crash tests. Rows of the epoch in progress go to {@code pending-E};
 * {@code prepareCommit(E)} fsyncs and renames it to {@code prepared-E}; {@code commit(E)} renames that
 * to {@code committed-E}. On open, prepared epochs up to the last committed checkpoint are committed
 * and anything newer is discarded — so the committed files hold every row exactly once.
 */
@Extension
public final class EpochFileSinkFactory implements SinkFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("epoch_file", ConnectorKind.SINK)
        .description("Writes one committed file per checkpoint epoch (crash tests)")
        .property(PropertySpec.requiredString("dir", "Directory for the epoch files"))
        .property(PropertySpec.builder("hang_on_prepare", PropertyType.BOOLEAN).defaultValue("false")
            .doc("Block forever in prepareCommit (shutdown-timeout tests)").build())
        .property(PropertySpec.builder("hang_on_close", PropertyType.BOOLEAN).defaultValue("false")
            .doc("Block forever in close() (shutdown-timeout tests). Every close() appends a line to <dir>/closes")
            .build())
        .property(PropertySpec.builder("fail_prepare_at", PropertyType.INT).defaultValue("0")
            .doc("The prepareCommit call (counted over every instance of this dir in the process) that fails "
                + "once with a connection failure; 0 = never (restart tests)").build())
        .property(PropertySpec.builder("check_millis", PropertyType.INT).defaultValue("0")
            .doc("The connectivity check creates <dir>/check-started, then blocks this long; an interrupt ends "
                + "it with a failure (tests of a signal during start-up)").build())
        .property(PropertySpec.builder("open_gate", PropertyType.STRING)
            .doc("open() creates <dir>/open-started, then waits until this file exists (tests of a signal "
                + "while the engine starts)").build())
        .build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    return new EpochFileSink(Path.of(context.properties().requireString("dir")),
        context.properties().bool("hang_on_prepare").orElse(false),
        context.properties().bool("hang_on_close").orElse(false),
        context.properties().integer("fail_prepare_at").orElse(0),
        context.properties().integer("check_millis").orElse(0),
        context.properties().string("open_gate").map(Path::of).orElse(null));
  }

  /** prepareCommit calls per sink directory, over every instance (a restart creates a new one). */
  private static final java.util.Map<Path, java.util.concurrent.atomic.AtomicLong> PREPARES =
      new java.util.concurrent.ConcurrentHashMap<>();

  static final class EpochFileSink implements Sink {
    private final Path dir;
    private final boolean hangOnPrepare;
    private final boolean hangOnClose;
    private final long failPrepareAt;
    private final long checkMillis;
    private final Path openGate;
    private final List<String> buffer = new ArrayList<>();

    EpochFileSink(Path dir, boolean hangOnPrepare, boolean hangOnClose, long failPrepareAt, long checkMillis,
        Path openGate) {
      this.dir = dir;
      this.hangOnPrepare = hangOnPrepare;
      this.hangOnClose = hangOnClose;
      this.failPrepareAt = failPrepareAt;
      this.checkMillis = checkMillis;
      this.openGate = openGate;
    }

    /** A slow connectivity check that the test can see has begun (a broker that answers late). */
    @Override
    public void check() throws ConnectorException {
      if (checkMillis <= 0) {
        return;
      }
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("check-started"), "");
        Thread.sleep(checkMillis);
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot write " + dir.resolve("check-started"), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.connectionFailed("epoch-file-store:1", new IOException("check interrupted"));
      }
    }

    @Override
    public DeliveryGuarantee maxGuarantee() {
      return DeliveryGuarantee.EXACTLY_ONCE;
    }

    @Override
    public void open(long lastCommittedEpoch) throws ConnectorException {
      try {
        Files.createDirectories(dir);
        if (openGate != null) {
          awaitGate();
        }
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            String n = f.getFileName().toString();
            if (n.startsWith("prepared-") && epochOf(n) <= lastCommittedEpoch) {
              Files.move(f, dir.resolve("committed-" + epochOf(n)), StandardCopyOption.ATOMIC_MOVE);
            } else if (n.startsWith("pending-") || n.startsWith("prepared-")) {
              Files.delete(f);
            }
          }
        }
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot recover epoch files in " + dir, e);
      }
    }

    /** Blocks open() until the test creates the gate file, so it can signal while the engine starts. */
    private void awaitGate() throws IOException, ConnectorException {
      Files.writeString(dir.resolve("open-started"), "");
      while (!Files.exists(openGate)) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw ConnectorException.runtime("open interrupted", e);
        }
      }
    }

    private static long epochOf(String name) {
      return Long.parseLong(name.substring(name.indexOf('-') + 1));
    }

    @Override
    public void write(Batch batch) {
      for (int r = 0; r < batch.rowCount(); r++) {
        StringBuilder sb = new StringBuilder();
        for (FieldVector v : batch.data().getFieldVectors()) {
          if (sb.length() > 0) {
            sb.append(',');
          }
          sb.append(v.getObject(r));
        }
        buffer.add(sb.toString());
      }
    }

    @Override
    public void prepareCommit(long e) throws ConnectorException {
      long call = PREPARES.computeIfAbsent(dir, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
      if (call == failPrepareAt) {
        throw ConnectorException.connectionFailed("epoch-file-store:1", new java.io.IOException("injected: connection reset"));
      }
      while (hangOnPrepare) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException ex) {
          // a hung sink ignores interrupts too: that is what the test simulates
        }
      }
      Path pending = dir.resolve("pending-" + e);
      try {
        Files.write(pending, buffer, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(pending, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(pending, dir.resolve("prepared-" + e), StandardCopyOption.ATOMIC_MOVE);
        buffer.clear();
      } catch (IOException ex) {
        throw ConnectorException.runtime("cannot prepare epoch " + e, ex);
      }
    }

    @Override
    public void commit(long e) throws ConnectorException {
      Path prepared = dir.resolve("prepared-" + e);
      try {
        if (Files.exists(prepared)) {
          Files.move(prepared, dir.resolve("committed-" + e), StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException ex) {
        throw ConnectorException.runtime("cannot commit epoch " + e, ex);
      }
    }

    @Override
    public void abort(long e) throws ConnectorException {
      try {
        Files.deleteIfExists(dir.resolve("prepared-" + e));
        Files.deleteIfExists(dir.resolve("pending-" + e));
      } catch (IOException ex) {
        throw ConnectorException.runtime("cannot abort epoch " + e, ex);
      }
      buffer.clear();
    }

    @Override
    public void close() {
      buffer.clear();
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("closes"), "close\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (hangOnClose) {
        while (true) {
          try {
            Thread.sleep(60_000); // a hung close ignores interrupts: that is what the test simulates
          } catch (InterruptedException ex) {
            // ignored on purpose
          }
        }
      }
    }
  }
}
