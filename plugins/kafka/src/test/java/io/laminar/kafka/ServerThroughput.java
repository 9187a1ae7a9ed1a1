package io.laminar.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Throughput harness through the real server (not a test; prints only), run by
 * {@code bench/run-kafka.sh}: one topic of 4 partitions with small JSON trades (~90 bytes, lz4) on
 * the embedded KRaft broker (in this JVM), then side by side in one run:
 *
 * <ol>
 *   <li>a plain kafka-clients consumer reading the whole topic (Kafka's default settings, and
 *       {@link #largeFetches}), records per second — the reference is the faster of the two;</li>
 *   <li>{@code laminar run} in a child JVM: kafka → {@code WHERE price > 50} → blackhole, until its
 *       checkpointed offsets reach the end of every partition;</li>
 *   <li>the same into an exactly-once kafka sink, until its checkpointed offsets reach the end and
 *       no transaction is open on the output (its last stable offset is its end); the harness reads
 *       the output only then, to check that every passing row is there once.</li>
 * </ol>
 *
 * Each laminar figure is given three times: whole process (input records / time from starting the JVM),
 * steady (blackhole: between the first checkpoint that shows progress and the end; exactly-once:
 * the span of the output records' create times) and warm (the second half of the input, past the
 * JIT's warm-up, as the reference is measured). Argument: input records (default 4000000).
 */
public final class ServerThroughput {
  private static final int PARTITIONS = 4;
  /** The exactly-once sink's {@code kafka.compression.type} ({@code -Dbench.sinkCompression}, default lz4 as the input). */
  private static final String SINK_COMPRESSION = System.getProperty("bench.sinkCompression", "lz4");
  /** Extra JVM flags of the next server started ({@code -Dbench.parked=true} compares without early resume). */
  private static List<String> serverFlags = List.of();
  /** The trades' schema, as the server configurations declare it. */
  static final org.apache.arrow.vector.types.pojo.Schema TRADES = Fixtures.schema(Fixtures.col("symbol", Fixtures.VARCHAR),
      Fixtures.col("price", Fixtures.DOUBLE), Fixtures.col("qty", Fixtures.INT), Fixtures.col("ts", Fixtures.TIMESTAMP));

  private ServerThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 4_000_000;
    Path dir = Files.createTempDirectory("laminar-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String in = kafka.createTopic("bench-in", PARTITIONS);
      long passing = produce(kafka, in, records);
      System.out.printf(Locale.ROOT, "input: %,d JSON records in %d partitions, %,d with price > 50; load %s%n",
          records, PARTITIONS, passing, load());
      double[] plainDefaults = plain(kafka, in, records, Map.of());
      double plainDefault = plainDefaults[0];
      double[] plainTunedRun = plain(kafka, in, records, largeFetches());
      double plainTuned = plainTunedRun[0];
      double reference = Math.max(plainDefault, plainTuned);
      double referenceCpu = plainDefault > plainTuned ? plainDefaults[1] : plainTunedRun[1];
      System.out.printf(Locale.ROOT, "plain consumer: %,.0f records/s (Kafka defaults), %,.0f records/s (large"
          + " fetches, read_committed); reference %,.0f; load %s%n", plainDefault, plainTuned, reference, load());
      String before = System.getProperty("bench.kafkaPluginBefore");
      if (before != null) {
        // another build of the kafka plugin (e.g. the previous commit's) on the same server, side by side
        double[] old = blackhole(kafka, dir, in, records, Path.of(before).getParent(), "blackhole-before");
        System.out.printf(Locale.ROOT, "BEFORE (%s) kafka → WHERE price > 50 → blackhole: %s; load %s%n", before,
            figures(old, reference, "records"), load());
      }
      boolean blackholeOnly = "1".equals(System.getProperty("bench.blackholeOnly"));
      String variants = System.getProperty("bench.variants", "").trim();
      if (!variants.isEmpty()) {
        // server JVM flag sets side by side: each round runs every variant once, alternated
        String[] flags = variants.split("\\|");
        int rounds = Integer.getInteger("bench.rounds", 2);
        for (int round = 0; round < rounds; round++) {
          for (int v = 0; v < flags.length; v++) {
            serverFlags = List.of(flags[v].trim().split("\\s+"));
            double[] r = blackhole(kafka, dir, in, records, LaminarProcess.KAFKA_PLUGIN.getParent(),
                "blackhole-v" + v + "-r" + round);
            System.out.printf(Locale.ROOT, "VARIANT %d [%s] round %d: whole process %,.0f records/s, steady %,.0f"
                + " records/s (%.2f×), %.2f µs CPU per record (steady); load %s%n", v, flags[v].trim(), round, r[0],
                r[1], r[1] / reference, r[2], load());
            if (!blackholeOnly) {
              double[] e = exactlyOnce(kafka, dir, in, kafka.createTopic("bench-out-v" + v + "-r" + round, PARTITIONS),
                  records, passing, "-v" + v + "-r" + round);
              System.out.printf(Locale.ROOT, "VARIANT %d [%s] round %d exactly_once: steady %.2f×, warm %.2f× (%.2f µs"
                  + " CPU per input record); load %s%n", v, flags[v].trim(), round, e[1] / reference, e[3] / reference,
                  e[4], load());
            }
          }
        }
        serverFlags = List.of();
      }
      double[] bh = blackhole(kafka, dir, in, records, LaminarProcess.KAFKA_PLUGIN.getParent(), "blackhole");
      System.out.printf(Locale.ROOT, "kafka → WHERE price > 50 → blackhole: %s; load %s%n",
          figures(bh, reference, "records"), load());
      if (blackholeOnly) {
        System.out.printf(Locale.ROOT, "RATIOS to the plain consumer (%,.0f records/s, %.2f µs CPU per record): blackhole"
            + " %.2f× (target ≥ 0.6×; %.2f µs CPU per record; warm %.2f×, %.2f µs); load %s%n", reference, referenceCpu,
            bh[1] / reference, bh[2], bh[3] / reference, bh[4], load());
        return;
      }
      String out = kafka.createTopic("bench-out", PARTITIONS);
      if (before != null) {
        String beforeOut = kafka.createTopic("bench-out-before", PARTITIONS);
        double[] old = exactlyOnce(kafka, dir, in, beforeOut, records, passing, "-before", Path.of(before).getParent());
        System.out.printf(Locale.ROOT, "BEFORE (%s) kafka → WHERE price > 50 → kafka exactly_once: %s; load %s%n",
            before, figures(old, reference, "input records"), load());
      }
      if (Boolean.getBoolean("bench.parked")) {
        // the same with every region parked to the end of each checkpoint's commits (no early resume)
        String parkedOut = kafka.createTopic("bench-out-parked", PARTITIONS);
        serverFlags = List.of("-Dlaminar.checkpoint.early_resume=false");
        double[] parked = exactlyOnce(kafka, dir, in, parkedOut, records, passing, "-parked");
        serverFlags = List.of();
        System.out.printf(Locale.ROOT, "kafka → WHERE price > 50 → kafka exactly_once, sources parked to the commit:"
            + " whole process %,.0f input records/s (%.2f×), steady %,.0f input records/s (%.2f×); load %s%n",
            parked[0], parked[0] / reference, parked[1], parked[1] / reference, load());
      }
      double[] eos = exactlyOnce(kafka, dir, in, out, records, passing, "");
      System.out.printf(Locale.ROOT, "kafka → WHERE price > 50 → kafka exactly_once: %s; load %s%n",
          figures(eos, reference, "input records"), load());
      // the figures in one line: steady throughput ÷ the plain consumer's (wall time, so
      // shared by whatever else runs on the machine), and CPU per input record beside the consumer's
      System.out.printf(Locale.ROOT, "RATIOS to the plain consumer (%,.0f records/s, %.2f µs CPU per record): blackhole"
          + " %.2f× (target ≥ 0.6×; %.2f µs CPU per record; warm %.2f×, %.2f µs), exactly_once %.2f× (target ≥ 0.4×;"
          + " %.2f µs CPU per input record; warm %.2f×, %.2f µs); load %s%n", reference, referenceCpu, bh[1] / reference,
          bh[2], bh[3] / reference, bh[4], eos[1] / reference, eos[2], eos[3] / reference, eos[4], load());
      // -Dbench.repeat=n: n rounds of reference, blackhole and exactly-once on the same input, each
      // ratio against its own round's reference (the machine's speed moves between runs)
      int repeat = Integer.getInteger("bench.repeat", 1);
      List<double[]> rounds = new java.util.ArrayList<>();
      rounds.add(new double[] {reference, bh[1] / reference, bh[3] / reference, eos[1] / reference, eos[3] / reference});
      for (int round = 1; round < repeat; round++) {
        double ref = Math.max(plain(kafka, in, records, Map.of())[0], plain(kafka, in, records, largeFetches())[0]);
        double[] b = blackhole(kafka, dir, in, records, LaminarProcess.KAFKA_PLUGIN.getParent(), "blackhole-r" + round);
        double[] e = exactlyOnce(kafka, dir, in, kafka.createTopic("bench-out-r" + round, PARTITIONS), records, passing,
            "-r" + round);
        rounds.add(new double[] {ref, b[1] / ref, b[3] / ref, e[1] / ref, e[3] / ref});
      }
      if (repeat > 1) {
        for (int round = 0; round < rounds.size(); round++) {
          double[] r = rounds.get(round);
          System.out.printf(Locale.ROOT, "ROUND %d: reference %,.0f records/s; blackhole steady %.2f×, warm %.2f×;"
              + " exactly_once steady %.2f×, warm %.2f×%n", round, r[0], r[1], r[2], r[3], r[4]);
        }
        System.out.printf(Locale.ROOT, "OVER %d ROUNDS (median, min–max; each against its round's reference): blackhole"
            + " steady %s, warm %s; exactly_once steady %s, warm %s%n", rounds.size(), spread(rounds, 1),
            spread(rounds, 2), spread(rounds, 3), spread(rounds, 4));
      }
    }
  }

  /** "0.41× (0.35–0.42×)": the median and range of column {@code k} of the rounds. */
  private static String spread(List<double[]> rounds, int k) {
    double[] v = rounds.stream().mapToDouble(r -> r[k]).sorted().toArray();
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f×)", median, v[0], v[v.length - 1]);
  }

  /**
   * A laminar run's figures {whole, steady, steady CPU, warm, warm CPU}: warm is the second half of
   * the input, past the JIT's warm-up (the reference consumer runs in this already warm JVM).
   */
  private static String figures(double[] r, double reference, String unit) {
    return String.format(Locale.ROOT, "whole process %,.0f %s/s (%.2f×), steady %,.0f %s/s (%.2f×), warm %,.0f %s/s"
        + " (%.2f×, second half of the input, %.2f µs CPU per input record)", r[0], unit, r[0] / reference, r[1], unit,
        r[1] / reference, r[3], unit, r[3] / reference, r[4]);
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /** Trade {@code i} as the topic holds it: ~90 bytes of JSON, its price {@code i * 7919 % 10000} cents. */
  static byte[] trade(int i) {
    long cents = i * 7919L % 10_000;
    return ("{\"symbol\":\"S" + i % 100 + "\",\"price\":" + cents / 100 + "." + (cents % 100 < 10 ? "0" : "")
        + cents % 100 + ",\"qty\":" + (1 + i % 100) + ",\"ts\":\"" + Instant.ofEpochMilli(Trades.T0 + i) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Trades with prices spread evenly over 0–100, so about half pass {@code price > 50}. */
  static long produce(EmbeddedKafka kafka, String topic, int records) {
    long passing = 0;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
      for (int i = 0; i < records; i++) {
        passing += i * 7919L % 10_000 > 5000 ? 1 : 0;
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, trade(i)));
      }
    }
    System.out.printf(Locale.ROOT, "produced in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return passing;
  }

  /**
   * The reference consumer's settings besides Kafka's defaults: the fastest found for a plain
   * consumer on this machine (10,000 records per poll, 4 MiB per partition fetch, a 1 MiB socket
   * buffer; read_committed like the source). Fixed here rather than taken from the source's fetch
   * defaults, so tuning the source never moves the reference it is measured against.
   */
  static Map<String, Object> largeFetches() {
    return Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }

  /** A plain consumer reading every record of the topic (touching each value): {records per second, CPU µs per record}. */
  static double[] plain(EmbeddedKafka kafka, String topic, int records, Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(settings);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    long start = System.nanoTime();
    long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    double jvmStart = ownCpuSeconds();
    long seen = 0;
    long bytes = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (seen < records && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          bytes += r.value().length;
          seen++;
        }
      }
    }
    double s = (System.nanoTime() - start) / 1e9;
    if (bytes == 0) {
      throw new IllegalStateException("the plain consumer read nothing");
    }
    long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
    double rest = ownCpuSeconds() - jvmStart - cpu / 1e9; // the broker serving the fetches, mostly
    System.out.printf(Locale.ROOT, "  plain consumer CPU: %.2f µs per record (its thread), the rest of this JVM (the"
        + " broker) %.2f µs%n", cpu / 1e3 / seen, rest * 1e6 / seen);
    return new double[] {seen / s, cpu / 1e3 / seen};
  }

  /**
   * {@code laminar run -c config} with the JVM flags of {@code bin/laminar} (parallel GC, both JIT
   * tiers: the tests' {@code ServerProcess} stops at C1 to start fast, which is not what runs in
   * production) and a heap bounded at 1 GiB, where {@code bin/laminar} leaves the JVM's default (a
   * quarter of the memory): the figures depend on it (docs/BENCHMARKS.md, eighth pass; a later
   * {@code -Xmx} in {@code bench.serverOpts} or a variant wins); {@code -Dbench.jfr=DIR} records a
   * flight recording of it there.
   */
  private static Process server(Path logs, Path config, Path plugins) throws java.io.IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xmx1g"));
    cmd.addAll(serverFlags);
    // -Dbench.serverOpts="..." adds JVM flags to every server started (e.g. a profiler agent); a
    // "{name}" in them becomes the run's name (blackhole, filter-eos, ...), so each run gets its own file
    String extra = System.getProperty("bench.serverOpts", "").trim();
    if (!extra.isEmpty()) {
      for (String flag : extra.split("\\s+")) {
        cmd.add(flag.replace("{name}", logs.getFileName().toString()));
      }
    }
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + Path.of(jfr, logs.getFileName() + ".jfr") + ",settings=profile");
    }
    cmd.addAll(List.of("-cp", LaminarProcess.classPath(), "io.laminar.cli.Main", "run", "--plugins",
        plugins.toString(), "-c", config.toString()));
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(logs + ".out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(Path.of(logs + ".err").toFile())).start();
  }

  /** CPU seconds this JVM (the embedded broker, the reference consumer, this harness) used so far. */
  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** CPU seconds (user + system) the process used so far, from /proc; 0 where there is none. */
  private static double cpuSeconds(Process p) {
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * CPU seconds per kind of thread of the process so far, from each thread's /proc stat (thread
   * names as the JVM sets them): the source readers with their inline workers, the Kafka fetch
   * threads, the GC, the JIT compilers, and the rest (start-up, HTTP, checkpoints, VM).
   */
  private static Map<String, Double> cpuByThread(Process p) {
    Map<String, Double> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        String kind = name.startsWith("source-") ? "source+worker" : name.startsWith("kafka-fetch") ? "fetch"
            : name.startsWith("GC Thread") || name.startsWith("VM Thread") ? "gc+vm"
            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit" : "other";
        out.merge(kind, cpu, Double::sum);
      }
    } catch (java.io.IOException | RuntimeException e) {
      // no /proc: nothing to report
    }
    return out;
  }

  /** "source+worker 1.23 s, fetch 0.80 s, …": {@code after − before} per kind of thread. */
  private static String cpuSplit(Map<String, Double> before, Map<String, Double> after, long records) {
    StringBuilder b = new StringBuilder();
    after.forEach((kind, cpu) -> {
      double d = cpu - before.getOrDefault(kind, 0.0);
      b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f s (%.2f µs/record)", kind, d,
          d * 1e6 / records));
    });
    return b.toString();
  }

  private static int stop(Process server) throws InterruptedException {
    if (server.isAlive()) {
      server.destroy(); // SIGTERM: a graceful stop
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    return server.waitFor();
  }

  private static String source(String bootstrap, String topic) {
    return """
        [[source]]
        name = "trades"
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        """.formatted(bootstrap, topic);
  }

  private static String server(String name, Path checkpoints, String interval) {
    return """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        log_level = "warn"
        workers = 2

        [checkpoint]
        path = "%s"
        interval = "%s"
        """.formatted(name, checkpoints, interval);
  }

  /** {whole process, steady} input records per second into the exactly-once kafka sink. */
  private static double[] exactlyOnce(EmbeddedKafka kafka, Path dir, String in, String out, int records,
      long passing, String tag) throws Exception {
    return exactlyOnce(kafka, dir, in, out, records, passing, tag, LaminarProcess.KAFKA_PLUGIN.getParent());
  }

  private static double[] exactlyOnce(EmbeddedKafka kafka, Path dir, String in, String out, int records,
      long passing, String tag, Path plugins) throws Exception {
    Path config = dir.resolve("filter-eos" + tag + ".toml");
    Files.writeString(config, server("bench-eos" + tag, dir.resolve("cp-eos" + tag), "1s")
        + source(kafka.bootstrapServers(), in) + """

        [[pipeline]]
        name = "expensive"
        sql = "SELECT symbol, price, qty, ts FROM trades WHERE price > 50"

        [[sink]]
        name = "out"
        pipeline = "expensive"
        connector = "kafka"
        delivery = "exactly_once"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        "kafka.linger.ms" = "20"
        "kafka.batch.size" = "262144"
        "kafka.compression.type" = "%s"
        """.formatted(kafka.bootstrapServers(), out, SINK_COMPRESSION));
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    Path checkpoints = dir.resolve("cp-eos" + tag);
    long start = System.nanoTime();
    Process server = server(dir.resolve("filter-eos" + tag), config, plugins);
    long doneNanos = 0;
    long readAtSteady = -1;
    double cpuAtSteady = 0;
    long readAtHalf = -1;
    double cpuAtHalf = 0;
    double cpu = Double.NaN;
    Map<String, Double> threadsAtHalf = Map.of();
    Map<String, Double> threadsAtEnd = Map.of();
    double brokerAtHalf = 0;
    double brokerAtEnd = 0;
    // While the server runs, the harness only polls checkpoint files and end offsets: reading the
    // output meanwhile would decompress and iterate every record on the server's cores.
    try (KafkaConsumer<byte[], byte[]> committed = outputConsumer(kafka, "read_committed");
        KafkaConsumer<byte[], byte[]> uncommitted = outputConsumer(kafka, "read_uncommitted")) {
      List<TopicPartition> parts = committed.partitionsFor(out).stream()
          .map(p -> new TopicPartition(out, p.partition())).toList();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < deadline && server.isAlive()) {
        Optional<Map<TopicPartition, Long>> offsets = Trades.checkpointedOffsets(checkpoints, "trades");
        long read = offsets.map(o -> o.values().stream().mapToLong(Long::longValue).sum()).orElse(0L);
        if (readAtSteady < 0 && read >= records / 10) {
          // past the first tenth of the input: the JVM start and the first epochs are behind
          readAtSteady = read;
          cpuAtSteady = cpuSeconds(server);
        }
        if (readAtHalf < 0 && read >= records / 2) {
          readAtHalf = read;
          cpuAtHalf = cpuSeconds(server);
          threadsAtHalf = cpuByThread(server);
          brokerAtHalf = ownCpuSeconds();
        }
        // every input record checkpointed, and no transaction open on the output any more: the
        // last stable offset (what read_committed reads to) is the end of every partition
        if (offsets.map(end::equals).orElse(false)
            && committed.endOffsets(parts).equals(uncommitted.endOffsets(parts))) {
          doneNanos = System.nanoTime();
          cpu = cpuSeconds(server);
          threadsAtEnd = cpuByThread(server);
          brokerAtEnd = ownCpuSeconds();
          break;
        }
        Thread.sleep(20); // a harness polling files and offsets, not a test's synchronisation
      }
    }
    int exit = stop(server);
    if (doneNanos == 0) {
      throw new IllegalStateException("exactly_once: the output was not committed in time; exit " + exit + "\n"
          + Files.readString(dir.resolve("filter-eos" + tag + ".err")));
    }
    // then, untimed: every passing row exactly once, and the span of their create times
    long[] created = new long[(int) passing + 1];
    int seen = 0;
    try (KafkaConsumer<byte[], byte[]> c = outputConsumer(kafka, "read_committed")) {
      List<TopicPartition> parts = c.partitionsFor(out).stream().map(p -> new TopicPartition(out, p.partition()))
          .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> outEnd = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < outEnd.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (seen < created.length) {
            created[seen] = r.timestamp();
          }
          seen++;
        }
      }
    }
    double wall = (doneNanos - start) / 1e9;
    double steadyCpu = readAtSteady < 0 ? Double.NaN : (cpu - cpuAtSteady) * 1e6 / (records - readAtSteady);
    System.out.printf(Locale.ROOT, "  laminar → kafka exactly_once CPU: %.2f µs per input record (whole process, JVM"
        + " start included), %.2f µs (steady: after the first tenth of the input)%n", cpu * 1e6 / records, steadyCpu);
    if (readAtHalf >= 0) {
      // the broker shares the two cores: what it (with this harness's polling) spent on the same records
      System.out.printf(Locale.ROOT, "    CPU by thread, second half of the input: %s; broker (the harness JVM) %.2f µs"
          + " per input record; output compression %s%n", cpuSplit(threadsAtHalf, threadsAtEnd, records - readAtHalf),
          (brokerAtEnd - brokerAtHalf) * 1e6 / (records - readAtHalf), SINK_COMPRESSION);
    }
    if (seen != passing) {
      throw new IllegalStateException("exactly_once: " + seen + " of " + passing + " output rows; exit " + exit
          + "\n" + Files.readString(dir.resolve("filter-eos" + tag + ".err")));
    }
    java.util.Arrays.sort(created, 0, seen);
    double span = Math.max(1, created[seen - 1] - created[0]) / 1000.0;
    // the second half of the output by create time, as input records (output × records / passing)
    double warmSpan = Math.max(1, created[seen - 1] - created[seen / 2]) / 1000.0;
    double warm = (seen - seen / 2) * (double) records / passing / warmSpan;
    double warmCpu = readAtHalf < 0 ? Double.NaN : (cpu - cpuAtHalf) * 1e6 / (records - readAtHalf);
    return new double[] {records / wall, records / span, steadyCpu, warm, warmCpu};
  }

  private static KafkaConsumer<byte[], byte[]> outputConsumer(EmbeddedKafka kafka, String isolation) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000));
  }

  /** {whole process, steady} input records per second into blackhole. */
  private static double[] blackhole(EmbeddedKafka kafka, Path dir, String in, int records, Path plugins, String name)
      throws Exception {
    Path checkpoints = dir.resolve("cp-" + name);
    Path config = dir.resolve(name + ".toml");
    Files.writeString(config, server("bench-blackhole", checkpoints, "200ms") + source(kafka.bootstrapServers(), in)
        + """

        [[pipeline]]
        name = "expensive"
        sql = "SELECT symbol, price, qty, ts FROM trades WHERE price > 50"

        [[sink]]
        name = "out"
        pipeline = "expensive"
        connector = "blackhole"
        """);
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    long start = System.nanoTime();
    Process server = server(dir.resolve(name), config, plugins);
    long firstNanos = 0;
    long firstRead = 0;
    double firstCpu = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    long lastNanos = 0;
    double steadyCpu = Double.NaN;
    long halfNanos = 0;
    long halfRead = 0;
    double halfCpu = 0;
    double warmCpu = Double.NaN;
    Map<String, Double> firstThreads = Map.of();
    while (System.nanoTime() < deadline && server.isAlive()) {
      Optional<Map<TopicPartition, Long>> offsets = Trades.checkpointedOffsets(checkpoints, "trades");
      long read = offsets.map(o -> o.values().stream().mapToLong(Long::longValue).sum()).orElse(0L);
      if (read > 0 && firstNanos == 0) {
        firstNanos = System.nanoTime();
        firstRead = read;
        firstCpu = cpuSeconds(server);
        firstThreads = cpuByThread(server);
      }
      if (read >= records / 2 && halfNanos == 0) {
        halfNanos = System.nanoTime();
        halfRead = read;
        halfCpu = cpuSeconds(server);
      }
      if (offsets.map(end::equals).orElse(false)) {
        lastNanos = System.nanoTime();
        double cpu = cpuSeconds(server);
        steadyCpu = (cpu - firstCpu) * 1e6 / (records - firstRead);
        warmCpu = (cpu - halfCpu) * 1e6 / (records - halfRead);
        Map<String, Double> threads = cpuByThread(server);
        System.out.printf(Locale.ROOT, "  laminar → blackhole CPU: %.2f µs per record (whole process, steady part)%n"
            + "    timeline: first checkpointed progress %.2f s after the JVM start (%,d records), every record"
            + " checkpointed at %.2f s%n    CPU by thread, whole run: %s%n    CPU by thread, steady part: %s%n",
            steadyCpu, (firstNanos - start) / 1e9, firstRead, (lastNanos - start) / 1e9,
            cpuSplit(Map.of(), threads, records), cpuSplit(firstThreads, threads, records - firstRead));
        break;
      }
      Thread.sleep(20); // a harness polling files, not a test's synchronisation
    }
    int exit = stop(server);
    if (lastNanos == 0) {
      throw new IllegalStateException(name + ": the checkpoints never reached the end; exit " + exit + "\n"
          + Files.readString(dir.resolve(name + ".err")));
    }
    return new double[] {records / ((lastNanos - start) / 1e9), (records - firstRead) / ((lastNanos - firstNanos) / 1e9),
        steadyCpu, (records - halfRead) / ((lastNanos - halfNanos) / 1e9), warmCpu};
  }
}
