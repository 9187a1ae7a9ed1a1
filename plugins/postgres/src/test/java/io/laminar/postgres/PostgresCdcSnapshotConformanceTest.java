package io.laminar.postgres;

/**
 * The source suite over postgres_cdc in its initial snapshot: every fresh start gets a new table
 * holding the rows and a slot that does not exist yet (snapshot.mode = initial). A restore during
 * the snapshot reads the table again ({@link LaminarSnapshotter}: at-least-once, converging for an
 * upsert target), so the restores are checked for lost rows only.
 */
class PostgresCdcSnapshotConformanceTest extends PostgresCdcConformanceTest {
  @Override
  protected void freshStart() throws Exception {
    dropSlot();
    table = Fixtures.unique("snap");
    slot = Fixtures.unique("slot");
    exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text)",
        "INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(0, " + (expectedRows() - 1) + ") g");
  }

  @Override
  String snapshotMode() {
    return "initial";
  }

  @Override
  protected boolean restoreMayRepeat() {
    return true;
  }
}
