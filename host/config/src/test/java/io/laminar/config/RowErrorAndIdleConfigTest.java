package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.source;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [pipeline] on.error}, {@code dead_letter.path} and {@code [source.watermark] idle_timeout}. */
class RowErrorAndIdleConfigTest {
  @TempDir
  Path dir;

  private static final String PIPELINE = "[[pipeline]]\nname = \"p\"\nsql = \"SELECT id FROM s\"\n";

  private Path file(String toml) {
    return write(dir, "laminar.toml", source("s") + PIPELINE + toml);
  }

  @Test
  void onErrorDefaultsToFail() {
    PipelineConfig p = ok(load(file(""))).pipelines().get(0);
    assertEquals(RowErrorPolicy.FAIL, p.onError());
    assertEquals(Optional.empty(), p.deadLetterPath());
  }

  @Test
  void skipAndDeadLetterAreRead() throws Exception {
    assertEquals(RowErrorPolicy.SKIP, ok(load(file("on.error = \"skip\"\n"))).pipelines().get(0).onError());
    Files.createDirectories(dir.resolve("conf"));
    Path f = write(dir.resolve("conf"), "laminar.toml", source("s") + PIPELINE
        + "on.error = \"dead_letter\"\ndead_letter.path = \"../errors/bad.jsonl\"\n");
    PipelineConfig p = ok(load(f)).pipelines().get(0);
    assertEquals(RowErrorPolicy.DEAD_LETTER, p.onError());
    assertEquals(Optional.of(dir.resolve("errors/bad.jsonl").toAbsolutePath().normalize()), p.deadLetterPath());
  }

  @Test
  void aWrongOnErrorValueSuggestsTheClosest() {
    Path f = file("on.error = \"skp\"\n");
    assertOnlyError(load(f), f, 8, 12, "'error' in 'on' of pipeline 'p' must be one of fail, skip, dead_letter, got"
        + " \"skp\". Did you mean 'skip'?");
  }

  @Test
  void aMisspeltOnErrorKeySuggestsTheDottedKey() {
    Path f = file("on_error = \"skip\"\n");
    assertOnlyError(load(f), f, 8, 1, "unknown key 'on_error' in pipeline 'p'. Did you mean 'on.error'?");
  }

  @Test
  void anUnknownKeyUnderOnSuggestsError() {
    Path f = file("on.eror = \"skip\"\n");
    assertOnlyError(load(f), f, 8, 1, "unknown key 'eror' in 'on' of pipeline 'p'. Did you mean 'error'?");
  }

  @Test
  void deadLetterWithoutAPathIsAnErrorAtTheValue() {
    Path f = file("on.error = \"dead_letter\"\n");
    assertOnlyError(load(f), f, 8, 12, "pipeline 'p' has on.error = \"dead_letter\" but no dead_letter.path: add "
        + "dead_letter.path = \"errors.jsonl\" (a file, relative to this config file)");
  }

  @Test
  void aDeadLetterPathWithoutDeadLetterIsAnError() {
    Path f = file("on.error = \"skip\"\ndead_letter.path = \"x.jsonl\"\n");
    assertOnlyError(load(f), f, 9, 20, "dead_letter.path in pipeline 'p' is only used with on.error = "
        + "\"dead_letter\", but on.error is \"skip\"");
  }

  @Test
  void aDeadLetterSinkIsRefusedWithTheFileForm() {
    Path f = file("on.error = \"dead_letter\"\ndead_letter.sink = \"errors\"\n");
    assertOnlyError(load(f), f, 9, 1, "dead letters go to a file: write dead_letter.path = \"errors.jsonl\" in "
        + "pipeline 'p' (a sink is not supported for them)");
  }

  private Path withWatermark(String watermark) {
    return write(dir, "laminar.toml", "[[source]]\nname = \"s\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"ts\", type = \"TIMESTAMP\" }]\n[source.watermark]\ncolumn = \"ts\"\n" + watermark);
  }

  @Test
  void idleTimeoutIsReadAndOffByDefault() {
    assertEquals(Optional.empty(), ok(load(withWatermark(""))).sources().get(0).watermark().get().idleTimeout());
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        ok(load(withWatermark("idle_timeout = \"30s\"\n"))).sources().get(0).watermark().get().idleTimeout());
  }

  @Test
  void idleTimeoutMustBePositiveAndSpelledRight() {
    Path f = withWatermark("idle_timeout = \"0s\"\n");
    assertOnlyError(load(f), f, 7, 16, "'idle_timeout' in the watermark of source 's' must be greater than 0");
    Path g = withWatermark("idle_timout = \"5s\"\n");
    assertOnlyError(load(g), g, 7, 1, "unknown key 'idle_timout' in the watermark of source 's'. Did you mean "
        + "'idle_timeout'?");
  }
}
