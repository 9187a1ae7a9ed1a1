package io.laminar.state;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rules for state-file names, and a reversible escaping that turns any string (for example
 * {@code "source/orders"}) into a valid one ({@code "source_2Forders"}).
 *
 * <p>A name is used verbatim as a file name inside the checkpoint directory, so it must match
 * {@code [A-Za-z0-9._-]+}, must not contain {@code ".."}, must not be {@code "."}, must be at most
 * {@value #MAX_LENGTH} characters, and must not be {@value #MANIFEST} (the manifest's own name).
 */
public final class CheckpointNames {
  /** The manifest's file name inside a checkpoint directory; reserved. */
  public static final String MANIFEST = "manifest.json";
  /** Longest allowed name; keeps well below the 255-byte file-name limit of common filesystems. */
  public static final int MAX_LENGTH = 200;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final char ESCAPE = '_';
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private CheckpointNames() {
  }

  /** Why {@code name} cannot be used as a state-file name, or empty if it can. */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("a state file name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("state file name '" + abbreviate(name) + "' is " + name.length()
          + " characters long; the limit is " + MAX_LENGTH);
    }
    if (!VALID.matcher(name).matches()) {
      return Optional.of("state file name '" + abbreviate(name)
          + "' may only contain A-Z a-z 0-9 . _ - (use CheckpointNames.escape for other names)");
    }
    if (name.equals(".") || name.contains("..")) {
      return Optional.of("state file name '" + name + "' must not be '.' or contain '..'");
    }
    if (name.equals(MANIFEST)) {
      return Optional.of("state file name '" + MANIFEST + "' is reserved for the manifest");
    }
    return Optional.empty();
  }

  /** Whether {@code name} can be used as a state-file name as is. */
  public static boolean isValid(String name) {
    return problem(name).isEmpty();
  }

  /** Throws {@link IllegalArgumentException} with the reason unless {@code name} is valid. */
  public static String requireValid(String name) {
    problem(name).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    return name;
  }

  /**
   * A valid name that {@link #unescape(String)} maps back to {@code raw}. Letters, digits and
   * {@code -} are kept; every other UTF-8 byte becomes {@code _XX} (upper-case hex), except a
   * {@code .} that is neither first, last, nor right after another {@code .}, which is kept.
   * The result can still be too long or be {@value #MANIFEST}; {@link #requireValid} says so.
   */
  public static String escape(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw new IllegalArgumentException("cannot escape an empty state file name");
    }
    byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      boolean keptDot = b == '.' && i > 0 && i < bytes.length - 1 && bytes[i - 1] != '.';
      if (isPlain(b) || keptDot) {
        out.append((char) b);
      } else {
        out.append(ESCAPE).append(HEX[b >> 4]).append(HEX[b & 0xF]);
      }
    }
    return out.toString();
  }

  /** The string {@link #escape(String)} was given; throws on text that escape cannot produce. */
  public static String unescape(String escaped) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == ESCAPE) {
        if (i + 2 >= escaped.length()) {
          throw new IllegalArgumentException("'" + escaped + "' ends inside an escape at index " + i);
        }
        int hi = Character.digit(escaped.charAt(i + 1), 16);
        int lo = Character.digit(escaped.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("'" + escaped + "' has a bad escape at index " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80 && (isPlain(c) || c == '.')) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException(
            "'" + escaped + "' has character '" + c + "' at index " + i + ", which escape never emits");
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isPlain(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-';
  }

  private static String abbreviate(String name) {
    return name.length() <= 60 ? name : name.substring(0, 57) + "...";
  }
}
