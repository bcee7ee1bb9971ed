package io.groupbuy.inventory;

import io.groupbuy.platform.Metrics;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Reaches {@link ProductInventory} entities wherever they live in the cluster; the order saga calls
 * it.
 */
public final class ShardedInventory {
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Metrics metrics;

  public ShardedInventory(ActorSystem<?> system, Duration timeout, Metrics metrics) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.metrics = metrics;
  }

  public EntityRef<ProductInventory.Command> entity(String sku, String warehouseId) {
    return sharding.entityRefFor(
        ProductInventory.ENTITY_KEY, ProductInventory.entityId(sku, warehouseId));
  }

  public CompletionStage<ProductInventory.Stock> reserve(
      String sku, String warehouseId, String orderId, int quantity) {
    long start = System.nanoTime();
    return entity(sku, warehouseId)
        .<ProductInventory.Stock>askWithStatus(
            r -> new ProductInventory.Reserve(orderId, quantity, r), timeout)
        .whenComplete(
            (ok, failure) -> metrics.reservationSeconds.observe((System.nanoTime() - start) / 1e9));
  }

  public CompletionStage<ProductInventory.Stock> release(
      String sku, String warehouseId, String orderId) {
    return entity(sku, warehouseId)
        .askWithStatus(r -> new ProductInventory.Release(orderId, r), timeout);
  }

  public CompletionStage<ProductInventory.Stock> commit(
      String sku, String warehouseId, String orderId) {
    return entity(sku, warehouseId)
        .askWithStatus(r -> new ProductInventory.Commit(orderId, r), timeout);
  }
}
