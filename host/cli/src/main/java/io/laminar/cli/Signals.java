package io.laminar.cli;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM/SIGINT handling: the first signal asks for a graceful stop, a second one forces the exit.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported) through reflection, because it is the only
 * way to handle a signal without the JVM starting its own shutdown; javac would warn on direct use.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {
  }

  /** Calls {@code graceful} on the first TERM/INT and halts with {@code forcedExitCode} on the second. */
  static void install(Runnable graceful, int forcedExitCode) {
    AtomicInteger received = new AtomicInteger();
    Runnable onSignal = () -> {
      if (received.incrementAndGet() == 1) {
        LOG.info("signal received: shutting down gracefully (send it again to force)");
        Thread t = new Thread(graceful, "laminar-shutdown");
        t.setDaemon(true);
        t.start();
      } else {
        System.err.println("laminar: second signal: forced exit");
        System.err.flush();
        Runtime.getRuntime().halt(forcedExitCode);
      }
    };
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
            (p, method, args) -> {
              if (method.getName().equals("handle")) {
                onSignal.run();
              }
              return null;
            });
        handle(name, proxy);
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{} on this JVM ({}); it will stop the process without a graceful shutdown",
            name, e.toString());
      }
    }
  }

  /**
   * Gives TERM and INT back to the JVM's default action, once a command that installed the
   * handler is done: a JVM that goes on after it (a test calling the command in-process) must still
   * stop on a signal rather than have it recorded for a run that is over.
   */
  static void restoreDefaults() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        handle(name, Class.forName("sun.misc.SignalHandler").getField("SIG_DFL").get(null));
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        LOG.debug("cannot restore the default action of SIG{}: {}", name, e.toString());
      }
    }
  }

  private static void handle(String name, Object handler) throws ReflectiveOperationException {
    Class<?> signal = Class.forName("sun.misc.Signal");
    signal.getMethod("handle", signal, Class.forName("sun.misc.SignalHandler"))
        .invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
  }
}
