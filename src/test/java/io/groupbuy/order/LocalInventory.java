package io.groupbuy.order;

import io.groupbuy.inventory.BatchSettings;
import io.groupbuy.inventory.ProductInventory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * Inventory actors spawned on demand; "hanging" makes reservations never answer, as a partitioned
 * node would.
 */
final class LocalInventory implements Order.InventoryGateway {
  final Map<String, ActorRef<ProductInventory.Command>> entities = new ConcurrentHashMap<>();
  final String prefix = UUID.randomUUID().toString();
  final AtomicBoolean hanging = new AtomicBoolean(false);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The list price every receipt here carries, in fen. */
  static final long LIST_PRICE_FEN = 250;

  private final ActorTestKit testKit;

  LocalInventory(ActorTestKit testKit) {
    this.testKit = testKit;
  }

  ActorRef<ProductInventory.Command> entity(String sku, String warehouse) {
    return entities.computeIfAbsent(
        ProductInventory.entityId(sku, warehouse),
        id ->
            testKit.spawn(
                ProductInventory.withFront(prefix + id, BatchSettings.production(), size -> {})));
  }

  @Override
  public CompletionStage<Long> reserve(
      String sku, String warehouseId, String orderId, int quantity) {
    if (hanging.get()) return new CompletableFuture<>();
    return AskPattern.<ProductInventory.Command, ProductInventory.Stock>askWithStatus(
            entity(sku, warehouseId),
            r -> new ProductInventory.Reserve(orderId, quantity, r),
            TIMEOUT,
            testKit.scheduler())
        .thenApply(ProductInventory.Stock::priceFen);
  }

  @Override
  public CompletionStage<?> release(String sku, String warehouseId, String orderId) {
    return AskPattern.<ProductInventory.Command, ProductInventory.Stock>askWithStatus(
        entity(sku, warehouseId),
        r -> new ProductInventory.Release(orderId, r),
        TIMEOUT,
        testKit.scheduler());
  }

  @Override
  public CompletionStage<?> commit(String sku, String warehouseId, String orderId) {
    return AskPattern.<ProductInventory.Command, ProductInventory.Stock>askWithStatus(
        entity(sku, warehouseId),
        r -> new ProductInventory.Commit(orderId, r),
        TIMEOUT,
        testKit.scheduler());
  }

  void receive(String sku, String warehouse, int qty) {
    AskPattern.<ProductInventory.Command, StatusReply<ProductInventory.Stock>>ask(
            entity(sku, warehouse),
            r ->
                new ProductInventory.ReceiveStock(
                    UUID.randomUUID().toString(), qty, LIST_PRICE_FEN, r),
            TIMEOUT,
            testKit.scheduler())
        .toCompletableFuture()
        .join();
  }

  ProductInventory.Stock stock(String sku, String warehouse) {
    return AskPattern.<ProductInventory.Command, ProductInventory.Stock>ask(
            entity(sku, warehouse), ProductInventory.GetStock::new, TIMEOUT, testKit.scheduler())
        .toCompletableFuture()
        .join();
  }
}
