package io.laminar.engine;

import io.laminar.runtime.IncompatibleStateException;
import io.laminar.state.CheckpointException;
import io.laminar.state.Recovery;
import io.laminar.state.RestoredCheckpoint;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Optional;
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

  private RecoveryPlanner(Optional<RestoredCheckpoint> restore, long lastCommittedEpoch) {
    this.restore = restore;
    this.lastCommittedEpoch = lastCommittedEpoch;
  }

  /** Decides what to resume from, given the store's recovery and the run's options. */
  static RecoveryPlanner plan(Recovery recovery, EngineOptions options) throws StartFailure {
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
      LOG.info("restoring from checkpoint {} ({})", lastCommitted, latest.get().directory());
    }
    return new RecoveryPlanner(restore, lastCommitted);
  }

  /** The epoch sinks are opened with: the newest checkpoint that completed, 0 if none. */
  long lastCommittedEpoch() {
    return lastCommittedEpoch;
  }

  /** Restores one worker's executor from the checkpoint, if this start resumes one. */
  void restorePipeline(PipelineRunner runner) throws StartFailure {
    if (restore.isEmpty()) {
      return;
    }
    RestoredCheckpoint checkpoint = restore.get();
    String file = runner.stateFile();
    if (!checkpoint.contains(file)) {
      String prefix = CheckpointCoordinator.statePrefix(runner.name());
      if (checkpoint.fileNames().stream().anyMatch(f -> f.startsWith(prefix))) {
        throw new StartFailure(new ServerError(ServerError.Kind.INVALID_TOPOLOGY, "pipeline '" + runner.name()
            + "' was checkpointed with a different number of workers, and keyed state cannot be redistributed. "
            + "Set its parallelism back, or start with --reset-state to discard the saved state.", Optional.empty()),
            null);
      }
      LOG.warn("checkpoint {} has no state for pipeline '{}' (new pipeline?); it starts empty",
          checkpoint.id(), runner.name());
      return;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(checkpoint.open(file), 1 << 16))) {
      runner.executor().restore(in);
    } catch (IncompatibleStateException e) {
      throw new StartFailure(new ServerError(ServerError.Kind.INVALID_TOPOLOGY, e.getMessage()
          + ". Start with --reset-state to discard the saved state (input is then read from the beginning).",
          Optional.empty()), e);
    } catch (IOException e) {
      throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "cannot restore pipeline '"
          + runner.name() + "' from checkpoint " + checkpoint.id() + ": " + e.getMessage(), Optional.empty()), e);
    }
  }

  /** The offsets a source resumes from, or null to start it from its configured beginning. */
  byte[] offsets(String source) throws StartFailure {
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
