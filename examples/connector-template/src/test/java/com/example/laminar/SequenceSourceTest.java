package com.example.laminar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the conformance suite cannot know: the sequence source refuses a wrong schema and a negative count. */
class SequenceSourceTest {
  private static final Schema ONE_BIGINT = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void everyBufferIsReleased() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private Source create(Map<String, ?> properties) throws ConnectorException {
    return new SequenceSourceFactory().create(TestConnectorContext.builder("numbers", ConnectorKind.SOURCE)
        .properties(properties).schema(ONE_BIGINT).allocator(allocator).build());
  }

  @Test
  void aSchemaOtherThanOneBigintIsRefused() {
    Schema text = new Schema(List.of(Field.nullable("a", new ArrowType.Utf8())));
    ConnectorException e = assertThrows(ConnectorException.class, () -> new SequenceSourceFactory()
        .create(TestConnectorContext.builder("numbers", ConnectorKind.SOURCE).schema(text).allocator(allocator).build()));
    assertTrue(e.getMessage().contains("needs exactly one BIGINT column"), e.getMessage());
  }

  @Test
  void aNegativeCountIsRefusedNamingTheProperty() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> create(Map.of("count", -1L)));
    assertEquals("count", e.property().orElseThrow());
  }
}
