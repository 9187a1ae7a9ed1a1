package io.laminar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"250ms,250000000", "10s,10000000000", "5m,300000000000", "1h,3600000000000", "2d,172800000000000",
      "1.5s,1500000000", "100us,100000", "10ns,10", "1m30s,90000000000", "0,0", "0.001ms,1000"})
  void parsesEveryUnitExactly(String text, long nanos) {
    assertEquals(Optional.of(Duration.ofNanos(nanos)), Durations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "10 parsecs", "-1s", "1.5", "s", "1.5ns", "10S", "1m 30s", "1e3s"})
  void rejectsMalformedOrInexactValues(String text) {
    assertEquals(Optional.empty(), Durations.parse(text));
  }

  @Test
  void rejectsValuesBeyondTheLongNanosecondRange() {
    assertEquals(Optional.empty(), Durations.parse("999999999d"));
  }

  @ParameterizedTest
  @CsvSource({"90000000000,1m30s", "250000000,250ms", "1500000000,1s500ms", "0,0s", "100001,100us1ns",
      "90061000000000,1d1h1m1s"})
  void formatsCompactly(long nanos, String text) {
    assertEquals(text, Durations.format(Duration.ofNanos(nanos)));
  }

  @Test
  void formatAndParseRoundTrip() {
    Duration d = Duration.ofDays(3).plusMinutes(7).plusNanos(123_456_789);
    assertEquals(Optional.of(d), Durations.parse(Durations.format(d)));
  }
}
