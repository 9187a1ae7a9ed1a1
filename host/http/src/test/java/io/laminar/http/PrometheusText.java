package io.laminar.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for the Prometheus text exposition format 0.0.4, for tests. Besides the line
 * grammar it checks what scrapers rely on: HELP and TYPE at most once per family and before its
 * samples, a family's samples contiguous, sample names consistent with the family's type (counters
 * end in {@code _total}; summaries and histograms use their suffixes), no duplicate series, and
 * counters non-negative numbers.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {
  }

  record Family(String name, String type, String help, List<Sample> samples) {
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final Pattern VALUE = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+|Inf)|NaN");

  private PrometheusText() {
  }

  /** Parses a whole exposition; throws {@link IllegalArgumentException} naming the first bad line. */
  static Map<String, Family> parse(String text) {
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String at = "line " + (i + 1) + " '" + line + "': ";
      Matcher m;
      if (line.isEmpty()) {
        continue;
      }
      if ((m = HELP.matcher(line)).matches()) {
        if (help.put(m.group(1), m.group(2)) != null) {
          throw new IllegalArgumentException(at + "second HELP for " + m.group(1));
        }
        if (samples.containsKey(m.group(1))) {
          throw new IllegalArgumentException(at + "HELP after samples of " + m.group(1));
        }
      } else if ((m = TYPE.matcher(line)).matches()) {
        if (types.put(m.group(1), m.group(2)) != null) {
          throw new IllegalArgumentException(at + "second TYPE for " + m.group(1));
        }
        if (samples.containsKey(m.group(1))) {
          throw new IllegalArgumentException(at + "TYPE after samples of " + m.group(1));
        }
      } else if (line.startsWith("#")) {
        if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
          throw new IllegalArgumentException(at + "malformed HELP/TYPE line");
        }
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        Map<String, String> labels = labels(m.group(3), at);
        if (!VALUE.matcher(m.group(4)).matches()) {
          throw new IllegalArgumentException(at + "bad value '" + m.group(4) + "'");
        }
        double value = Double.parseDouble(m.group(4).replace("Inf", "Infinity"));
        String family = family(name, types);
        String type = types.getOrDefault(family, "untyped");
        checkSampleName(name, family, type, labels, at);
        if (type.equals("counter") && (Double.isNaN(value) || value < 0)) {
          throw new IllegalArgumentException(at + "counter value must be a non-negative number");
        }
        if (!family.equals(current)) {
          if (current != null) {
            closed.add(current);
          }
          if (closed.contains(family)) {
            throw new IllegalArgumentException(at + "samples of " + family + " are not contiguous");
          }
          current = family;
        }
        if (!series.add(name + labels)) {
          throw new IllegalArgumentException(at + "duplicate series");
        }
        samples.computeIfAbsent(family, k -> new ArrayList<>()).add(new Sample(name, labels, value));
      } else {
        throw new IllegalArgumentException(at + "not a sample, HELP, TYPE or comment line");
      }
    }
    Map<String, Family> out = new LinkedHashMap<>();
    Set<String> names = new java.util.LinkedHashSet<>(types.keySet());
    names.addAll(samples.keySet());
    for (String name : names) {
      out.put(name, new Family(name, types.getOrDefault(name, "untyped"), help.get(name),
          samples.getOrDefault(name, List.of())));
    }
    return out;
  }

  private static String family(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        String type = types.get(base);
        if ("summary".equals(type) || "histogram".equals(type)) {
          return base;
        }
      }
    }
    return sample;
  }

  private static void checkSampleName(String name, String family, String type, Map<String, String> labels, String at) {
    switch (type) {
      case "counter" -> {
        if (!name.equals(family) || !name.endsWith("_total")) {
          throw new IllegalArgumentException(at + "counter samples must be named like their family, ending in _total");
        }
      }
      case "histogram" -> {
        if (name.endsWith("_bucket") && !labels.containsKey("le")) {
          throw new IllegalArgumentException(at + "histogram bucket without le");
        }
        if (name.equals(family)) {
          throw new IllegalArgumentException(at + "histogram samples need _bucket, _sum or _count");
        }
      }
      case "summary" -> {
        if (name.equals(family) && !labels.containsKey("quantile")) {
          throw new IllegalArgumentException(at + "summary sample without quantile");
        }
      }
      default -> {
        if (!name.equals(family)) {
          throw new IllegalArgumentException(at + "sample name differs from its family");
        }
      }
    }
  }

  private static Map<String, String> labels(String body, String at) {
    Map<String, String> labels = new TreeMap<>();
    if (body == null || body.isEmpty()) {
      return labels;
    }
    Matcher m = LABEL.matcher(body);
    int pos = 0;
    while (pos < body.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException(at + "bad label set at offset " + pos);
      }
      if (labels.put(m.group(1), m.group(2)) != null) {
        throw new IllegalArgumentException(at + "duplicate label " + m.group(1));
      }
      pos = m.end();
      if (pos < body.length()) {
        if (body.charAt(pos) != ',') {
          throw new IllegalArgumentException(at + "labels must be separated by commas");
        }
        pos++;
      }
    }
    return labels;
  }
}
