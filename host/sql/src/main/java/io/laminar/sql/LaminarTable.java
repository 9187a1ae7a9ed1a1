package io.laminar.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.impl.AbstractTable;

/** A catalog table as Calcite sees it: just a row type. Calcite plans over it and never reads it. */
class LaminarTable extends AbstractTable {
  final CatalogTable table;
  private final RelDataType rowType;

  LaminarTable(CatalogTable table, RelDataTypeFactory factory) {
    this.table = table;
    this.rowType = ArrowTypes.rowType(table.schema(), factory);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return rowType;
  }

  /** Lookups accept {@code FOR SYSTEM_TIME AS OF}; the time is ignored, a lookup always reads "now". */
  static final class Lookup extends LaminarTable implements TemporalTable {
    Lookup(CatalogTable table, RelDataTypeFactory factory) {
      super(table, factory);
    }

    @Override
    public String getSysStartFieldName() {
      return "__sys_start";
    }

    @Override
    public String getSysEndFieldName() {
      return "__sys_end";
    }
  }
}
