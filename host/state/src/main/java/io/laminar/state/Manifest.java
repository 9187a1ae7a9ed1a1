package io.laminar.state;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content of {@code manifest.json}, and its JSON form. Parsing treats the file as untrusted:
 * every field is checked, and file paths must be plain names so a manifest cannot point outside
 * its checkpoint directory.
 */
record Manifest(
    long checkpointId,
    Instant createdAt,
    String configHash,
    List<CheckpointFile> files,
    Map<String, String> metadata,
    long writeMillis,
    long bytes) {

  /** Bumped on any incompatible change to the layout below. */
  static final int FORMAT = 1;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  Manifest {
    files = List.copyOf(files);
    metadata = Map.copyOf(metadata);
  }

  /** Signals a manifest that is not valid JSON or does not have the expected shape. */
  static final class InvalidManifestException extends Exception {
    InvalidManifestException(String message) {
      super(message);
    }
  }

  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("checkpointId", checkpointId);
    root.put("createdAt", createdAt.toString());
    root.put("configHash", configHash);
    ArrayNode fileArray = root.putArray("files");
    for (CheckpointFile f : files) {
      fileArray.addObject()
          .put("name", f.name())
          .put("path", f.path())
          .put("size", f.size())
          .put("sha256", f.sha256());
    }
    ObjectNode meta = root.putObject("metadata");
    metadata.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> meta.put(e.getKey(), e.getValue()));
    root.putObject("timings").put("writeMillis", writeMillis).put("bytes", bytes);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      // An in-memory tree of strings and numbers always serialises.
      throw new IllegalStateException("cannot serialise manifest", e);
    }
  }

  static Manifest parse(byte[] json) throws InvalidManifestException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException("is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      throw new InvalidManifestException("cannot be parsed: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidManifestException("is not a JSON object");
    }
    long format = longField(root, "format");
    if (format != FORMAT) {
      throw new InvalidManifestException(
          "has format " + format + "; this version reads format " + FORMAT);
    }
    long id = longField(root, "checkpointId");
    Instant createdAt;
    try {
      createdAt = Instant.parse(textField(root, "createdAt"));
    } catch (DateTimeParseException e) {
      throw new InvalidManifestException("field 'createdAt' is not an ISO-8601 instant");
    }
    String configHash = textField(root, "configHash");
    List<CheckpointFile> files = parseFiles(root.get("files"));
    Map<String, String> metadata = parseMetadata(root.get("metadata"));
    JsonNode timings = root.get("timings");
    if (timings == null || !timings.isObject()) {
      throw new InvalidManifestException("field 'timings' is missing or not an object");
    }
    return new Manifest(id, createdAt, configHash, files, metadata,
        longField(timings, "writeMillis"), longField(timings, "bytes"));
  }

  private static List<CheckpointFile> parseFiles(JsonNode node) throws InvalidManifestException {
    if (node == null || !node.isArray()) {
      throw new InvalidManifestException("field 'files' is missing or not an array");
    }
    List<CheckpointFile> files = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode f = node.get(i);
      String where = "files[" + i + "]";
      if (!f.isObject()) {
        throw new InvalidManifestException("entry '" + where + "' is not an object");
      }
      String name = textField(f, "name");
      String path = textField(f, "path");
      long size = longField(f, "size");
      String sha = textField(f, "sha256");
      for (String candidate : List.of(name, path)) {
        var problem = CheckpointNames.problem(candidate);
        if (problem.isPresent()) {
          throw new InvalidManifestException("entry '" + where + "': " + problem.get());
        }
      }
      if (size < 0) {
        throw new InvalidManifestException("entry '" + where + "' has negative size " + size);
      }
      if (!SHA256_HEX.matcher(sha).matches()) {
        throw new InvalidManifestException(
            "entry '" + where + "' has a sha256 that is not 64 lower-case hex digits");
      }
      if (!names.add(name) || !paths.add(path)) {
        throw new InvalidManifestException("entry '" + where + "' repeats name or path '" + name + "'");
      }
      files.add(new CheckpointFile(name, path, size, sha));
    }
    return files;
  }

  private static Map<String, String> parseMetadata(JsonNode node) throws InvalidManifestException {
    if (node == null || !node.isObject()) {
      throw new InvalidManifestException("field 'metadata' is missing or not an object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidManifestException("metadata value '" + e.getKey() + "' is not a string");
      }
      metadata.put(e.getKey(), e.getValue().textValue());
    }
    return metadata;
  }

  private static long longField(JsonNode parent, String field) throws InvalidManifestException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new InvalidManifestException("field '" + field + "' is missing or not an integer");
    }
    return n.longValue();
  }

  private static String textField(JsonNode parent, String field) throws InvalidManifestException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual()) {
      throw new InvalidManifestException("field '" + field + "' is missing or not a string");
    }
    return n.textValue();
  }
}
