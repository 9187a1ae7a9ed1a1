package io.laminar.cli;

import io.laminar.api.LaminarApi;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** laminar's own version (from the build) and the plugin API version. */
final class Versions {
  private Versions() {
  }

  static String laminar() {
    try (InputStream in = Versions.class.getResourceAsStream("/laminar-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("laminar.version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String api() {
    return LaminarApi.VERSION;
  }
}
