package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test-side format parser must itself reject what a scraper would reject. */
class PrometheusTextTest {
  private static void rejects(String text, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void acceptsAWellFormedExposition() {
    Map<String, PrometheusText.Family> f = PrometheusText.parse("""
        # HELP a_total A counter
        # TYPE a_total counter
        a_total{x="1",y="q\\"uote"} 3.0
        # TYPE s_seconds summary
        s_seconds_count 2.0
        s_seconds_sum 0.5
        g NaN
        """);
    assertEquals(3.0, f.get("a_total").samples().get(0).value());
    assertEquals("q\\\"uote", f.get("a_total").samples().get(0).labels().get("y"));
    assertEquals(2, f.get("s_seconds").samples().size());
  }

  @Test
  void rejectsACounterWithoutTotal() {
    rejects("# TYPE a counter\na 1.0\n", "_total");
  }

  @Test
  void rejectsTypeAfterSamples() {
    rejects("a_total 1.0\n# TYPE a_total counter\n", "TYPE after samples");
  }

  @Test
  void rejectsBadLabelSyntax() {
    rejects("a{x=1} 1.0\n", "bad label set");
  }

  @Test
  void rejectsDuplicateSeries() {
    rejects("a{x=\"1\"} 1.0\na{x=\"1\"} 2.0\n", "duplicate series");
  }

  @Test
  void rejectsInterleavedFamilies() {
    rejects("a 1.0\nb 1.0\na{x=\"2\"} 1.0\n", "not contiguous");
  }

  @Test
  void rejectsNegativeCounters() {
    rejects("# TYPE a_total counter\na_total -1.0\n", "non-negative");
  }
}
