package io.laminar.testkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Runs each conformance suite, through the JUnit Platform's {@link EngineTestKit}, against small
 * in-memory connectors: a correct one must pass every check, and each deliberately broken one must
 * be reported by the check its flaw breaks (with a message that says what went wrong) and by no
 * unrelated check.
 */
class SuitesCatchBrokenConnectorsTest {

  /** Failures of the run: test unique id → message. */
  private static Map<String, String> failures(Class<?> suite) {
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute();
    assertTrue(results.testEvents().started().count() > 0, "the suite ran no test");
    Map<String, String> out = new LinkedHashMap<>();
    for (Event e : results.allEvents().failed().list()) {
      String message = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
          .map(String::valueOf).orElse("?");
      out.put(e.getTestDescriptor().getUniqueId().toString(), message);
    }
    return out;
  }

  /** Every failure is one of {@code checks} (method names), and each of them failed with {@code text}. */
  private static void onlyThese(Map<String, String> failures, String text, String... checks) {
    onlyThese(failures, text, List.of(checks), List.of());
  }

  /**
   * Each of {@code checks} failed with {@code text}; every failure is one of them or of
   * {@code alsoAllowed} (checks the same flaw breaks, tested on their own).
   */
  private static void onlyThese(Map<String, String> failures, String text, List<String> checks,
      List<String> alsoAllowed) {
    for (String check : checks) {
      assertTrue(failures.entrySet().stream().anyMatch(f -> f.getKey().contains(check + "(") && f.getValue().contains(text)),
          "expected " + check + " to fail with '" + text + "'; failures: " + failures);
    }
    for (String id : failures.keySet()) {
      assertTrue(checks.stream().anyMatch(c -> id.contains(c + "(")) || alsoAllowed.stream().anyMatch(c -> id.contains(c + "(")),
          "unexpected failure " + id + ": " + failures.get(id));
    }
  }

  // ---------------------------------------------------------------- sources

  abstract static class MemorySourceSuite extends SourceConformance {
    abstract MemorySource.Flaw flaw();

    @Override
    protected SourceFactory factory() {
      return new MemorySource.Factory(flaw());
    }

    @Override
    protected Map<String, Object> properties() {
      return Map.of("rows", 200);
    }

    @Override
    protected Schema schema() {
      return MemorySource.SCHEMA;
    }

    @Override
    protected int expectedRows() {
      return 200;
    }

    @Override
    protected boolean bounded() {
      return true;
    }
  }

  static class GoodSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.NONE;
    }
  }

  static class RepeatingSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.REPEATS_A_ROW_AFTER_RESTORE;
    }
  }

  static class EarlyExhaustedSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.EXHAUSTED_EARLY;
    }
  }

  static class LeakingSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.LEAKS_ON_CLOSE;
    }
  }

  static class WrongSchemaSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.NONE;
    }

    @Override
    protected Schema schema() {
      return new Schema(List.of(MemorySource.SCHEMA.getFields().get(1), MemorySource.SCHEMA.getFields().get(0)));
    }
  }

  static class GoodSplitSource extends MemorySourceSuite {
    @Override
    MemorySource.Flaw flaw() {
      return MemorySource.Flaw.NONE;
    }

    @Override
    protected SourceFactory factory() {
      return new MemorySplitSource.Factory(false);
    }
  }

  static class RepeatingSplitSource extends GoodSplitSource {
    @Override
    protected SourceFactory factory() {
      return new MemorySplitSource.Factory(true);
    }
  }

  @Test
  void aCorrectSplitSourcePassesEveryCheckThroughItsReaders() {
    Map<String, String> failures = failures(GoodSplitSource.class);
    assertEquals(Map.of(), failures);
  }

  @Test
  void aSplitSourceWhoseReadersRepeatARowAfterRestoreIsReported() {
    onlyThese(failures(RepeatingSplitSource.class), "repeated", "splitReadersResumeExactlyWhereTheyStopped");
  }

  @Test
  void aCorrectSourcePassesEveryCheck() {
    MemorySource.CONTEXT_LOADERS.clear();
    assertEquals(Map.of(), failures(GoodSource.class));
  }

  @Test
  void everyCallRunsWithTheContextClassLoaderTheHostSets() {
    MemorySource.CONTEXT_LOADERS.clear();
    failures(GoodSource.class);
    failures(GoodSplitSource.class);
    assertTrue(!MemorySource.CONTEXT_LOADERS.isEmpty());
    for (ClassLoader l : MemorySource.CONTEXT_LOADERS) {
      assertTrue(l instanceof Harness.PluginLoader, "a call ran with context class loader " + l);
    }
  }

  @Test
  void aSourceThatRepeatsARowAfterRestoreIsReported() {
    onlyThese(failures(RepeatingSource.class), "repeated", List.of("resumesExactlyWhereItStopped",
        "splitReadersResumeExactlyWhereTheyStopped"), List.of("isExhaustedIsHonest"));
  }

  @Test
  void aSourceThatRepeatsItsLastRowWhenReopenedAtTheEndIsReported() {
    onlyThese(failures(RepeatingSource.class), "more: [[+I, 199, v199]]", List.of("isExhaustedIsHonest"),
        List.of("resumesExactlyWhereItStopped", "splitReadersResumeExactlyWhereTheyStopped"));
  }

  @Test
  void aSourceExhaustedTooEarlyIsReported() {
    Map<String, String> failures = failures(EarlyExhaustedSource.class);
    onlyThese(failures, "the source says it is done before handing out every row",
        List.of("readsEveryRowOnceThenNothingMore", "isExhaustedIsHonest", "batchesMatchTheConfiguredSchema",
            "snapshotRightAfterOpenResumesFromTheStart", "resumesExactlyWhereItStopped",
            "closeMidStreamReleasesEveryBuffer"), List.of("splitReadersResumeExactlyWhereTheyStopped"));
    onlyThese(failures, "exhausted after", List.of("splitReadersResumeExactlyWhereTheyStopped"),
        List.of("readsEveryRowOnceThenNothingMore", "isExhaustedIsHonest", "batchesMatchTheConfiguredSchema",
            "snapshotRightAfterOpenResumesFromTheStart", "resumesExactlyWhereItStopped",
            "closeMidStreamReleasesEveryBuffer"));
  }

  @Test
  void aSourceThatKeepsABufferAfterCloseIsReported() {
    onlyThese(failures(LeakingSource.class), "still holds", "readsEveryRowOnceThenNothingMore", "isExhaustedIsHonest",
        "batchesMatchTheConfiguredSchema", "snapshotRightAfterOpenResumesFromTheStart", "resumesExactlyWhereItStopped",
        "closeMidStreamReleasesEveryBuffer", "splitReadersResumeExactlyWhereTheyStopped");
  }

  @Test
  void aBatchThatDoesNotMatchTheConfiguredSchemaIsReportedByTheHostsCheck() {
    onlyThese(failures(WrongSchemaSource.class), "where the configured schema has", "readsEveryRowOnceThenNothingMore",
        "isExhaustedIsHonest", "batchesMatchTheConfiguredSchema", "snapshotRightAfterOpenResumesFromTheStart",
        "resumesExactlyWhereItStopped", "closeMidStreamReleasesEveryBuffer", "splitReadersResumeExactlyWhereTheyStopped");
  }

  // ---------------------------------------------------------------- sinks

  abstract static class MemorySinkSuite extends SinkConformance {
    private final String store = "store-" + UUID.randomUUID();

    abstract MemorySink.Flaw flaw();

    @AfterEach
    void forget() {
      MemorySink.COMMITTED.remove(store);
      MemorySink.PREPARED.remove(store);
    }

    @Override
    protected SinkFactory factory() {
      return new MemorySink.Factory(flaw());
    }

    @Override
    protected Map<String, Object> properties() {
      return Map.of("store", store);
    }

    @Override
    protected Schema schema() {
      return MemorySource.SCHEMA;
    }

    @Override
    protected io.laminar.api.DeliveryGuarantee delivery() {
      return io.laminar.api.DeliveryGuarantee.EXACTLY_ONCE;
    }

    @Override
    protected List<Long> readBack() {
      return MemorySink.committed(store);
    }
  }

  static class GoodSink extends MemorySinkSuite {
    @Override
    MemorySink.Flaw flaw() {
      return MemorySink.Flaw.NONE;
    }
  }

  static class NonIdempotentSink extends MemorySinkSuite {
    @Override
    MemorySink.Flaw flaw() {
      return MemorySink.Flaw.COMMIT_NOT_IDEMPOTENT;
    }
  }

  static class ForgetfulSink extends MemorySinkSuite {
    @Override
    MemorySink.Flaw flaw() {
      return MemorySink.Flaw.LOSES_PREPARED_EPOCH_ON_RESTART;
    }
  }

  static class OvereagerSink extends MemorySinkSuite {
    @Override
    MemorySink.Flaw flaw() {
      return MemorySink.Flaw.COMMITS_EPOCHS_AFTER_LAST_ON_RESTART;
    }
  }

  static class EagerCommitSink extends MemorySinkSuite {
    @Override
    MemorySink.Flaw flaw() {
      return MemorySink.Flaw.COMMIT_TAKES_ROWS_WRITTEN_AFTER_PREPARE;
    }
  }

  @Test
  void aCorrectSinkPassesEveryCheck() {
    assertEquals(Map.of(), failures(GoodSink.class));
  }

  @Test
  void aSinkWhoseCommitIsNotIdempotentIsReported() {
    onlyThese(failures(NonIdempotentSink.class), "visible more than once", "commitIsIdempotent");
  }

  @Test
  void aSinkThatLosesAPreparedEpochInACrashIsReported() {
    onlyThese(failures(ForgetfulSink.class), "not visible", "crashAfterPrepareOfACompletedCheckpointLosesNothing",
        "crashWithRowsOfTheNextEpochWrittenAfterPrepareOfACompletedCheckpointLosesAndRepeatsNothing");
  }

  @Test
  void aSinkWhoseCommitPublishesRowsOfTheNextEpochIsReported() {
    onlyThese(failures(EagerCommitSink.class), "never committed",
        "rowsWrittenWhileAnEpochCommitsOnAnotherThreadBelongToTheNextEpoch");
  }

  @Test
  void aSinkThatCommitsAFailedCheckpointsEpochAfterACrashIsReported() {
    onlyThese(failures(OvereagerSink.class), "visible more than once",
        "crashAfterPrepareOfAFailedCheckpointRepeatsNothing");
  }

  // ---------------------------------------------------------------- lookups

  abstract static class MemoryLookupSuite extends LookupConformance {
    private final String store = "store-" + UUID.randomUUID();

    abstract MemoryLookup.Flaw flaw();

    @BeforeEach
    void empty() {
      MemoryLookup.STORES.put(store, new java.util.concurrent.ConcurrentHashMap<>());
    }

    @AfterEach
    void forget() {
      MemoryLookup.STORES.remove(store);
    }

    @Override
    protected LookupFactory factory() {
      return new MemoryLookup.Factory(flaw());
    }

    @Override
    protected Map<String, Object> properties() {
      return Map.of("store", store);
    }

    @Override
    protected Schema schema() {
      return MemorySource.SCHEMA;
    }

    @Override
    protected List<String> primaryKey() {
      return List.of("id");
    }

    @Override
    protected void store(List<Map<String, Object>> rows) {
      for (Map<String, Object> row : rows) {
        MemoryLookup.STORES.get(store).put(row.get("id"), List.copyOf(row.values()));
      }
    }
  }

  static class GoodLookup extends MemoryLookupSuite {
    @Override
    MemoryLookup.Flaw flaw() {
      return MemoryLookup.Flaw.NONE;
    }
  }

  static class LeakingLookup extends MemoryLookupSuite {
    @Override
    MemoryLookup.Flaw flaw() {
      return MemoryLookup.Flaw.LEAKS_A_BUFFER;
    }
  }

  static class KeyIgnoringLookup extends MemoryLookupSuite {
    @Override
    MemoryLookup.Flaw flaw() {
      return MemoryLookup.Flaw.IGNORES_KEYS;
    }
  }

  static class NullFearingLookup extends MemoryLookupSuite {
    @Override
    MemoryLookup.Flaw flaw() {
      return MemoryLookup.Flaw.FAILS_ON_NULL_KEY;
    }
  }

  @Test
  void aCorrectLookupPassesEveryCheck() {
    assertEquals(Map.of(), failures(GoodLookup.class));
  }

  @Test
  void aLookupThatLeaksABufferIsReported() {
    onlyThese(failures(LeakingLookup.class), "still holds", "findsStoredRowsWithEveryColumn", "duplicateKeysInOneCall",
        "missingKeysAreAbsent", "nullKeysMatchNothing", "emptyKeyBatch", "concurrentCallsEachGetTheirOwnAnswer");
  }

  @Test
  void aLookupThatReturnsRowsOfOtherKeysIsReported() {
    onlyThese(failures(KeyIgnoringLookup.class), "not the stored row of a requested key", "findsStoredRowsWithEveryColumn",
        "duplicateKeysInOneCall", "missingKeysAreAbsent", "nullKeysMatchNothing", "emptyKeyBatch",
        "concurrentCallsEachGetTheirOwnAnswer");
  }

  @Test
  void aLookupThatFailsOnANullKeyIsReported() {
    onlyThese(failures(NullFearingLookup.class), "NullPointerException", "nullKeysMatchNothing");
  }

  // ---------------------------------------------------------------- specs

  /** A factory whose spec is {@code spec}. */
  abstract static class SpecSuite extends SpecConformance {
    abstract ConnectorSpec spec();

    @Override
    protected Object factory() {
      ConnectorSpec spec = spec();
      return new SinkFactory() {
        @Override
        public ConnectorSpec spec() {
          return spec;
        }

        @Override
        public io.laminar.api.Sink create(io.laminar.api.ConnectorContext context) {
          throw new UnsupportedOperationException();
        }
      };
    }
  }

  static class UndocumentedProperty extends SpecSuite {
    @Override
    ConnectorSpec spec() {
      return ConnectorSpec.builder("half_documented", ConnectorKind.SINK).description("A sink")
          .property(PropertySpec.builder("documented", PropertyType.STRING).doc("Has a doc").build())
          .property(PropertySpec.builder("undocumented", PropertyType.INT).defaultValue("3").build())
          .build();
    }
  }

  static class BadDefault extends SpecSuite {
    @Override
    ConnectorSpec spec() {
      return ConnectorSpec.builder("bad_default", ConnectorKind.SINK).description("A sink")
          .property(PropertySpec.builder("timeout", PropertyType.DURATION).defaultValue("ten seconds")
              .doc("How long").build())
          .build();
    }
  }

  static class PlainTextSecret extends SpecSuite {
    @Override
    ConnectorSpec spec() {
      return ConnectorSpec.builder("leaky", ConnectorKind.SINK).description("A sink")
          .property(PropertySpec.builder("api_token", PropertyType.STRING).doc("The service's token").build())
          .property(PropertySpec.builder("primary_key", PropertyType.STRING).doc("Not a credential").build())
          .build();
    }
  }

  static class BadTypeName extends SpecSuite {
    @Override
    ConnectorSpec spec() {
      return ConnectorSpec.builder("double__underscore_", ConnectorKind.SINK).build();
    }
  }

  static class WrongKind extends SpecSuite {
    @Override
    ConnectorSpec spec() {
      return ConnectorSpec.builder("source_in_disguise", ConnectorKind.SOURCE).description("A source").build();
    }
  }

  @Test
  void aSpecWithAnUndocumentedPropertyIsReported() {
    onlyThese(failures(UndocumentedProperty.class), "property 'undocumented' of half_documented is not documented",
        "specDocumentsEveryProperty");
  }

  @Test
  void aDefaultTheHostCannotReadIsReported() {
    onlyThese(failures(BadDefault.class), "declares an invalid default for property 'timeout'",
        "specDefaultsAreValidForTheirOwnType", "propertiesPassTheHostsValidation");
  }

  @Test
  void aCredentialThatIsNotAPasswordIsReported() {
    Map<String, String> failures = failures(PlainTextSecret.class);
    onlyThese(failures, "property 'api_token' of leaky holds a credential", "specTypesSecretsAsPasswords");
    assertTrue(failures.values().stream().noneMatch(m -> m.contains("primary_key")), failures.toString());
  }

  @Test
  void aTypeNameAgainstTheRulesIsReported() {
    onlyThese(failures(BadTypeName.class), "is not lower_snake_case", "specTypeNameFollowsTheRules");
  }

  @Test
  void aSpecOfTheWrongKindIsReported() {
    onlyThese(failures(WrongKind.class), "says it is a source", "specTypeNameFollowsTheRules");
  }
}
