package io.groupbuy.order;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where settled orders go when they leave their ledger: a table keyed by order id. A placement
 * retried after its order left memory finds it here, so idempotency lasts as long as the table
 * keeps an order, not as long as a ledger remembers it.
 */
public interface OrderArchive {
  /** The order as it was last archived, if it ever was. */
  CompletionStage<Optional<Order.State>> find(String orderId);

  /** Writes (or overwrites) the orders, by order id; completes when all are written. */
  CompletionStage<?> putAll(Map<String, Order.State> orders);
}
