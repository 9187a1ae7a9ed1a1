package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.nio.file.Path;

/** The {@code csv} lookup: a CSV file loaded into memory at start, keyed by the primary key. */
public final class CsvLookupFactory implements LookupFactory {
  static final String PATH = "path";
  static final String HEADER = "header";
  static final String DELIMITER = "delimiter";
  static final String NULL_VALUE = "null_value";

  private static final ConnectorSpec SPEC = ConnectorSpec.builder("csv", ConnectorKind.LOOKUP)
      .description("Reads a CSV file into memory at start; rows are matched on the lookup's primary_key.")
      .property(PropertySpec.builder(PATH, PropertyType.PATH).required()
          .doc("The CSV file; a relative path is resolved against the directory of the config file that sets it")
          .build())
      .property(PropertySpec.builder(HEADER, PropertyType.BOOLEAN).defaultValue("true")
          .doc("true = the first line names the columns (matched by name); false = columns in schema order").build())
      .property(PropertySpec.builder(DELIMITER, PropertyType.STRING).defaultValue(",")
          .doc("The single-character field separator").build())
      .property(PropertySpec.builder(NULL_VALUE, PropertyType.STRING).defaultValue("")
          .doc("The cell text that means NULL").build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public LookupSource create(ConnectorContext context) throws ConnectorException {
    var p = context.properties();
    String delimiter = p.string(DELIMITER).orElse(",");
    if (delimiter.length() != 1) {
      throw ConnectorException.invalidProperty(DELIMITER, delimiter, "must be exactly one character");
    }
    if (context.primaryKey().isEmpty()) {
      throw ConnectorException.invalidProperty("primary_key", null, "the csv lookup needs a primary_key");
    }
    return new CsvLookupSource(context, Path.of(p.requireString(PATH)), p.bool(HEADER).orElse(true),
        delimiter.charAt(0), p.string(NULL_VALUE).orElse(""));
  }
}
