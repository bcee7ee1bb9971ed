package io.groupbuy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.junit.jupiter.api.Test;

class EndpointTest {
  private final Endpoint cancel = new Endpoint(HttpMethods.POST, "/orders/{orderId}/cancel");

  @Test
  void matchesTheTemplateAndNamesItsParameters() {
    assertEquals(
        Optional.of(Map.of("orderId", "o-1")), cancel.match(List.of("orders", "o-1", "cancel")));
    assertEquals(
        Optional.of(Map.of("orderId", "o-1")),
        cancel.match(List.of("orders", "o-1", "cancel", "")));
    assertTrue(cancel.match(List.of("orders", "o-1")).isEmpty());
    assertTrue(cancel.match(List.of("orders", "", "cancel")).isEmpty());
    assertTrue(cancel.match(List.of("orders", "o-1", "cancel", "now")).isEmpty());
    assertTrue(cancel.match(List.of("order", "o-1", "cancel")).isEmpty());
    assertEquals(
        Optional.of(Map.of()), new Endpoint(HttpMethods.GET, "/metrics").match(List.of("metrics")));
    assertEquals("POST /orders/{orderId}/cancel", cancel.toString());
  }

  @Test
  void refusesMalformedTemplates() {
    assertThrows(IllegalArgumentException.class, () -> new Endpoint(HttpMethods.GET, "orders"));
    assertThrows(IllegalArgumentException.class, () -> new Endpoint(HttpMethods.GET, "/orders/"));
  }

  @Test
  void theDescriptionCheckSeesBothKindsOfDifference() {
    Set<String> described =
        ApiDescription.operations(
            """
        openapi: 3.0.3
        paths:
          /orders:
            post: {summary: place}
            parameters: []
          /orders/{orderId}:
            get: {summary: read}
        """);
    assertEquals(Set.of("POST /orders", "GET /orders/{orderId}"), described);
    assertEquals(
        List.of(),
        ApiDescription.differences(Set.of("POST /orders", "GET /orders/{orderId}"), described));
    assertEquals(
        List.of(
            "served but not in openapi.yaml: DELETE /orders/{orderId}",
            "in openapi.yaml but not served: GET /orders/{orderId}"),
        ApiDescription.differences(Set.of("POST /orders", "DELETE /orders/{orderId}"), described));
  }
}
