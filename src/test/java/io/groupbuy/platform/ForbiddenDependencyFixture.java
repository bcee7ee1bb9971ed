package io.groupbuy.platform;

import io.groupbuy.order.Order;

/** Breaks the package rules on purpose (platform using a feature), to show ArchitectureTest's rules can fail. */
public final class ForbiddenDependencyFixture {
  Order.Status status() {
    return Order.Status.NEW;
  }
}
