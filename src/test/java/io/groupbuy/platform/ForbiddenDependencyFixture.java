package io.groupbuy.platform;

import io.groupbuy.order.Order;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Breaks the package rules on purpose (platform using a feature), to show ArchitectureTest's rules
 * can fail.
 */
public final class ForbiddenDependencyFixture {
  Order.Status status() {
    return Order.Status.NEW;
  }

  /** A route that bypasses ApiDirectives.endpoint, so /ops/routes would not list it. */
  public static final class Routes extends AllDirectives {
    Route hidden() {
      return path("hidden", () -> complete("not in the API description"));
    }
  }
}
