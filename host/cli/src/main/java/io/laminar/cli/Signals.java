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
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
            (p, method, args) -> {
              if (method.getName().equals("handle")) {
                onSignal.run();
              }
              return null;
            });
        signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name),
            proxy);
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{} on this JVM ({}); it will stop the process without a graceful shutdown",
            name, e.toString());
      }
    }
  }
}
