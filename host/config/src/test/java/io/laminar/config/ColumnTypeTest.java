package io.laminar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnTypeTest {
  @ParameterizedTest
  @CsvSource({"INT,INT", "integer,INT", "BIGINT,BIGINT", "Double,DOUBLE", "FLOAT8,DOUBLE", "FLOAT,FLOAT",
      "float4,FLOAT", "VARCHAR,VARCHAR", "STRING,VARCHAR", "text,VARCHAR", "VARCHAR(255),VARCHAR",
      "BOOLEAN,BOOLEAN", "bool,BOOLEAN", "TIMESTAMP,TIMESTAMP", "TIMESTAMP(3),TIMESTAMP", "date,DATE", "DECIMAL,DECIMAL", "numeric(12),DECIMAL", "DEC(38),DECIMAL", "TIMESTAMP(6),TIMESTAMP", "timestamp_ltz,TIMESTAMP_LTZ"})
  void parsesEveryAliasCaseInsensitively(String text, ColumnType expected) {
    assertEquals(Optional.of(expected), ColumnType.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"VARCHR", "DECIMAL(40, 2)", "DECIMAL(5, 7)", "INT(4)", "TIMESTAMP(9)", "VARCHAR(", ""})
  void rejectsUnknownTypes(String text) {
    assertEquals(Optional.empty(), ColumnType.parse(text));
  }

  @Test
  void mapsEachTypeToItsArrowType() {
    assertEquals(new ArrowType.Int(32, true), ColumnType.INT.arrowType());
    assertEquals(new ArrowType.Int(64, true), ColumnType.BIGINT.arrowType());
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), ColumnType.DOUBLE.arrowType());
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), ColumnType.FLOAT.arrowType());
    assertEquals(ArrowType.Utf8.INSTANCE, ColumnType.VARCHAR.arrowType());
    assertEquals(ArrowType.Bool.INSTANCE, ColumnType.BOOLEAN.arrowType());
    assertEquals(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), ColumnType.TIMESTAMP.arrowType());
    assertEquals(new ArrowType.Date(DateUnit.DAY), ColumnType.DATE.arrowType());
  }

  @Test
  void schemaKeepsOrderNamesTypesAndNullability() {
    Position p = Position.startOf(Path.of("a.toml"));
    Schema s = Schemas.toArrow(List.of(new ColumnDef("id", ColumnType.BIGINT, false, p),
        new ColumnDef("ts", ColumnType.TIMESTAMP, true, p)));
    assertEquals(2, s.getFields().size());
    assertEquals("id", s.getFields().get(0).getName());
    assertFalse(s.getFields().get(0).isNullable());
    assertEquals(new ArrowType.Int(64, true), s.getFields().get(0).getType());
    assertTrue(s.getFields().get(1).isNullable());
    assertEquals(ColumnType.TIMESTAMP.arrowType(), s.getFields().get(1).getType());
  }
}
