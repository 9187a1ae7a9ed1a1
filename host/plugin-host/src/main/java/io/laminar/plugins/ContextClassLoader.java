package io.laminar.plugins;

/**
 * Runs a call into plugin code with the plugin's class loader as the thread context class loader
 * and restores the previous one afterwards. Libraries such as Kafka, Hadoop, Debezium and
 * {@code ServiceLoader} look classes up through the context loader; threads a plugin starts inside
 * such a call inherit it.
 */
final class ContextClassLoader {
  private ContextClassLoader() {
  }

  /** A call that returns a value and may throw {@code E}. */
  @FunctionalInterface
  interface Call<T, E extends Exception> {
    T call() throws E;
  }

  /** A call without a result that may throw {@code E}. */
  @FunctionalInterface
  interface Action<E extends Exception> {
    void run() throws E;
  }

  static <T, E extends Exception> T call(ClassLoader loader, Call<T, E> call) throws E {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return call.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  static <E extends Exception> void run(ClassLoader loader, Action<E> action) throws E {
    call(loader, () -> {
      action.run();
      return null;
    });
  }
}
