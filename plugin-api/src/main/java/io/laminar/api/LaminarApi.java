package io.laminar.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this SPI; plugins state the range they work with in {@code plugin.requires}. */
public final class LaminarApi {
  /** The SPI version, e.g. {@code 0.1.0}. */
  public static final String VERSION = loadVersion();

  private LaminarApi() {
  }

  private static String loadVersion() {
    try (InputStream in = LaminarApi.class.getResourceAsStream("laminar-api.properties")) {
      if (in == null) {
        throw new IllegalStateException("laminar-api.properties missing from plugin-api jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("api.version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
