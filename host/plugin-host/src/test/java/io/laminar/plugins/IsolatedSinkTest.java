package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.Sink;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wrapper around a plugin's sink forwards every method of {@link Sink}: a default method it
 * does not override would answer with the SPI's default instead of the plugin's (a plugin sink that
 * accepts concurrent writes would still be written one caller at a time).
 */
class IsolatedSinkTest {
  @Test
  void everySinkMethodIsForwardedToThePluginsSink() throws Exception {
    List<String> notForwarded = new ArrayList<>();
    for (Method m : Sink.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Method wrapper = IsolatedSink.class.getMethod(m.getName(), m.getParameterTypes());
      if (wrapper.getDeclaringClass() != IsolatedSink.class) {
        notForwarded.add(m.getName());
      }
    }
    assertEquals(List.of(), notForwarded);
  }
}
