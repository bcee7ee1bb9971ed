package io.groupbuy.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpMethod;

/**
 * One operation of the API: a method and a path template such as {@code /orders/{orderId}/cancel},
 * the form the API description uses. Routes are declared only as endpoints ({@link
 * ApiDirectives#endpoint}), so the node can list what it serves and a test can hold that list
 * against {@code openapi.yaml}.
 */
public record Endpoint(HttpMethod method, String template) {
  public Endpoint {
    if (!template.startsWith("/") || template.length() > 1 && template.endsWith("/")) {
      throw new IllegalArgumentException(
          "a path template starts with / and does not end with one: " + template);
    }
  }

  public List<String> segments() {
    return List.of(template.substring(1).split("/"));
  }

  /**
   * The path parameters if {@code path} (decoded segments; a trailing slash is allowed) fits the
   * template.
   */
  public Optional<Map<String, String>> match(Iterable<String> path) {
    List<String> actual = new ArrayList<>();
    path.forEach(actual::add);
    if (!actual.isEmpty() && actual.get(actual.size() - 1).isEmpty())
      actual.remove(actual.size() - 1);
    List<String> expected = segments();
    if (actual.size() != expected.size()) return Optional.empty();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = actual.get(i);
      if (want.startsWith("{") && want.endsWith("}")) {
        if (got.isEmpty()) return Optional.empty();
        params.put(want.substring(1, want.length() - 1), got);
      } else if (!want.equals(got)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  @Override
  public String toString() {
    return method.name() + " " + template;
  }

  /** The path parameters of a matched request, by the names in the template. */
  public record Params(Map<String, String> values) {
    public String get(String name) {
      String v = values.get(name);
      if (v == null) throw new IllegalArgumentException("no path parameter " + name);
      return v;
    }
  }
}
