package io.laminar.engine;

import io.laminar.plan.PlanNode;
import io.laminar.runtime.IncompatibleStateException;
import io.laminar.runtime.KeyGroups;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.state.CheckpointException;
import io.laminar.state.Recovery;
import io.laminar.state.RestoredCheckpoint;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore policy: given what the checkpoint store recovered and the run's options, decides
 * which checkpoint (if any) this start resumes from, and restores source offsets and pipeline
 * state out of it. It owns no threads and no resources; {@link Engine} opens the store and starts
 * the threads.
 */
final class RecoveryPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryPlanner.class);

  private final Optional<RestoredCheckpoint> restore;
  private final long lastCommittedEpoch;
  private final Set<String> resetSources;

  private RecoveryPlanner(Optional<RestoredCheckpoint> restore, long lastCommittedEpoch, Set<String> resetSources) {
    this.restore = restore;
    this.lastCommittedEpoch = lastCommittedEpoch;
    this.resetSources = resetSources;
  }

  /**
   * Decides what to resume from, given the store's recovery, the run's options and what each
   * source that pipelines read is now ({@code identities}, by source name). {@code allSources}
   * are every configured source's names, to check {@code --reset-source}.
   */
  static RecoveryPlanner plan(Recovery recovery, EngineOptions options, Map<String, SourceIdentity> identities,
      Collection<String> allSources) throws StartFailure {
    List<String> unknown = options.resetSources().stream().filter(n -> !allSources.contains(n)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new StartFailure(new ServerError(ServerError.Kind.CONFIG, "--reset-source names no configured source: "
          + String.join(", ", unknown) + " (sources: " + String.join(", ", allSources) + ")", Optional.empty()), null);
    }
    Optional<RestoredCheckpoint> latest = recovery.checkpoint();
    if (latest.isEmpty() && !recovery.problems().isEmpty()) {
      // State was saved but none of it can be read: a fresh start would reprocess (or skip) input.
      String problems = recovery.problems().stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
      if (!options.resetState()) {
        throw new StartFailure(new ServerError(ServerError.Kind.STATE, "no checkpoint can be restored; found:\n"
            + problems + "\nStarting without state would read the input again from the beginning (or, with a "
            + "'latest' start, skip what was not processed). Restore the checkpoint directory from a backup, or "
            + "start with --reset-state to discard the saved state.", Optional.empty()), null);
      }
      LOG.warn("--reset-state: no checkpoint can be restored, starting without state; found:\n{}", problems);
    }
    long lastCommitted = latest.map(RestoredCheckpoint::id).orElse(0L);
    Optional<RestoredCheckpoint> restore = latest;
    if (latest.isPresent() && options.resetState()) {
      LOG.warn("--reset-state: ignoring checkpoint {}; starting from the beginning", lastCommitted);
      restore = Optional.empty();
    } else if (latest.isPresent() && "true".equals(latest.get().metadata().get(CheckpointCoordinator.COMPLETED))) {
      LOG.info("the previous run processed all its input (checkpoint {}); starting a new run from the beginning",
          lastCommitted);
      restore = Optional.empty();
    } else if (latest.isPresent()) {
      requireSameSources(latest.get(), identities, options.resetSources());
      LOG.info("restoring from checkpoint {} ({})", lastCommitted, latest.get().directory());
      for (String source : options.resetSources()) {
        LOG.warn("--reset-source {}: its saved offsets are forgotten; it reads from its configured start", source);
      }
    }
    return new RecoveryPlanner(restore, lastCommitted, options.resetSources());
  }

  /**
   * Refuses a checkpoint whose sources read other data than the configured ones: resuming their
   * offsets would skip or repeat rows. Sources named by --reset-source, and sources the checkpoint
   * has no offsets for (new ones), start from their configured beginning and are not compared.
   */
  private static void requireSameSources(RestoredCheckpoint checkpoint, Map<String, SourceIdentity> identities,
      Set<String> reset) throws StartFailure {
    List<String> changed = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, SourceIdentity> e : identities.entrySet()) {
      String source = e.getKey();
      if (reset.contains(source) || !checkpoint.contains(CheckpointCoordinator.offsetsFile(source))) {
        continue;
      }
      String saved = checkpoint.metadata().get(SourceIdentity.metadataKey(source));
      if (saved == null) {
        LOG.info("checkpoint {} does not record what source '{}' read (written by an older laminar); "
            + "resuming its offsets unchecked", checkpoint.id(), source);
        continue;
      }
      Optional<SourceIdentity> before = SourceIdentity.decode(saved);
      List<String> changes = before.map(b -> e.getValue().changesSince(b))
          .orElse(List.of("its saved identity cannot be read"));
      if (!changes.isEmpty()) {
        changed.add("  source '" + source + "': " + String.join("; ", changes));
        names.add(source);
      }
    }
    if (!changed.isEmpty()) {
      String flags = names.stream().map(n -> "--reset-source " + n).collect(Collectors.joining(" "));
      throw new StartFailure(new ServerError(ServerError.Kind.STATE, "checkpoint " + checkpoint.id() + " ("
          + checkpoint.directory() + ") was taken while these sources read other data; resuming their offsets "
          + "would skip or repeat rows:\n" + String.join("\n", changed) + "\nIf this is another configuration, give "
          + "it its own [server] name or [checkpoint] path. Otherwise start with " + flags + " to read "
          + (names.size() == 1 ? "that source" : "those sources") + " from the configured start and keep the rest "
          + "of the state, or with --reset-state to discard all saved state.", Optional.empty()), null);
    }
  }

  /**
   * Restores one region after a failure in the running process: from the newest checkpoint that
   * verifies (empty: from the beginning). No source is reset; the sources were checked at start.
   */
  static RecoveryPlanner forRestart(Optional<RestoredCheckpoint> latest) {
    return new RecoveryPlanner(latest, latest.map(RestoredCheckpoint::id).orElse(0L), Set.of());
  }

  /** The id of the checkpoint this restores from, 0 if none. */
  long restoredFrom() {
    return restore.map(RestoredCheckpoint::id).orElse(0L);
  }

  /** The epoch sinks are opened with: the newest checkpoint that completed, 0 if none. */
  long lastCommittedEpoch() {
    return lastCommittedEpoch;
  }

  /**
   * The epoch the sinks of {@code pipeline} are opened with: the epoch its files in the restored
   * checkpoint were taken at (a checkpoint carries a restarting pipeline's files forward from an
   * earlier one, and the sink must not commit an epoch prepared after those), otherwise the last
   * completed checkpoint.
   */
  long sinkEpoch(String pipeline) {
    if (restore.isPresent()) {
      String epoch = restore.get().metadata().get(CheckpointCoordinator.epochKey(pipeline));
      if (epoch != null) {
        try {
          return Long.parseLong(epoch);
        } catch (NumberFormatException e) {
          LOG.warn("checkpoint {} records an unreadable epoch for pipeline '{}': {}", restore.get().id(), pipeline,
              epoch);
        }
      }
    }
    return lastCommittedEpoch;
  }

  /**
   * Restores one worker's executor from the checkpoint, if this start resumes one. Returns false
   * when the saved state was taken from another plan of a pipeline that now holds no state (a
   * filter or projection whose SQL changed): it needs none, so the caller replaces the runner with
   * a fresh one and the sources keep their offsets.
   *
   * <p>A worker whose own file holds exactly its key groups restores it as it is. Keyed state saved
   * by another number of workers (or by the same number before key groups, format 3, when rows were
   * routed by hash mod workers) is redistributed: the worker takes the groups of its key groups from
   * every old worker's file ({@link PipelineExecutor#restoreShares}). A pipeline without keyed state
   * saved with another worker count starts its workers afresh (its position is in the split offsets).
   */
  boolean restorePipeline(PipelineRunner runner) throws StartFailure {
    if (restore.isEmpty()) {
      return true;
    }
    RestoredCheckpoint checkpoint = restore.get();
    String file = runner.stateFile();
    List<String> saved = stateFiles(checkpoint, runner.name());
    boolean keyed = holdsState(runner.pipeline().root());
    PipelineExecutor executor = runner.executor();
    try {
      if (saved.isEmpty()) {
        LOG.warn("checkpoint {} has no state for pipeline '{}' (new pipeline?); it starts empty",
            checkpoint.id(), runner.name());
        return true;
      }
      if (checkpoint.contains(file) && (!keyed || ownsSavedKeyGroups(checkpoint, file, runner))) {
        try (DataInputStream in = open(checkpoint, file)) {
          executor.restore(in);
        }
        return true;
      }
      if (!keyed) {
        // nothing but watermarks and counters: the position is in the sources' split offsets
        LOG.info("pipeline '{}' was checkpointed with a different number of workers; it holds no state, so "
            + "its workers start afresh and its sources' splits resume their offsets", runner.workerName());
        return true;
      }
      List<PipelineExecutor.Snapshot> shares = new ArrayList<>();
      for (String f : saved) {
        shares.add(() -> open(checkpoint, f));
      }
      LOG.info("pipeline '{}': redistributing keyed state saved in {} file(s) of checkpoint {}; this worker takes {}",
          runner.workerName(), saved.size(), checkpoint.id(), executor.keyGroups());
      executor.restoreShares(shares);
      return true;
    } catch (IncompatibleStateException e) {
      if (!keyed) {
        LOG.info("pipeline '{}' changed since checkpoint {}, but it holds no state: it starts afresh and its "
            + "sources resume their offsets", runner.workerName(), checkpoint.id());
        return false;
      }
      throw new StartFailure(new ServerError(ServerError.Kind.INVALID_TOPOLOGY, e.getMessage()
          + ". Start with --reset-state to discard the saved state (input is then read from the beginning).",
          Optional.empty()), e);
    } catch (IOException e) {
      throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "cannot restore pipeline '"
          + runner.name() + "' from checkpoint " + checkpoint.id() + ": " + e.getMessage(), Optional.empty()), e);
    }
  }

  /** Whether the saved state in {@code file} holds exactly the key groups {@code runner} owns. */
  private static boolean ownsSavedKeyGroups(RestoredCheckpoint checkpoint, String file, PipelineRunner runner)
      throws IOException {
    KeyGroups.Range range;
    try (DataInputStream in = open(checkpoint, file)) {
      range = PipelineExecutor.savedKeyGroups(in, runner.name());
    }
    KeyGroups.Range owned = runner.executor().keyGroups();
    // format 3 (null) held a worker's keys by hash mod workers: the same keys only when there was one
    return range == null ? owned.equals(KeyGroups.Range.ALL) : range.equals(owned);
  }

  private static DataInputStream open(RestoredCheckpoint checkpoint, String file) throws IOException {
    return new DataInputStream(new BufferedInputStream(checkpoint.open(file), 1 << 16));
  }

  /**
   * The state files of pipeline {@code pipeline} in {@code checkpoint}: its single worker's file or
   * its workers' {@code .w<i>of<n>.state} files (one worker count per checkpoint), in worker order.
   */
  static List<String> stateFiles(RestoredCheckpoint checkpoint, String pipeline) {
    String prefix = CheckpointCoordinator.statePrefix(pipeline);
    TreeMap<Integer, String> byWorker = new TreeMap<>();
    for (String f : checkpoint.fileNames()) {
      if (!f.startsWith(prefix)) {
        continue;
      }
      Matcher m = WORKER_FILE.matcher(f.substring(prefix.length()));
      if (f.substring(prefix.length()).equals("state")) {
        byWorker.put(0, f);
      } else if (m.matches()) {
        byWorker.put(Integer.parseInt(m.group(1)), f);
      }
    }
    return List.copyOf(byWorker.values());
  }

  private static final Pattern WORKER_FILE = Pattern.compile("w(\\d{1,6})of\\d{1,6}\\.state");

  /**
   * Whether a plan keeps state across batches (windows, sessions, updating aggregates), which a changed
   * plan (or another worker count) cannot reuse.
   */
  static boolean holdsState(PlanNode node) {
    if (node instanceof PlanNode.WindowAggregate || node instanceof PlanNode.SessionAggregate
        || node instanceof PlanNode.GroupAggregate) {
      return true;
    }
    return node.inputs().stream().anyMatch(RecoveryPlanner::holdsState);
  }

  /** The offsets a source resumes from, or null to start it from its configured beginning. */
  byte[] offsets(String source) throws StartFailure {
    if (resetSources.contains(source)) {
      return null;
    }
    if (restore.isEmpty() || !restore.get().contains(CheckpointCoordinator.offsetsFile(source))) {
      return null;
    }
    try {
      return restore.get().read(CheckpointCoordinator.offsetsFile(source));
    } catch (CheckpointException e) {
      throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "cannot read offsets of source '" + source
          + "' from checkpoint " + restore.get().id() + ": " + e.getMessage(), Optional.empty()), e);
    }
  }
}
