package io.groupbuy.purchasing;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import io.groupbuy.purchasing.PurchaseOrders.CutoffOutcome;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseOrder;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Purchase orders to suppliers (operators):
 *
 * <ul>
 *   <li>{@code POST /purchasing/{warehouseId}/cutoffs/{deliveryDate}} runs the cutoff for the date:
 *       201 with the order it raised, or 200 with the order an earlier run raised;
 *   <li>{@code GET /purchasing/{warehouseId}/orders}: open and recent orders, units on order, the
 *       cutoffs that ran;
 *   <li>{@code GET /purchasing/{warehouseId}/orders/{poId}};
 *   <li>{@code POST /purchasing/{warehouseId}/orders/{poId}/receipts} {@code {receiptId,
 *       quantities: {sku: units}}}: goods in, into the inventory; the order closes when every line
 *       is in;
 *   <li>{@code POST /purchasing/{warehouseId}/orders/{poId}/close} {@code {reason}}: closes it
 *       short.
 * </ul>
 */
public final class PurchasingRoutes extends ApiDirectives {
  public record ReceiptRequest(String receiptId, Map<String, Long> quantities) {}

  public record CloseRequest(String reason) {}

  private final CutoffPurchase purchasing;
  private final PurchaseReceiving receiving;
  private final Duration timeout;

  public PurchasingRoutes(
      CutoffPurchase purchasing,
      PurchaseReceiving receiving,
      Duration timeout,
      Auth auth,
      Metrics metrics) {
    super(auth, metrics);
    this.purchasing = purchasing;
    this.receiving = receiving;
    this.timeout = timeout;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.POST,
            "/purchasing/{warehouseId}/cutoffs/{deliveryDate}",
            path ->
                operator(
                    p ->
                        onResult(
                            run(path.get("warehouseId"), path.get("deliveryDate")),
                            (CutoffOutcome o) ->
                                json(o.raisedNow() ? StatusCodes.CREATED : StatusCodes.OK, o)))),
        endpoint(
            HttpMethods.GET,
            "/purchasing/{warehouseId}/orders",
            path ->
                operator(
                    p ->
                        onResult(
                            ask(path.get("warehouseId"), PurchaseOrders.GetBook::new),
                            s -> json(StatusCodes.OK, s)))),
        endpoint(
            HttpMethods.GET,
            "/purchasing/{warehouseId}/orders/{poId}",
            path ->
                operator(
                    p ->
                        onResult(
                            askWithStatus(
                                path.get("warehouseId"),
                                r -> new PurchaseOrders.Get(path.get("poId"), r)),
                            o -> json(StatusCodes.OK, o)))),
        endpoint(
            HttpMethods.POST,
            "/purchasing/{warehouseId}/orders/{poId}/receipts",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(ReceiptRequest.class),
                            req ->
                                onResult(
                                    receiving.receive(
                                        path.get("warehouseId"),
                                        path.get("poId"),
                                        req.receiptId(),
                                        req.quantities()),
                                    o -> json(StatusCodes.OK, o))))),
        endpoint(
            HttpMethods.POST,
            "/purchasing/{warehouseId}/orders/{poId}/close",
            path ->
                operator(
                    p ->
                        entity(
                            JsonSupport.body(CloseRequest.class),
                            req ->
                                onResult(
                                    askWithStatus(
                                        path.get("warehouseId"),
                                        r ->
                                            new PurchaseOrders.Close(
                                                path.get("poId"), req.reason(), r)),
                                    o -> json(StatusCodes.OK, o))))));
  }

  /** The warehouse's orders, once the warehouse is known to the catalog. */
  private <T> CompletionStage<T> ask(
      String warehouse, Function<ActorRef<T>, PurchaseOrders.Command> command) {
    return purchasing
        .knownWarehouse(warehouse)
        .thenCompose(w -> purchasing.orders(w).ask(command::apply, timeout));
  }

  private CompletionStage<PurchaseOrder> askWithStatus(
      String warehouse,
      Function<ActorRef<StatusReply<PurchaseOrder>>, PurchaseOrders.Command> command) {
    return purchasing
        .knownWarehouse(warehouse)
        .thenCompose(w -> purchasing.orders(w).askWithStatus(command::apply, timeout));
  }

  private CompletionStage<CutoffOutcome> run(String warehouse, String date) {
    LocalDate deliveryDate;
    try {
      deliveryDate = LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new ApiError.Failure(
          422,
          "invalid-date",
          "deliveryDate must be a date as YYYY-MM-DD, not " + date,
          "deliveryDate");
    }
    return purchasing.run(warehouse, deliveryDate);
  }
}
