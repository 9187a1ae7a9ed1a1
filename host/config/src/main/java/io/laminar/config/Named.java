package io.laminar.config;

/**
 * A {@code [[source]]}, {@code [[lookup]]}, {@code [[pipeline]]} or {@code [[sink]]} as read from one
 * file: its name (kept even when the rest is invalid, so name clashes are still reported) and its
 * model, or {@code null} when it has errors.
 */
record Named<T>(String kind, String name, Position namePosition, T config, int fileIndex) {
  String describe() {
    return kind + " '" + name + "'";
  }
}
