package io.laminar.testplugins.serviceloader;

/** The plugin's own {@link Greeting}, registered in META-INF/services. */
public final class PluginGreeting implements Greeting {
  @Override
  public String greet() {
    return "hello from the service-loader plugin";
  }
}
