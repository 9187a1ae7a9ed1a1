package io.laminar.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Strict UTF-8 decoding that reports the first invalid byte at its line and column. */
final class Utf8Text {
  private Utf8Text() {
  }

  /** The text of {@code bytes}, or empty with an error at the first byte that is not valid UTF-8. */
  static Optional<String> decode(byte[] bytes, Path file, Problems problems) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int bad = in.position();
      problems.add(positionOf(bytes, bad, file), "configuration file is not valid UTF-8: byte 0x"
          + String.format("%02X", bytes[bad] & 0xFF) + " at byte offset " + bad + " (save the file as UTF-8)");
      return Optional.empty();
    }
    out.flip();
    return Optional.of(out.toString());
  }

  /** Line and column (in characters) of byte {@code offset}; everything before it is valid UTF-8. */
  private static Position positionOf(byte[] bytes, int offset, Path file) {
    String before;
    try {
      before = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, offset)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("bytes before the first invalid one decode", e);
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < before.length(); i++) {
      if (before.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(file, line, before.codePointCount(lineStart, before.length()) + 1);
  }
}
