package io.groupbuy.purchasing;

import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The purchase orders of one warehouse to its suppliers; entity id the warehouse id.
 *
 * <p>At each cutoff the platform buys what the orders for the next delivery date need ({@link
 * CutoffPurchase} works the lines out): one purchase order per warehouse and delivery date, with
 * the id {@code PO-<warehouse>-<yyyyMMdd>}. A cutoff is recorded once per delivery date, in the
 * same event as its order, so a replayed cutoff (a retry, a second node, a restart in the middle)
 * raises nothing: it answers the order the first one raised. Goods received against an order are
 * idempotent per receipt id and never exceed what is still due; the order closes itself when every
 * line is received in full, or an operator closes it short with a reason.
 */
public final class PurchaseOrders
    extends EventSourcedBehaviorWithEnforcedReplies<
        PurchaseOrders.Command, PurchaseOrders.Event, PurchaseBook> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "PurchaseOrders");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public static String purchaseOrderId(String warehouseId, String deliveryDate) {
    return "PO-" + warehouseId + "-" + deliveryDate.replace("-", "");
  }

  // ---- the purchase order ----
  public enum Status {
    OPEN,
    /** Every line received in full. */
    RECEIVED,
    /** Closed by an operator before every line was received. */
    CLOSED_SHORT
  }

  /**
   * One SKU: {@code ordered} units, {@code received} so far, and how the quantity was made up at
   * the cutoff (see {@link io.groupbuy.planning.PurchaseBySales.Line}), with {@code onOrder} units
   * already on open orders set against it.
   */
  public record Line(
      String sku,
      long ordered,
      long received,
      long confirmed,
      long lateExpected,
      long lateSafety,
      long lossAllowance,
      long available,
      long onOrder)
      implements CborSerializable {
    public long remaining() {
      return Math.max(0, ordered - received);
    }

    Line withReceived(long units) {
      return new Line(
          sku,
          ordered,
          units,
          confirmed,
          lateExpected,
          lateSafety,
          lossAllowance,
          available,
          onOrder);
    }
  }

  public record PurchaseOrder(
      String poId,
      String deliveryDate,
      long raisedAtEpochMs,
      Status status,
      String closeReason,
      List<Line> lines,
      List<Receipt> receipts)
      implements CborSerializable {
    public PurchaseOrder {
      lines = List.copyOf(lines);
      receipts = List.copyOf(receipts);
    }

    public Receipt receipt(String receiptId) {
      for (Receipt r : receipts) if (r.receiptId().equals(receiptId)) return r;
      return null;
    }

    Line line(String sku) {
      for (Line l : lines) if (l.sku().equals(sku)) return l;
      return null;
    }

    PurchaseOrder received(List<Line> nextLines, List<Receipt> nextReceipts) {
      return new PurchaseOrder(
          poId, deliveryDate, raisedAtEpochMs, status, closeReason, nextLines, nextReceipts);
    }

    PurchaseOrder closed(Status nextStatus, String reason) {
      return new PurchaseOrder(
          poId, deliveryDate, raisedAtEpochMs, nextStatus, reason, lines, receipts);
    }
  }

  /** Goods received against the order: units per SKU. */
  public record Receipt(String receiptId, Map<String, Long> quantities)
      implements CborSerializable {
    public Receipt {
      quantities = Map.copyOf(quantities);
    }
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /**
   * The cutoff for {@code deliveryDate} with the lines worked out for it (lines of 0 units are left
   * out; none at all records the cutoff without an order). Answers the cutoff's outcome, {@code
   * raisedNow} false when it had run before.
   */
  public record RaiseAtCutoff(
      String deliveryDate,
      long atEpochMs,
      List<Line> lines,
      ActorRef<StatusReply<CutoffOutcome>> replyTo)
      implements Command {}

  /** Goods received against an order: units per SKU. The same receipt id again has no effect. */
  public record Receive(
      String poId,
      String receiptId,
      Map<String, Long> quantities,
      ActorRef<StatusReply<PurchaseOrder>> replyTo)
      implements Command {}

  /** Closes an open order short; an order already closed is answered as it is. */
  public record Close(String poId, String reason, ActorRef<StatusReply<PurchaseOrder>> replyTo)
      implements Command {}

  public record Get(String poId, ActorRef<StatusReply<PurchaseOrder>> replyTo) implements Command {}

  public record GetBook(ActorRef<Summary> replyTo) implements Command {}

  // ---- replies ----
  /** {@code purchaseOrder} null when the cutoff found nothing to buy (or it was forgotten). */
  public record CutoffOutcome(
      String warehouseId,
      String deliveryDate,
      boolean raisedNow,
      String poId,
      PurchaseOrder purchaseOrder)
      implements CborSerializable {}

  /**
   * The open orders, the latest closed ones, the units still due per SKU, and the delivery dates
   * whose cutoff ran with the order each raised ("" for none).
   */
  public record Summary(
      String warehouseId,
      List<PurchaseOrder> open,
      List<PurchaseOrder> closed,
      Map<String, Long> onOrder,
      Map<String, String> cutoffs)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  /** {@code poId} "" and no lines: the cutoff ran and there was nothing to buy. */
  public record PurchaseRaised(
      String deliveryDate, String poId, long raisedAtEpochMs, List<Line> lines) implements Event {
    public PurchaseRaised {
      lines = List.copyOf(lines);
    }
  }

  public record PurchaseReceived(String poId, String receiptId, Map<String, Long> quantities)
      implements Event {
    public PurchaseReceived {
      quantities = Map.copyOf(quantities);
    }
  }

  /** {@code complete}: every line received; otherwise closed short for {@code reason}. */
  public record PurchaseClosed(String poId, String reason, boolean complete) implements Event {}

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String warehouseId) {
    return new PurchaseOrders(warehouseId);
  }

  private final String warehouseId;

  private PurchaseOrders(String warehouseId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), warehouseId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.warehouseId = warehouseId;
  }

  @Override
  public PurchaseBook emptyState() {
    return PurchaseBook.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, PurchaseBook> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RaiseAtCutoff.class, this::raise)
        .onCommand(Receive.class, this::receive)
        .onCommand(Close.class, this::close)
        .onCommand(Get.class, (book, c) -> Effect().reply(c.replyTo(), found(book, c.poId())))
        .onCommand(GetBook.class, (book, c) -> Effect().reply(c.replyTo(), summary(book)))
        .build();
  }

  @Override
  public EventHandler<PurchaseBook, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(PurchaseBook::apply);
  }

  private ReplyEffect<Event, PurchaseBook> raise(PurchaseBook book, RaiseAtCutoff c) {
    if (book.cutoffRan(c.deliveryDate())) {
      String poId = book.cutoffs().get(c.deliveryDate());
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.success(
                  new CutoffOutcome(
                      warehouseId,
                      c.deliveryDate(),
                      false,
                      poId,
                      poId.isEmpty() ? null : book.order(poId))));
    }
    List<Line> lines = c.lines().stream().filter(l -> l.ordered() > 0).toList();
    String poId = lines.isEmpty() ? "" : purchaseOrderId(warehouseId, c.deliveryDate());
    return Effect()
        .persist(new PurchaseRaised(c.deliveryDate(), poId, c.atEpochMs(), lines))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new CutoffOutcome(
                        warehouseId,
                        c.deliveryDate(),
                        true,
                        poId,
                        poId.isEmpty() ? null : after.order(poId))));
  }

  private ReplyEffect<Event, PurchaseBook> receive(PurchaseBook book, Receive c) {
    PurchaseOrder order = book.order(c.poId());
    DomainError refusal = receiptRefusal(order, c);
    if (refusal != null) return Effect().reply(c.replyTo(), DomainError.reply(refusal));
    if (order.receipt(c.receiptId()) != null)
      return Effect().reply(c.replyTo(), StatusReply.success(order));
    List<Event> events = new ArrayList<>();
    PurchaseReceived received = new PurchaseReceived(c.poId(), c.receiptId(), c.quantities());
    events.add(received);
    if (book.apply(received).order(c.poId()).lines().stream().allMatch(l -> l.remaining() == 0))
      events.add(new PurchaseClosed(c.poId(), "received in full", true));
    return Effect()
        .persist(events)
        .thenReply(c.replyTo(), after -> StatusReply.success(after.order(c.poId())));
  }

  /** Why the receipt cannot be taken, or null (a replayed receipt id is taken, to no effect). */
  private DomainError receiptRefusal(PurchaseOrder order, Receive c) {
    if (order == null) return notFound(c.poId());
    if (c.receiptId() == null || !ID.matcher(c.receiptId()).matches())
      return new DomainError.Invalid(
          "receiptId is required: 1 to 100 of letters, digits and ._:-", "receiptId");
    if (order.receipt(c.receiptId()) != null) return null;
    if (order.status() != Status.OPEN)
      return new DomainError.Conflict(
          "purchase order " + order.poId() + " is closed (" + order.status() + ")");
    if (c.quantities() == null || c.quantities().isEmpty())
      return new DomainError.Invalid("quantities must name at least one SKU", "quantities");
    for (var q : c.quantities().entrySet()) {
      Line line = order.line(q.getKey());
      if (line == null)
        return new DomainError.Invalid(
            "SKU " + q.getKey() + " is not on purchase order " + order.poId(), "quantities");
      if (q.getValue() == null || q.getValue() <= 0)
        return new DomainError.Invalid("quantity of " + q.getKey() + " must be > 0", "quantities");
      if (q.getValue() > line.remaining())
        return new DomainError.Invalid(
            q.getValue()
                + " units of "
                + q.getKey()
                + " is more than the "
                + line.remaining()
                + " still due; receive the surplus as ordinary stock",
            "quantities");
    }
    return null;
  }

  private ReplyEffect<Event, PurchaseBook> close(PurchaseBook book, Close c) {
    PurchaseOrder order = book.order(c.poId());
    if (order == null) return Effect().reply(c.replyTo(), DomainError.reply(notFound(c.poId())));
    if (order.status() != Status.OPEN)
      return Effect().reply(c.replyTo(), StatusReply.success(order));
    if (c.reason() == null || c.reason().isBlank() || c.reason().length() > 200)
      return Effect()
          .reply(
              c.replyTo(),
              DomainError.reply(
                  new DomainError.Invalid("reason is required, at most 200 characters", "reason")));
    return Effect()
        .persist(new PurchaseClosed(c.poId(), c.reason(), false))
        .thenReply(c.replyTo(), after -> StatusReply.success(after.order(c.poId())));
  }

  private StatusReply<PurchaseOrder> found(PurchaseBook book, String poId) {
    PurchaseOrder order = book.order(poId);
    return order == null ? DomainError.reply(notFound(poId)) : StatusReply.success(order);
  }

  private DomainError notFound(String poId) {
    return new DomainError.NotFound(
        "no purchase order "
            + poId
            + " at warehouse "
            + warehouseId
            + " (open ones and the last "
            + PurchaseBook.CLOSED_KEPT
            + " closed are kept)",
        "poId");
  }

  private Summary summary(PurchaseBook book) {
    return new Summary(warehouseId, book.open(), book.closed(), book.onOrder(), book.cutoffs());
  }
}
