package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's reference configuration runs as shown: it is taken from README.md itself (so the two
 * cannot drift), must equal the shipped examples/reference.toml, and is validated and dry-run in a
 * child JVM started from another working directory, as a user would, with only LAMINAR_TOKEN set.
 */
class ReferenceConfigTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent().getParent();

  @TempDir Path dir;

  static String referenceFromReadme() throws Exception {
    String readme = Files.readString(REPO.resolve("README.md"));
    int section = readme.indexOf("## Configuration reference");
    assertTrue(section >= 0, "README.md has a configuration reference");
    int start = readme.indexOf("```toml\n", section) + "```toml\n".length();
    int end = readme.indexOf("```", start);
    return readme.substring(start, end);
  }

  @Test
  void theShippedReferenceIsTheReadmes() throws Exception {
    assertEquals(referenceFromReadme(), Files.readString(REPO.resolve("examples/reference.toml")),
        "examples/reference.toml must be the README's reference config; copy it over");
  }

  private record Outcome(int code, String output) {
  }

  private Outcome laminar(Path workingDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "laminar", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("LAMINAR_PLUGINS");
    pb.environment().put("LAMINAR_TOKEN", "change-me");
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("laminar " + String.join(" ", args) + " did not finish:\n" + Files.readString(log));
    }
    return new Outcome(p.exitValue(), Files.readString(log));
  }

  @Test
  void theReadmesReferenceValidatesAndDryRunsFromAnotherDirectory() throws Exception {
    Path examples = Files.createDirectories(dir.resolve("install/examples"));
    Files.writeString(examples.resolve("reference.toml"), referenceFromReadme());
    Files.copy(REPO.resolve("examples/instruments.csv"), examples.resolve("instruments.csv"));
    Path elsewhere = Files.createDirectories(dir.resolve("somewhere/else"));
    String config = "../../install/examples/reference.toml";

    Outcome validate = laminar(elsewhere, "validate", "-c", config);
    assertEquals(ExitCode.OK, validate.code(), validate.output());
    assertTrue(validate.output().contains("configuration is valid: 1 sources, 1 lookups, 1 pipelines, 1 sinks"),
        validate.output());

    Outcome dryRun = laminar(elsewhere, "run", "--dry-run", "-c", config);
    assertEquals(ExitCode.OK, dryRun.code(), dryRun.output());
    Path state = examples.resolve("data/state").toAbsolutePath().normalize();
    Path checkpoints = examples.resolve("data/checkpoints").toAbsolutePath().normalize();
    assertTrue(dryRun.output().contains("state in " + state + ", checkpoints in " + checkpoints), dryRun.output());
    assertFalse(Files.exists(elsewhere.resolve("data")), "nothing is created relative to the working directory");
  }
}
