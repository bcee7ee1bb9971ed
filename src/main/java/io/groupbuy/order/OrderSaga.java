package io.groupbuy.order;

import io.groupbuy.order.Order.Cancel;
import io.groupbuy.order.Order.CancellationRequested;
import io.groupbuy.order.Order.Command;
import io.groupbuy.order.Order.CommitResult;
import io.groupbuy.order.Order.CouponApplied;
import io.groupbuy.order.Order.CouponGateway;
import io.groupbuy.order.Order.CouponResult;
import io.groupbuy.order.Order.CouponReturnResult;
import io.groupbuy.order.Order.CouponReturned;
import io.groupbuy.order.Order.DeliveryUpdated;
import io.groupbuy.order.Order.DispatchGateway;
import io.groupbuy.order.Order.DispatchResult;
import io.groupbuy.order.Order.Event;
import io.groupbuy.order.Order.Get;
import io.groupbuy.order.Order.HandedToDispatch;
import io.groupbuy.order.Order.InventoryGateway;
import io.groupbuy.order.Order.LineCommitted;
import io.groupbuy.order.Order.LineReleased;
import io.groupbuy.order.Order.LineReserved;
import io.groupbuy.order.Order.OrderCancelled;
import io.groupbuy.order.Order.OrderConfirmed;
import io.groupbuy.order.Order.OrderPlaced;
import io.groupbuy.order.Order.OrderRejected;
import io.groupbuy.order.Order.PassivateIfSettled;
import io.groupbuy.order.Order.Place;
import io.groupbuy.order.Order.ReleaseResult;
import io.groupbuy.order.Order.ReservationResult;
import io.groupbuy.order.Order.RetryCommit;
import io.groupbuy.order.Order.RetryCouponReturn;
import io.groupbuy.order.Order.RetryDispatch;
import io.groupbuy.order.Order.RetryRedeem;
import io.groupbuy.order.Order.RetryRelease;
import io.groupbuy.order.Order.RetryReserve;
import io.groupbuy.order.Order.State;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.Order.Summary;
import io.groupbuy.order.Order.UpdateDelivery;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga of one order, free of how it is persisted: each command gives a {@link Step}, the events
 * to persist and what to do once they are written (answer, call inventory or dispatch, try again
 * later). Whoever hosts the order persists the step's events and then runs its follow-up with the
 * state after them; the outcomes of its calls come back to it as commands.
 *
 * <p>The saga: {@code PLACING} reserves every line in parallel; with all of them priced, an order
 * with a coupon redeems it for its subtotal; then the order is {@code CONFIRMED}. It is {@code
 * REJECTED} as soon as one line or its coupon cannot be had, in which case every line is released
 * and the coupon given back (releasing what was never taken also stops a late reservation or
 * redemption from landing). A confirmed order may be cancelled ({@code CANCELLING} releases each
 * line and gives the coupon back, then {@code CANCELLED}). Every step is an event, so a restart
 * mid-saga resumes it ({@link #resume}): unfinished reservations are retried (idempotent per order
 * id at the inventory) and unfinished releases are completed. A retried placement with the same
 * request returns the first outcome.
 */
final class OrderSaga {
  private static final Logger log = LoggerFactory.getLogger(Order.class);

  /** What the saga needs from whoever hosts it. */
  interface Host {
    /** Makes the call and hands its outcome back to this order as a command. */
    <T> void pipe(CompletionStage<T> call, BiFunction<T, Throwable, Command> outcome);

    /** Hands the command back after the delay; a later one under the same key replaces it. */
    void later(String key, Command command, Duration delay);

    /** The order is settled and was left idle for {@link #settledIdle}: it may leave memory. */
    void mayLeaveMemory();

    /** Zero: the order never leaves memory on its own. */
    Duration settledIdle();
  }

  /** The events of one command, and what follows once they are written. */
  record Step(List<Event> events, Consumer<State> then) {
    static final Step NONE = new Step(List.of(), s -> {});

    static Step persist(List<Event> events, Consumer<State> then) {
      return new Step(List.copyOf(events), then);
    }

    static Step persist(Event event, Consumer<State> then) {
      return new Step(List.of(event), then);
    }

    static Step run(Consumer<State> then) {
      return new Step(List.of(), then);
    }

    static <T> Step reply(ActorRef<StatusReply<T>> to, StatusReply<T> answer) {
      return run(s -> to.tell(answer));
    }
  }

  /** The features the saga calls. */
  record Gateways(InventoryGateway inventory, DispatchGateway dispatch, CouponGateway coupons) {}

  private final String orderId;
  private final Host host;
  private final InventoryGateway inventory;
  private final DispatchGateway dispatch;
  private final CouponGateway coupons;
  // Not state: who waits for the saga's outcome in this incarnation. After a restart, clients
  // retry.
  private final List<ActorRef<StatusReply<Summary>>> placeWaiters = new ArrayList<>();
  private final List<ActorRef<StatusReply<Summary>>> cancelWaiters = new ArrayList<>();
  private static final Duration RETRY_LATER = Duration.ofSeconds(1);

  OrderSaga(String orderId, Host host, Gateways gateways) {
    this.orderId = orderId;
    this.host = host;
    this.inventory = gateways.inventory();
    this.dispatch = gateways.dispatch();
    this.coupons = gateways.coupons();
  }

  Step handle(State s, Command command) {
    if (command instanceof Place c) return onPlace(s, c);
    if (command instanceof Get c) return onGet(s, c);
    if (command instanceof Cancel c) return onCancel(s, c);
    if (command instanceof ReservationResult r) return onReservationResult(s, r);
    if (command instanceof ReleaseResult r) return onReleaseResult(s, r);
    if (command instanceof UpdateDelivery c) return onUpdateDelivery(s, c);
    if (command instanceof DispatchResult r) return onDispatchResult(s, r);
    if (command instanceof CommitResult r) return onCommitResult(s, r);
    if (command instanceof CouponResult r) return onCouponResult(s, r);
    if (command instanceof CouponReturnResult r) return onCouponReturnResult(s, r);
    if (command instanceof RetryRedeem c) {
      return Step.run(
          now -> {
            if (awaitsCoupon(now)) redeem(now, c.attempt());
          });
    }
    if (command instanceof RetryCouponReturn) {
      return Step.run(
          now -> {
            if (now.couponOutstanding() && undoing(now)) giveCouponBack(now);
          });
    }
    if (command instanceof RetryReserve c) {
      return Step.run(
          now -> {
            if (now.status() == Status.PLACING && !now.reservedSkus().contains(c.sku()))
              reserve(now, c.sku(), c.attempt());
          });
    }
    if (command instanceof RetryRelease c) {
      return Step.run(
          now -> {
            if (!now.releasedSkus().contains(c.sku())) release(now, c.sku());
          });
    }
    if (command instanceof RetryDispatch c) {
      return Step.run(
          now -> {
            if (c.add() && now.status() == Status.CONFIRMED && !now.handedToDispatch())
              handToDispatch(now, c.attempt());
            if (!c.add() && (now.status() == Status.CANCELLING || now.status() == Status.CANCELLED))
              withdrawFromDispatch(now, c.attempt());
          });
    }
    if (command instanceof RetryCommit c) {
      return Step.run(
          now -> {
            if (now.leftWarehouse() && !now.committedSkus().contains(c.sku())) commit(now, c.sku());
          });
    }
    if (command instanceof PassivateIfSettled) {
      return Step.run(
          now -> {
            if (settled(now)) host.mayLeaveMemory();
          });
    }
    throw new IllegalArgumentException("unknown order command " + command);
  }

  /** Finishes whatever the saga was doing when its host stopped. */
  void resume(State s) {
    schedulePassivationIfSettled(s);
    switch (s.status()) {
      case PLACING -> {
        s.skus().stream()
            .filter(sku -> !s.reservedSkus().contains(sku))
            .forEach(sku -> reserve(s, sku, 1));
        if (awaitsCoupon(s)) redeem(s, 1);
      }
      case REJECTED, CANCELLING -> {
        s.skus().stream()
            .filter(sku -> !s.releasedSkus().contains(sku))
            .forEach(sku -> release(s, sku));
        if (s.couponOutstanding()) giveCouponBack(s);
        if (s.status() == Status.CANCELLING && s.handedToDispatch()) withdrawFromDispatch(s, 1);
      }
      case CONFIRMED -> {
        if (!s.handedToDispatch()) handToDispatch(s, 1);
      }
      case OUT_FOR_DELIVERY, AT_PICKUP_POINT -> commitRemaining(s);
      default -> {}
    }
  }

  private Step onPlace(State s, Place c) {
    if (s.status() == Status.NEW) {
      placeWaiters.add(c.replyTo());
      return Step.persist(
          new OrderPlaced(c.details()), next -> next.skus().forEach(sku -> reserve(next, sku, 1)));
    }
    if (!s.details().sameRequestAs(c.details())) {
      return Step.reply(
          c.replyTo(),
          DomainError.reply(
              new DomainError.Conflict(
                  "idempotency key already used for a different order; use a new key for a new order")));
    }
    if (s.status() == Status.PLACING) {
      placeWaiters.add(c.replyTo());
      return Step.NONE;
    }
    return Step.reply(c.replyTo(), StatusReply.success(summary(s)));
  }

  private Step onGet(State s, Get c) {
    schedulePassivationIfSettled(s); // restarts the idle period
    if (s.status() == Status.NEW || !mayAccess(s, c.requesterId())) {
      return Step.reply(
          c.replyTo(), DomainError.reply(new DomainError.NotFound("no order " + orderId)));
    }
    return Step.reply(c.replyTo(), StatusReply.success(summary(s)));
  }

  private Step onCancel(State s, Cancel c) {
    if (s.status() == Status.NEW || !mayAccess(s, c.requesterId())) {
      return Step.reply(
          c.replyTo(), DomainError.reply(new DomainError.NotFound("no order " + orderId)));
    }
    switch (s.status()) {
      case PLACING:
        return conflict(c, "order is still being placed; retry the cancellation in a moment");
      case REJECTED:
        return conflict(c, "order was rejected; nothing to cancel");
      case CANCELLED:
        return Step.reply(c.replyTo(), StatusReply.success(summary(s)));
      case CANCELLING:
        cancelWaiters.add(c.replyTo());
        return Step.NONE;
      case OUT_FOR_DELIVERY:
      case AT_PICKUP_POINT:
        return conflict(
            c,
            "order is already out for delivery ("
                + s.status()
                + "); it can no longer be cancelled");
      default:
        if (!s.committedSkus().isEmpty()) { // goods have left the warehouse once: the stock is sold
          return conflict(
              c, "order has already been out for delivery; it can no longer be cancelled");
        }
        cancelWaiters.add(c.replyTo());
        String reason =
            c.reason() == null || c.reason().isBlank() ? "cancelled by customer" : c.reason();
        return Step.persist(
            new CancellationRequested(reason),
            next -> {
              next.skus().forEach(sku -> release(next, sku));
              if (next.couponOutstanding()) giveCouponBack(next);
              if (next.handedToDispatch()) withdrawFromDispatch(next, 1);
            });
    }
  }

  private static Step conflict(Cancel c, String message) {
    return Step.reply(c.replyTo(), DomainError.reply(new DomainError.Conflict(message)));
  }

  private Step onReservationResult(State s, ReservationResult r) {
    if (s.status() != Status.PLACING) {
      // A late success after rejection or cancellation: release that line again (idempotent at the
      // inventory), in case the earlier release was processed first and its marker has since been
      // forgotten.
      if (r.reserved() && undoing(s)) return Step.run(now -> release(now, r.sku()));
      return Step.NONE;
    }
    if (r.reserved()) {
      if (s.reservedSkus().contains(r.sku())) return Step.NONE;
      List<Event> events = new ArrayList<>(List.of(new LineReserved(r.sku(), r.unitPriceFen())));
      boolean priced = s.apply(events.get(0)).allReserved();
      if (priced && !s.details().hasCoupon()) events.add(new OrderConfirmed());
      return Step.persist(
          events,
          next -> {
            answerPlaceWaiters(next);
            if (next.status() == Status.CONFIRMED) handToDispatch(next, 1);
            if (awaitsCoupon(next)) redeem(next, 1);
          });
    }
    if (!r.definitive() && r.attempt() < Order.MAX_RESERVE_ATTEMPTS) {
      return Step.run(
          now ->
              host.later(
                  "reserve-" + r.sku(),
                  new RetryReserve(r.sku(), r.attempt() + 1),
                  Order.RETRY_BACKOFF.multipliedBy(r.attempt())));
    }
    String reason =
        r.definitive()
            ? r.sku() + ": " + r.error()
            : r.sku() + ": inventory did not answer after " + r.attempt() + " attempts";
    return reject(reason, r.sku());
  }

  /**
   * Rejects the order and undoes whatever it holds: its lines, and its coupon if it may hold it.
   */
  private Step reject(String reason, String sku) {
    return Step.persist(
        new OrderRejected(reason, sku),
        next -> {
          answerPlaceWaiters(next);
          next.skus().forEach(line -> release(next, line));
          if (next.couponOutstanding()) giveCouponBack(next);
        });
  }

  private Step onCouponResult(State s, CouponResult r) {
    if (!awaitsCoupon(s)) {
      // a late redemption after the order was rejected or cancelled: give the coupon back again
      if (r.redeemed() && undoing(s)) return Step.run(this::giveCouponBack);
      return Step.NONE;
    }
    if (r.redeemed()) {
      return Step.persist(
          List.of(new CouponApplied(s.details().couponId(), r.discountFen()), new OrderConfirmed()),
          next -> {
            answerPlaceWaiters(next);
            handToDispatch(next, 1);
          });
    }
    if (!r.definitive() && r.attempt() < Order.MAX_RESERVE_ATTEMPTS) {
      return Step.run(
          now ->
              host.later(
                  "redeem",
                  new RetryRedeem(r.attempt() + 1),
                  Order.RETRY_BACKOFF.multipliedBy(r.attempt())));
    }
    String coupon = "coupon " + s.details().couponId() + ": ";
    return reject(
        r.definitive()
            ? coupon + r.error()
            : coupon + "its campaign did not answer after " + r.attempt() + " attempts",
        "");
  }

  private Step onCouponReturnResult(State s, CouponReturnResult r) {
    if (!r.returned()) {
      log.warn("order {}: giving the coupon back failed ({}); retrying", orderId, r.error());
      return Step.run(now -> host.later("coupon-return", new RetryCouponReturn(), RETRY_LATER));
    }
    if (!s.couponOutstanding()) return Step.NONE;
    List<Event> events = new ArrayList<>(List.of(new CouponReturned(s.details().couponId())));
    if (s.status() == Status.CANCELLING && s.allReleased()) {
      events.add(new OrderCancelled(s.reason()));
    }
    return Step.persist(events, this::afterUndoStep);
  }

  /** Placing, every line priced, the coupon not redeemed yet. */
  private static boolean awaitsCoupon(State s) {
    return s.status() == Status.PLACING
        && s.details().hasCoupon()
        && s.allReserved()
        && s.discountFen() == 0;
  }

  private static boolean undoing(State s) {
    return s.status() == Status.REJECTED
        || s.status() == Status.CANCELLING
        || s.status() == Status.CANCELLED;
  }

  private Step onReleaseResult(State s, ReleaseResult r) {
    if (!r.released()) {
      log.warn("order {}: release of {} failed ({}); retrying", orderId, r.sku(), r.error());
      return Step.run(
          now -> host.later("release-" + r.sku(), new RetryRelease(r.sku()), Order.RETRY_BACKOFF));
    }
    if (s.releasedSkus().contains(r.sku())) return Step.NONE;
    List<Event> events = new ArrayList<>(List.of(new LineReleased(r.sku())));
    State after = s.apply(events.get(0));
    if (s.status() == Status.CANCELLING && after.allReleased() && !after.couponOutstanding()) {
      events.add(new OrderCancelled(s.reason()));
    }
    return Step.persist(events, this::afterUndoStep);
  }

  private void afterUndoStep(State next) {
    schedulePassivationIfSettled(next);
    if (next.status() == Status.CANCELLED) {
      cancelWaiters.forEach(w -> w.tell(StatusReply.success(summary(next))));
      cancelWaiters.clear();
    }
  }

  /**
   * Settled: nothing left to do until someone asks (confirmed and handed to dispatch, waved, out
   * with its stock committed, cancelled, or rejected with every line released).
   */
  static boolean settled(State s) {
    return switch (s.status()) {
      case CONFIRMED -> s.handedToDispatch();
      case WAVED, CANCELLED -> true;
      // a commit still in flight is redone by recovery if the order passivates first
      case OUT_FOR_DELIVERY, AT_PICKUP_POINT -> true;
      case REJECTED -> s.allReleased() && !s.couponOutstanding();
      default -> false;
    };
  }

  private Step onUpdateDelivery(State s, UpdateDelivery c) {
    boolean deliverable =
        s.status() == Status.CONFIRMED || s.status() == Status.WAVED || s.leftWarehouse();
    boolean forward =
        c.status() == Status.WAVED
            || c.status() == Status.OUT_FOR_DELIVERY
            || c.status() == Status.AT_PICKUP_POINT;
    if (!forward) {
      return Step.reply(
          c.replyTo(),
          DomainError.reply(new DomainError.Invalid(c.status() + " is not a delivery status")));
    }
    // A stop moved from a vehicle on the road to one still at the warehouse is waved again on the
    // new vehicle (which loads the goods afresh). Otherwise statuses only move forward; cancelled
    // orders and stale statuses are acknowledged and ignored, so dispatch stops retrying.
    boolean rewaved =
        c.status() == Status.WAVED
            && s.status() == Status.OUT_FOR_DELIVERY
            && !c.vehicleId().equals(s.vehicleId());
    if (!deliverable
        || (!rewaved
            && c.status().ordinal() < (s.status() == Status.CONFIRMED ? 0 : s.status().ordinal()))
        || (c.status() == s.status() && c.vehicleId().equals(s.vehicleId()))) {
      return Step.reply(c.replyTo(), StatusReply.success(Done.getInstance()));
    }
    List<Event> events = new ArrayList<>();
    if (!s.handedToDispatch()) events.add(new HandedToDispatch());
    events.add(new DeliveryUpdated(c.status(), c.vehicleId(), c.stopId()));
    return Step.persist(
        events,
        next -> {
          if (next.leftWarehouse()) commitRemaining(next);
          schedulePassivationIfSettled(next);
          c.replyTo().tell(StatusReply.success(Done.getInstance()));
        });
  }

  private Step onDispatchResult(State s, DispatchResult r) {
    String what = r.added() ? "order" : "withdrawal";
    if (!r.ok() && r.refused()) {
      // a refusal (say, a pickup point dispatch does not know) stays one: an operator must look
      log.error("order {}: dispatch refused the {}: {}; not retried", orderId, what, r.error());
      return Step.NONE;
    }
    if (!r.ok()) {
      Duration wait = Order.dispatchBackoff(r.attempt());
      // the first failure and then one in ten: a region under load must not also flood the log
      if (r.attempt() == 1 || r.attempt() % 10 == 0) {
        log.warn(
            "order {}: dispatch did not take the {} ({}), attempt {}; next in {} ms",
            orderId,
            what,
            r.error(),
            r.attempt(),
            wait.toMillis());
      }
      return Step.run(
          now -> host.later("dispatch", new RetryDispatch(r.added(), r.attempt() + 1), wait));
    }
    if (!r.added() || s.handedToDispatch()) return Step.NONE;
    return Step.persist(new HandedToDispatch(), this::schedulePassivationIfSettled);
  }

  private Step onCommitResult(State s, CommitResult r) {
    if (!r.committed() && r.definitive()) {
      // inventory refuses (e.g. the reservation is gone): retrying cannot help; an operator must
      // look
      log.error("order {}: inventory refused to commit {}: {}", orderId, r.sku(), r.error());
      return Step.NONE;
    }
    if (!r.committed()) {
      log.warn("order {}: commit of {} failed ({}); retrying", orderId, r.sku(), r.error());
      return Step.run(
          now -> host.later("commit-" + r.sku(), new RetryCommit(r.sku()), Order.RETRY_BACKOFF));
    }
    if (s.committedSkus().contains(r.sku())) return Step.NONE;
    return Step.persist(new LineCommitted(r.sku()), this::schedulePassivationIfSettled);
  }

  private void handToDispatch(State s, int attempt) {
    int units = s.details().lines().stream().mapToInt(Order.Line::quantity).sum();
    host.pipe(
        dispatch.add(orderId, s.details(), units),
        (ok, failure) -> dispatchResult(true, failure, attempt));
  }

  private void withdrawFromDispatch(State s, int attempt) {
    host.pipe(
        dispatch.remove(orderId, s.details().warehouseId(), s.reason()),
        (ok, failure) -> dispatchResult(false, failure, attempt));
  }

  private static DispatchResult dispatchResult(boolean added, Throwable failure, int attempt) {
    Throwable cause = Failures.unwrap(failure);
    return new DispatchResult(
        added,
        failure == null,
        cause instanceof DomainError.Failure,
        failure == null ? "" : String.valueOf(cause.getMessage()),
        attempt);
  }

  private void commitRemaining(State s) {
    s.skus().stream()
        .filter(sku -> !s.committedSkus().contains(sku))
        .forEach(sku -> commit(s, sku));
  }

  private void commit(State s, String sku) {
    host.pipe(
        inventory.commit(sku, s.details().warehouseId(), orderId),
        (ok, failure) ->
            new CommitResult(
                sku,
                failure == null,
                Failures.unwrap(failure) instanceof DomainError.Failure,
                failure == null ? "" : String.valueOf(Failures.unwrap(failure).getMessage())));
  }

  private void schedulePassivationIfSettled(State s) {
    if (!host.settledIdle().isZero() && settled(s)) {
      host.later("passivate", PassivateIfSettled.INSTANCE, host.settledIdle());
    }
  }

  private void answerPlaceWaiters(State s) {
    schedulePassivationIfSettled(s);
    if (s.status() == Status.PLACING) return;
    placeWaiters.forEach(w -> w.tell(StatusReply.success(summary(s))));
    placeWaiters.clear();
  }

  private void reserve(State s, String sku, int attempt) {
    host.pipe(
        inventory.reserve(sku, s.details().warehouseId(), orderId, s.quantityOf(sku)),
        (price, failure) -> {
          if (failure == null) return new ReservationResult(sku, true, false, "", attempt, price);
          Throwable cause = Failures.unwrap(failure);
          // inventory refused; anything else (no answer in time) is worth another attempt
          boolean definitive = cause instanceof DomainError.Failure;
          return new ReservationResult(
              sku, false, definitive, String.valueOf(cause.getMessage()), attempt);
        });
  }

  private void redeem(State s, int attempt) {
    host.pipe(
        coupons.redeem(s.details().couponId(), s.details().customerId(), orderId, s.subtotalFen()),
        (discount, failure) -> {
          if (failure == null) return new CouponResult(true, false, "", discount, attempt);
          Throwable cause = Failures.unwrap(failure);
          return new CouponResult(
              false,
              cause instanceof DomainError.Failure,
              String.valueOf(cause.getMessage()),
              0,
              attempt);
        });
  }

  /**
   * A refusal counts as given back: the campaign holds the coupon for no order of ours (it is
   * another order's, or unknown).
   */
  private void giveCouponBack(State s) {
    host.pipe(
        coupons.giveBack(s.details().couponId(), orderId),
        (ok, failure) -> {
          Throwable cause = Failures.unwrap(failure);
          boolean returned = failure == null || cause instanceof DomainError.Failure;
          if (failure != null && returned) {
            log.warn("order {}: campaign refused the coupon back: {}", orderId, cause.getMessage());
          }
          return new CouponReturnResult(returned, failure == null ? "" : cause.getMessage());
        });
  }

  private void release(State s, String sku) {
    host.pipe(
        inventory.release(sku, s.details().warehouseId(), orderId),
        (ok, failure) ->
            new ReleaseResult(
                sku,
                failure == null,
                failure == null ? "" : String.valueOf(Failures.unwrap(failure).getMessage())));
  }

  private static boolean mayAccess(State s, String requesterId) {
    return requesterId == null
        || requesterId.isEmpty()
        || Objects.equals(s.details().customerId(), requesterId);
  }

  Summary summary(State s) {
    return Order.summary(orderId, s);
  }
}
