package io.groupbuy.purchasing;

import io.groupbuy.catalog.Catalog;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseOrder;
import io.groupbuy.purchasing.PurchaseOrders.Receipt;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Goods received against a purchase order: the warehouse's {@link PurchaseOrders} checks and
 * records the receipt first (nothing beyond what is due, only SKUs on the order), then each SKU's
 * {@link ProductInventory} takes the units under a receipt id made of the order's, the receipt's
 * and the SKU, so the stock arrives once however often the receipt is sent. The answer comes after
 * both: a receipt that got no answer is sent again, and completes what the first left undone.
 */
public final class PurchaseReceiving {
  private final CutoffPurchase purchasing;
  private final ShardedInventory inventory;
  private final Catalog catalog;
  private final GroupbuySettings settings;

  public PurchaseReceiving(
      CutoffPurchase purchasing,
      ShardedInventory inventory,
      Catalog catalog,
      GroupbuySettings settings) {
    this.purchasing = purchasing;
    this.inventory = inventory;
    this.catalog = catalog;
    this.settings = settings;
  }

  public CompletionStage<PurchaseOrder> receive(
      String warehouseId, String poId, String receiptId, Map<String, Long> quantities) {
    return purchasing
        .knownWarehouse(warehouseId)
        .thenCompose(
            w ->
                purchasing
                    .orders(w)
                    .<PurchaseOrder>askWithStatus(
                        r -> new PurchaseOrders.Receive(poId, receiptId, quantities, r),
                        settings.askTimeout()))
        .thenCompose(
            order -> {
              // the receipt as first recorded, whatever a replay carries
              Receipt receipt = order.receipt(receiptId);
              CompletableFuture<?>[] stocked =
                  receipt.quantities().entrySet().stream()
                      .map(q -> stock(warehouseId, poId, receiptId, q.getKey(), q.getValue()))
                      .map(CompletionStage::toCompletableFuture)
                      .toArray(CompletableFuture[]::new);
              return CompletableFuture.allOf(stocked).thenApply(v -> order);
            });
  }

  private CompletionStage<ProductInventory.Stock> stock(
      String warehouseId, String poId, String receiptId, String sku, long units) {
    return catalog
        .sku(sku)
        .thenCompose(
            found -> {
              long listPrice =
                  found
                      .map(
                          s ->
                              Math.min(
                                  s.listPriceFen(settings.listMarkup()), settings.maxPriceFen()))
                      .orElse(0L);
              return inventory
                  .entity(sku, warehouseId)
                  .askWithStatus(
                      r ->
                          new ProductInventory.ReceiveStock(
                              poId + ":" + receiptId + ":" + sku, (int) units, listPrice, r),
                      settings.askTimeout());
            });
  }
}
