package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.assertOnlyErrorContains;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.source;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One malformed configuration per test: the exact message and its file:line:col. */
class MalformedConfigTest {
  @TempDir
  Path dir;

  private Path file(String toml) {
    return write(dir, "laminar.toml", toml);
  }

  @Test
  void tomlSyntaxErrorIsReportedWithPosition() {
    Path f = file("[server]\nbind = \"127.0.0.1:8080\nworkers = 2\n");
    assertOnlyError(load(f), f, 2, 23, "TOML syntax error: Unexpected end of line, expected \" or a character");
  }

  @Test
  void missingFileIsReportedAtItsName() {
    Path f = dir.resolve("nope.toml");
    assertOnlyError(load(f), f, 0, 0, "configuration file not found");
  }

  @Test
  void unknownTopLevelSectionSuggestsTheClosest() {
    Path f = file("[servr]\nworkers = 2\n");
    assertOnlyError(load(f), f, 1, 1, "unknown section [servr]. Did you mean 'server'?");
  }

  @Test
  void unknownKeyInServerSuggestsTheClosest() {
    Path f = file("[server]\nworkrs = 2\n");
    assertOnlyError(load(f), f, 2, 1, "unknown key 'workrs' in [server]. Did you mean 'workers'?");
  }

  @Test
  void unknownKeyInSourceSuggestsTheClosest() {
    Path f = file(source("orders") + "watermrk = { column = \"id\" }\n");
    assertOnlyError(load(f), f, 5, 1, "unknown key 'watermrk' in source 'orders'. Did you mean 'watermark'?");
  }

  @Test
  void sourceFormatIsNotSilentlyIgnoredButPointsToTheConnectorProperty() {
    Path f = file(source("orders") + "format = \"json\"\n");
    assertOnlyError(load(f), f, 5, 1, "'format' is not a key of [[source]] (source 'orders'): a connector that"
        + " decodes bytes takes it as a property, checked against its spec. Move it under [source.properties],"
        + " e.g. format = \"json\" for kafka; `laminar plugins describe <type>` lists a connector's properties");
  }

  @Test
  void wrongTomlTypeNamesKeyExpectedAndActual() {
    Path f = file("[server]\nworkers = \"two\"\n");
    assertOnlyError(load(f), f, 2, 11, "'workers' in [server] must be an integer, got the string \"two\"");
  }

  @Test
  void schemaThatIsNotAnArrayOfTablesIsRejected() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\nschema = \"id BIGINT\"\n");
    assertOnlyError(load(f), f, 4, 10, "'schema' in source 's' must be an array of tables ([[source.schema]]), got a string");
  }

  @Test
  void sourceWithoutNameIsRejected() {
    Path f = file("[[source]]\nconnector = \"generator\"\nschema = [{ name = \"id\", type = \"INT\" }]\n");
    assertOnlyError(load(f), f, 1, 1, "source #1 is missing 'name'");
  }

  @Test
  void emptyNameIsRejected() {
    Path f = file("[[pipeline]]\nname = \"\"\nsql = \"SELECT 1\"\n");
    assertOnlyError(load(f), f, 2, 8, "pipeline name must not be empty");
  }

  @Test
  void nameThatIsNotAnIdentifierIsRejected() {
    Path f = file(source("my-orders"));
    assertOnlyError(load(f), f, 2, 8,
        "source name 'my-orders' is not a valid identifier: use letters, digits and '_', not starting with a digit");
  }

  @Test
  void duplicateSourceNamesPointAtTheSecondAndNameTheFirst() {
    Path f = file(source("orders") + source("Orders"));
    assertOnlyError(load(f), f, 6, 8, "duplicate source name 'Orders' (first defined at " + f + ":2:8)");
  }

  @Test
  void duplicatePipelineNamesAreRejected() {
    Path f = file("[[pipeline]]\nname = \"p\"\nsql = \"SELECT 1\"\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT 2\"\n");
    assertOnlyError(load(f), f, 5, 8, "duplicate pipeline name 'p' (first defined at " + f + ":2:8)");
  }

  @Test
  void lookupNamedLikeASourceIsRejected() {
    Path f = file(source("orders") + "[[lookup]]\nname = \"orders\"\nconnector = \"csv\"\nprimary_key = [\"id\"]\n"
        + "schema = [{ name = \"id\", type = \"INT\" }]\n");
    assertOnlyError(load(f), f, 6, 8, "lookup 'orders' has the same name as source 'orders' (defined at " + f
        + ":2:8); sources and lookups share one SQL namespace");
  }

  @Test
  void badDurationExplainsTheFormat() {
    Path f = file("[checkpoint]\ninterval = \"10 parsecs\"\n");
    assertOnlyError(load(f), f, 2, 12, "'interval' in [checkpoint] is not a valid duration: \"10 parsecs\""
        + " (use a number and a unit: ns, us, ms, s, m, h, d, e.g. \"250ms\", \"1.5s\", \"1m30s\")");
  }

  @Test
  void badColumnTypeListsTheSupportedTypes() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n[[source.schema]]\nname = \"sym\"\n"
        + "type = \"VARCHR\"\n");
    assertOnlyError(load(f), f, 6, 8, "unknown type 'VARCHR' for column 'sym' of source 's'. Did you mean 'VARCHAR'?"
        + " Supported types: INT, INTEGER, BIGINT, DOUBLE, FLOAT8, FLOAT, FLOAT4, DECIMAL, NUMERIC, DEC, VARCHAR,"
        + " STRING, TEXT, BOOLEAN, BOOL, TIMESTAMP, TIMESTAMP_LTZ, TIMESTAMP WITH LOCAL TIME ZONE, DATE");
  }

  private void assertTypeError(String type, String message) {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n[[source.schema]]\nname = \"amount\"\n"
        + "type = \"" + type + "\"\n");
    assertOnlyError(load(f), f, 6, 8, "invalid type '" + type + "' for column 'amount' of source 's': " + message);
  }

  @Test
  void decimalPrecisionBeyondThirtyEightIsRefusedAtTheType() {
    assertTypeError("DECIMAL(40,2)", "DECIMAL precision 40 is out of range: it must be 1 to 38 digits");
    assertTypeError("NUMERIC(0)", "DECIMAL precision 0 is out of range: it must be 1 to 38 digits");
  }

  @Test
  void decimalScaleAbovePrecisionIsRefusedAtTheType() {
    assertTypeError("DECIMAL(5,7)", "DECIMAL scale 7 is larger than its precision 5: the scale counts digits after"
        + " the point, of the 5 digits in all");
  }

  @Test
  void subMillisecondTimestampIsRefusedAtTheType() {
    assertTypeError("TIMESTAMP(9)", "TIMESTAMP(9) is not supported: timestamps hold milliseconds (TIMESTAMP,"
        + " TIMESTAMP(3)) or microseconds (TIMESTAMP(6))");
    assertTypeError("TIMESTAMP_LTZ(6)", "TIMESTAMP_LTZ(6) is not supported: a TIMESTAMP WITH LOCAL TIME ZONE holds"
        + " milliseconds; use TIMESTAMP_LTZ or TIMESTAMP_LTZ(3)");
  }

  @Test
  void timestampPrecisionsAndLocalTimeZoneMapToArrow() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"a\", type = \"TIMESTAMP(6)\" }, { name = \"b\", type = \"timestamp(0)\" },"
        + " { name = \"c\", type = \"TIMESTAMP_LTZ\" }, { name = \"d\", type = \"TIMESTAMP(3) WITH LOCAL TIME ZONE\" }]\n");
    ConfigResult r = load(f);
    assertEquals(List.of(), r.errors());
    List<ColumnDef> columns = r.config().sources().get(0).schema();
    assertEquals(List.of(new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
        org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null),
        new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND,
            null),
        new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND,
            "UTC"),
        new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND,
            "UTC")), Schemas.toArrow(columns).getFields().stream().map(x -> x.getType()).toList());
  }

  @Test
  void microsecondAndLocalTimeZoneWatermarkColumnsAreAccepted() {
    for (String type : List.of("TIMESTAMP(6)", "TIMESTAMP_LTZ", "TIMESTAMP(3) WITH LOCAL TIME ZONE")) {
      Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n[[source.schema]]\nname = \"ts\"\n"
          + "type = \"" + type + "\"\n[source.watermark]\ncolumn = \"ts\"\nmax_out_of_orderness = \"250ms\"\n");
      ConfigResult r = load(f);
      assertEquals(List.of(), r.errors(), type);
      assertEquals("ts", r.config().sources().get(0).watermark().orElseThrow().column(), type);
    }
  }

  @Test
  void parametersOnOtherTypesAreRefusedAtTheType() {
    assertTypeError("INT(4)", "INT takes no parameter, not 'INT(4)'");
    assertTypeError("VARCHAR(1, 2)", "VARCHAR takes at most one parameter, not 'VARCHAR(1, 2)'");
  }

  @Test
  void decimalColumnsCarryPrecisionAndScaleToArrow() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"a\", type = \"DECIMAL(12, 2)\" }, { name = \"b\", type = \"numeric\" },"
        + " { name = \"c\", type = \"DEC(38)\" }]\n");
    ConfigResult r = load(f);
    assertEquals(List.of(), r.errors());
    List<ColumnDef> columns = r.config().sources().get(0).schema();
    assertEquals(List.of(new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(12, 2, 128),
        new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(10, 0, 128),
        new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(38, 0, 128)),
        Schemas.toArrow(columns).getFields().stream().map(x -> x.getType()).toList());
    assertEquals("DECIMAL(12, 2)", columns.get(0).typeName());
  }

  @Test
  void duplicateColumnIsRejected() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"id\", type = \"INT\" }, { name = \"ID\", type = \"BIGINT\" }]\n");
    assertOnlyError(load(f), f, 4, 51, "duplicate column 'ID' in source 's' (first declared at " + f + ":4:11)");
  }

  @Test
  void sourceWithoutSchemaIsRejected() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n");
    assertOnlyError(load(f), f, 1, 1,
        "source 's' has no schema: add [[source.schema]] entries with 'name' and 'type'");
  }

  @Test
  void watermarkOnMissingColumnSuggestsTheClosest() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"ts\", type = \"TIMESTAMP\" }, { name = \"id\", type = \"INT\" }]\n"
        + "watermark = { column = \"tss\" }\n");
    assertOnlyError(load(f), f, 5, 24, "watermark column 'tss' is not a column of source 's'. Did you mean 'ts'?"
        + " Columns: ts, id");
  }

  @Test
  void watermarkOnNonTimestampColumnIsRejected() {
    Path f = file(source("s") + "[source.watermark]\ncolumn = \"id\"\n");
    assertOnlyError(load(f), f, 6, 10, "watermark column 'id' of source 's' must be a TIMESTAMP, TIMESTAMP(6) or"
        + " TIMESTAMP_LTZ, but it is BIGINT");
  }

  @Test
  void lookupWithoutPrimaryKeyIsRejected() {
    Path f = file("[[lookup]]\nname = \"l\"\nconnector = \"csv\"\nschema = [{ name = \"id\", type = \"INT\" }]\n");
    assertOnlyError(load(f), f, 1, 1,
        "lookup 'l' is missing 'primary_key': the key columns lookups are made by, e.g. primary_key = [\"id\"]");
  }

  @Test
  void primaryKeyColumnMustBeInTheSchema() {
    Path f = file("[[lookup]]\nname = \"l\"\nconnector = \"csv\"\nprimary_key = [\"id\", \"nme\"]\n"
        + "schema = [{ name = \"id\", type = \"INT\" }, { name = \"name\", type = \"TEXT\" }]\n");
    assertOnlyError(load(f), f, 4, 22,
        "primary key column 'nme' is not a column of lookup 'l'. Did you mean 'name'? Columns: id, name");
  }

  @Test
  void sinkDeliveryOutOfRangeListsTheValues() {
    Path f = file("[[sink]]\nname = \"k\"\npipeline = \"p\"\nconnector = \"stdout\"\ndelivery = \"exactly_onse\"\n");
    assertOnlyError(load(f), f, 5, 12, "'delivery' in sink 'k' must be one of best_effort, at_least_once,"
        + " exactly_once, got \"exactly_onse\". Did you mean 'exactly_once'?");
  }

  @Test
  void unsetEnvironmentVariableIsReportedAtTheValue() {
    Path f = file("[server]\nauth_token = \"${LAMINAR_TOKEN}\"\n");
    assertOnlyError(load(f), f, 2, 14,
        "environment variable 'LAMINAR_TOKEN' is not set (set it, or give a default: ${LAMINAR_TOKEN:-default})");
  }

  @Test
  void bindWithoutPortIsRejected() {
    Path f = file("[server]\nbind = \"localhost\"\n");
    assertOnlyErrorContains(load(f), f, 2, 8, "'bind' in [server] must be \"host:port\"");
  }

  @Test
  void bindWithPortOutOfRangeIsRejected() {
    Path f = file("[server]\nbind = \"127.0.0.1:70000\"\n");
    assertOnlyErrorContains(load(f), f, 2, 8, "got \"127.0.0.1:70000\"");
  }

  @Test
  void negativeWorkersAreRejected() {
    Path f = file("[server]\nworkers = -2\n");
    assertOnlyError(load(f), f, 2, 11, "'workers' in [server] must be between 1 and 4096, got -2");
  }

  @Test
  void retainZeroIsRejected() {
    Path f = file("[checkpoint]\nretain = 0\n");
    assertOnlyError(load(f), f, 2, 10, "'retain' in [checkpoint] must be at least 1, got 0");
  }

  @Test
  void pipelineWithoutSqlIsRejected() {
    Path f = file("[[pipeline]]\nname = \"p\"\n");
    assertOnlyError(load(f), f, 1, 1, "pipeline 'p' is missing 'sql'");
  }

  @Test
  void logLevelOutOfRangeIsRejected() {
    Path f = file("[server]\nlog_level = \"verbose\"\n");
    assertOnlyError(load(f), f, 2, 13,
        "'log_level' in [server] must be one of trace, debug, info, warn, error, got \"verbose\".");
  }

  @Test
  void sourceDeclaredAsPlainTableIsRejected() {
    Path f = file("[source]\nname = \"s\"\n");
    assertOnlyError(load(f), f, 1, 1, "'source' must be an array of tables ([[source]]), got a table");
  }

  @Test
  void connectorWithEmptyPluginIdIsRejected() {
    Path f = file("[[sink]]\nname = \"k\"\npipeline = \"p\"\nconnector = \"kafka@\"\n");
    assertOnlyError(load(f), f, 4, 13, "'connector' in sink 'k' must be \"type\" or \"type@plugin-id\", got \"kafka@\"");
  }

  @Test
  void nonFileCheckpointUrlIsRejected() {
    Path f = file("[checkpoint]\nurl = \"s3://bucket/cp\"\n");
    assertOnlyError(load(f), f, 2, 7,
        "'url' in [checkpoint] is not a usable checkpoint location \"s3://bucket/cp\": only file:// URLs are supported");
  }

  @Test
  void checkpointUrlAndPathInOneFileConflict() {
    Path f = file("[checkpoint]\nurl = \"file:///a\"\npath = \"b\"\n");
    assertOnlyError(load(f), f, 3, 1, "set either 'url' or 'path' in [checkpoint], not both");
  }

  @Test
  void cacheWithZeroSizeIsRejected() {
    Path f = file("[[lookup]]\nname = \"l\"\nconnector = \"csv\"\nprimary_key = [\"id\"]\n"
        + "schema = [{ name = \"id\", type = \"INT\" }]\ncache = { size = 0, ttl = \"1m\" }\n");
    assertOnlyError(load(f), f, 6, 18, "'size' in the cache of lookup 'l' must be at least 1, got 0");
  }

  @Test
  void unknownKeyInColumnIsRejected() {
    Path f = file("[[source]]\nname = \"s\"\nconnector = \"g\"\n[[source.schema]]\nname = \"id\"\ntype = \"INT\"\n"
        + "nulable = false\n");
    assertOnlyError(load(f), f, 7, 1, "unknown key 'nulable' in column #1 of source 's'. Did you mean 'nullable'?");
  }

  @Test
  void severalErrorsInOneFileAreAllReportedInOrder() {
    Path f = file("[server]\nworkers = 0\nlog_level = \"loud\"\n\n[[pipeline]]\nname = \"1p\"\nsql = \"SELECT 1\"\n"
        + "\n[checkpoint]\nretain = 0\ninterval = \"soon\"\n");
    ConfigResult r = load(f);
    assertNull(r.config());
    assertEquals(List.of(f + ":2:11", f + ":3:13", f + ":6:8", f + ":10:10", f + ":11:12"),
        r.errors().stream().map(e -> e.position().toString()).toList());
  }

  @Test
  void errorsAcrossFilesAreSortedByFileOrderThenLine() {
    Path z = write(dir, "z.toml", "[server]\nworkers = 0\n");
    Path a = write(dir, "a.toml", "[server]\nbind = \"x\"\n[state]\npth = \"p\"\n");
    ConfigResult r = load(Map.of(), z, a);
    assertFalse(r.ok());
    assertEquals(List.of(z + ":2:11", a + ":2:8", a + ":4:1"),
        r.errors().stream().map(e -> e.position().toString()).toList());
  }
}
