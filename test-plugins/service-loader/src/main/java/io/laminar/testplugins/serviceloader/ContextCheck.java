package io.laminar.testplugins.serviceloader;

/**
 * Fails loudly when plugin code runs without the plugin's class loader as the thread context class
 * loader, the way Kafka, Hadoop and Debezium would fail to find classes by name.
 */
final class ContextCheck {
  private ContextCheck() {
  }

  static void require(String call) {
    ClassLoader expected = ContextCheck.class.getClassLoader();
    ClassLoader actual = Thread.currentThread().getContextClassLoader();
    if (actual != expected) {
      throw new IllegalStateException(call + " ran with context class loader " + actual
          + " instead of the plugin's " + expected);
    }
  }
}
