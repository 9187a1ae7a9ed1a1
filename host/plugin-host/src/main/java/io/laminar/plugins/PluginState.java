package io.laminar.plugins;

/** What became of a plugin found in the plugins directory. */
public enum PluginState {
  /** Loaded, started, and its connectors are registered. */
  STARTED,
  /** Could not be used; {@link PluginInfo#error()} says why. Other plugins are unaffected. */
  FAILED,
  /** Listed in the plugins directory's {@code disabled.txt}; not loaded. */
  DISABLED,
  /**
   * Not loaded by this run: its {@code plugin.provides} declares only connector types the
   * configuration does not use (see {@link PluginHost#load(java.nio.file.Path, PluginHost.Needed)}).
   * {@link PluginInfo#provides()} is then what it declares.
   */
  NOT_NEEDED
}
