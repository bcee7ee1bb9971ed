package io.groupbuy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operations an OpenAPI document describes, as {@code METHOD /path/{param}} lines, and their
 * difference.
 */
public final class ApiDescription {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private ApiDescription() {}

  public static Set<String> operations(String openApiYaml) {
    try {
      JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(openApiYaml).path("paths");
      Set<String> ops = new TreeSet<>();
      paths
          .fields()
          .forEachRemaining(
              path ->
                  path.getValue()
                      .fieldNames()
                      .forEachRemaining(
                          method -> {
                            if (METHODS.contains(method))
                              ops.add(method.toUpperCase() + " " + path.getKey());
                          }));
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String classpathDocument() {
    try (InputStream in = ApiDescription.class.getResourceAsStream("/openapi.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What one side has and the other lacks; empty when they agree. */
  public static List<String> differences(Set<String> served, Set<String> described) {
    List<String> out = new ArrayList<>();
    new TreeSet<>(served)
        .stream()
            .filter(op -> !described.contains(op))
            .forEach(op -> out.add("served but not in openapi.yaml: " + op));
    new TreeSet<>(described)
        .stream()
            .filter(op -> !served.contains(op))
            .forEach(op -> out.add("in openapi.yaml but not served: " + op));
    return out;
  }
}
