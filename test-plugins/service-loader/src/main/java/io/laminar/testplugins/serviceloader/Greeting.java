package io.laminar.testplugins.serviceloader;

/** A service interface private to this plugin, found through {@link java.util.ServiceLoader}. */
public interface Greeting {
  /** The greeting text. */
  String greet();
}
