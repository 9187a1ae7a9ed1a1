package io.laminar.api;

/**
 * The change a row represents in a changelog batch (CDC sources). Append-only sources emit only
 * {@link #INSERT} and need no row-kind vector at all.
 */
public enum RowKind {
  /** A new row. */
  INSERT((byte) 0),
  /** The old image of an updated row. */
  UPDATE_BEFORE((byte) 1),
  /** The new image of an updated row. */
  UPDATE_AFTER((byte) 2),
  /** A removed row. */
  DELETE((byte) 3);

  private final byte code;

  RowKind(byte code) {
    this.code = code;
  }

  /** The byte stored in a batch's row-kind vector. */
  public byte code() {
    return code;
  }

  /** Flink's short notation, as laminar prints it: {@code +I}, {@code -U}, {@code +U}, {@code -D}. */
  public String shortString() {
    return switch (this) {
      case INSERT -> "+I";
      case UPDATE_BEFORE -> "-U";
      case UPDATE_AFTER -> "+U";
      case DELETE -> "-D";
    };
  }

  /** The kind written in {@link #shortString() short notation}. */
  public static RowKind fromShortString(String s) {
    return switch (s) {
      case "+I" -> INSERT;
      case "-U" -> UPDATE_BEFORE;
      case "+U" -> UPDATE_AFTER;
      case "-D" -> DELETE;
      default -> throw new IllegalArgumentException("unknown row kind '" + s + "': use +I, -U, +U or -D");
    };
  }

  /** The kind for a stored byte. */
  public static RowKind fromCode(byte code) {
    switch (code) {
      case 0: return INSERT;
      case 1: return UPDATE_BEFORE;
      case 2: return UPDATE_AFTER;
      case 3: return DELETE;
      default: throw new IllegalArgumentException("unknown row kind " + code);
    }
  }
}
