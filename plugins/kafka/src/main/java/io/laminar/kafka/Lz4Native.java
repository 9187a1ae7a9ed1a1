package io.laminar.kafka;

/**
 * Makes Kafka's lz4 (de)compression use lz4-java's JNI binding inside this plugin. lz4-java's
 * {@code LZ4Factory.fastestInstance()} — what Kafka's lz4 streams ask for — only tries the native
 * library when lz4-java sits on the system class loader or its library is already loaded; in a
 * plugin's class loader it falls back to the pure-Java decompressor (with lz4-java 1.10 no longer
 * the {@code Unsafe} one either), which made decompression several times slower than in a plain
 * consumer. Loading the native library first ({@code LZ4Factory.nativeInstance()}) makes
 * {@code fastestInstance()} answer the JNI factory from then on. Where the library cannot be
 * loaded (no build for this platform, or another class loader of the JVM has it already) Kafka keeps
 * the Java one, as before. The system property {@code laminar.kafka.lz4_native=false} turns it off.
 *
 * <p>Through reflection: lz4-java is a run-time dependency of kafka-clients (whichever version it
 * brings), not one of this plugin's compile.
 */
final class Lz4Native {
  /** What {@code LZ4Factory.fastestInstance()} gives in this plugin, e.g. {@code LZ4Factory:JNI}. */
  private static final String FACTORY = load();

  private Lz4Native() {
  }

  /** Loads the native library once (before Kafka's lz4 streams pick their factory); the factory in use. */
  static String ensureLoaded() {
    return FACTORY;
  }

  private static String load() {
    try {
      Class<?> factory = Class.forName("net.jpountz.lz4.LZ4Factory", true, Lz4Native.class.getClassLoader());
      if (Boolean.parseBoolean(System.getProperty("laminar.kafka.lz4_native", "true"))) {
        try {
          factory.getMethod("nativeInstance").invoke(null);
        } catch (java.lang.reflect.InvocationTargetException e) {
          // no usable native library here (UnsatisfiedLinkError): fastestInstance() stays on Java
        }
      }
      return String.valueOf(factory.getMethod("fastestInstance").invoke(null));
    } catch (ReflectiveOperationException | LinkageError e) {
      return "unavailable (" + e + ")";
    }
  }
}
