package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pf4j.DefaultVersionManager;

/** {@code plugin.requires} forms, turned into PF4J's expressions and checked by PF4J's own version manager. */
class ApiRangeTest {
  private final DefaultVersionManager versions = new DefaultVersionManager();

  private boolean accepts(String requires, String apiVersion) {
    return versions.checkVersionConstraint(apiVersion, ApiRange.expression(requires));
  }

  @Test
  void theFormsBecomePf4jExpressions() {
    assertEquals("*", ApiRange.expression(""));
    assertEquals("*", ApiRange.expression(" * "));
    assertEquals(">=0.1.0", ApiRange.expression("0.1.0"));
    assertEquals(">=0.2.0", ApiRange.expression("0.2"));
    assertEquals(">=0.2.0 & <1.0.0", ApiRange.expression(">=0.2 <1.0"));
    assertEquals(">=0.2.0 & <1.0.0", ApiRange.expression(">= 0.2   < 1"));
    assertEquals(">=0.2.0 & <1.0.0", ApiRange.expression(">=0.2.0 & <1.0.0"));
    assertEquals("1.*", ApiRange.expression("1.*"));
  }

  @Test
  void aRangeHoldsFromItsLowerBoundUpToButNotIncludingItsUpperBound() {
    assertFalse(accepts(">=0.2 <1.0", "0.1.9"));
    assertTrue(accepts(">=0.2 <1.0", "0.2.0"));
    assertTrue(accepts(">=0.2 <1.0", "0.9.3"));
    assertFalse(accepts(">=0.2 <1.0", "1.0.0"));
  }

  @Test
  void pf4jsOwnFormsStillWork() {
    assertTrue(accepts(">=0.2.0 & <1.0.0", "0.5.0"));
    assertFalse(accepts(">=0.2.0 & <1.0.0", "1.5.0"));
    assertTrue(accepts("0.1.0 - 0.3.0", "0.2.0"));
    assertTrue(accepts("1.*", "1.4.0"));
    assertFalse(accepts("1.*", "2.0.0"));
  }

  @Test
  void aBareVersionMeansAtLeastAsBeforeRangesExisted() {
    assertTrue(accepts("0.1.0", "0.1.0"));
    assertTrue(accepts("0.1.0", "3.0.0"));
    assertFalse(accepts("0.2.0", "0.1.0"));
  }
}
