package io.laminar.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code [pipeline] on.error}: what a pipeline does with a row whose expression fails at run time. */
public enum RowErrorPolicy {
  /** The pipeline fails, naming the expression and the values (the default). */
  FAIL,
  /** The row is dropped, counted and logged; the rest of its batch goes on. */
  SKIP,
  /** The row is written to {@code dead_letter.path} as a JSON line, counted; the rest goes on. */
  DEAD_LETTER;

  /** The value as written in the config. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every value as written in the config. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(RowErrorPolicy::label).toList();
  }
}
