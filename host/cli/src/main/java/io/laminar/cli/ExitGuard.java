package io.laminar.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an exit that laminar did not ask for — a plugin or library calling {@code System.exit(0)}
 * — into a logged failure with exit code 1, so a supervisor does not count it as success. A JVM
 * shutdown hook cannot cancel the exit, but it can {@link Runtime#halt} with another status.
 *
 * <p>Only {@link Main#main} installs it; exits laminar itself makes go through {@link #exit}.
 * Shutdowns the JVM starts on a signal laminar does not handle (SIGHUP) keep their own status.
 */
final class ExitGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
  private static final AtomicBoolean LAMINAR_EXITS = new AtomicBoolean();

  private ExitGuard() {
  }

  /** Registers the shutdown hook. */
  static void install() {
    Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::onShutdown, "laminar-exit-guard"));
  }

  /** Exits the JVM with {@code code}, as laminar decided. */
  static void exit(int code) {
    LAMINAR_EXITS.set(true);
    System.exit(code);
  }

  private static void onShutdown() {
    if (LAMINAR_EXITS.get()) {
      return;
    }
    List<StackTraceElement> caller = exitCaller();
    if (caller.isEmpty()) {
      return; // not an exit() call: the JVM shuts down on a signal, with that signal's status
    }
    LOG.error("{} called System.exit while laminar was running; laminar did not ask for this, "
        + "so it ends with exit code 1 (no final checkpoint was taken). Called from:{}",
        caller.get(0).getClassName(), render(caller));
    System.err.flush();
    Runtime.getRuntime().halt(ExitCode.RUNTIME);
  }

  /** The frames below {@code Runtime.exit} of the thread that is exiting; empty if none is. */
  private static List<StackTraceElement> exitCaller() {
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      StackTraceElement[] frames = e.getValue();
      for (int i = 0; i < frames.length; i++) {
        if (frames[i].getClassName().equals("java.lang.Runtime") && frames[i].getMethodName().equals("exit")) {
          List<StackTraceElement> below = new ArrayList<>();
          for (int j = i + 1; j < frames.length && below.size() < 8; j++) {
            if (!frames[j].getClassName().equals("java.lang.System")) {
              below.add(frames[j]);
            }
          }
          return below;
        }
      }
    }
    return List.of();
  }

  private static String render(List<StackTraceElement> frames) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement f : frames) {
      b.append("\n    at ").append(f);
    }
    return b.toString();
  }
}
