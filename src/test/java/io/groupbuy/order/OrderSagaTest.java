package io.groupbuy.order;

import static io.groupbuy.platform.Refusals.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.order.Order.Command;
import io.groupbuy.order.Order.Details;
import io.groupbuy.order.Order.Event;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.State;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.Order.Summary;
import io.groupbuy.platform.DomainError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every command and rejection path of the Order saga, step by step with the behaviour testkit: the
 * inventory never answers on its own here, so the test feeds each reservation and release outcome
 * and checks the events.
 */
class OrderSagaTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * Records what the saga asks of inventory; the futures never complete, outcomes are sent by the
   * test.
   */
  static final class RecordingInventory implements Order.InventoryGateway {
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized CompletionStage<Long> reserve(
        String sku, String warehouseId, String orderId, int quantity) {
      calls.add("reserve " + sku + " " + quantity);
      return new CompletableFuture<>();
    }

    @Override
    public synchronized CompletionStage<?> release(String sku, String warehouseId, String orderId) {
      calls.add("release " + sku);
      return new CompletableFuture<>();
    }

    @Override
    public synchronized CompletionStage<?> commit(String sku, String warehouseId, String orderId) {
      calls.add("commit " + sku);
      return CompletableFuture.completedFuture(null);
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }
  }

  /**
   * Records hand-overs to dispatch; they succeed at once when {@code accepting}, else never answer.
   */
  static final class RecordingDispatch implements Order.DispatchGateway {
    final List<String> calls = new ArrayList<>();
    volatile boolean accepting;

    @Override
    public synchronized CompletionStage<?> add(String orderId, Details details, int units) {
      calls.add("add " + orderId + " " + details.pickupPointId() + " " + units);
      return accepting ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
    }

    @Override
    public synchronized CompletionStage<?> remove(
        String orderId, String warehouseId, String reason) {
      calls.add("remove " + orderId + " " + warehouseId);
      return accepting ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }
  }

  private RecordingDispatch dispatch;
  private RecordingInventory inventory;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;
  private static final Details DETAILS =
      new Details(
          "c1",
          "pp-1",
          "wh-1",
          List.of(new Line("apple", 2), new Line("pear", 1)),
          10L,
          20L,
          "key-1");

  @BeforeEach
  void fresh() {
    inventory = new RecordingInventory();
    dispatch = new RecordingDispatch();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), Order.create("o-1", inventory, dispatch));
  }

  private TestProbe<StatusReply<Summary>> place(Details details) {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Place(details, probe.getRef()));
    return probe;
  }

  private void awaitCalls(String... expected) {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of(expected), inventory.calls());
              return null;
            });
  }

  @Test
  void placingPersistsThenReservesEveryLine() {
    var result =
        kit.runCommand(
            new Order.Place(DETAILS, testKit.<StatusReply<Summary>>createTestProbe().getRef()));
    assertEquals(List.of(new Order.OrderPlaced(DETAILS)), result.events());
    assertEquals(Status.PLACING, result.state().status());
    awaitCalls("reserve apple 2", "reserve pear 1");
  }

  @Test
  void eachLineKeepsThePriceItWasReservedAtAndTheOrderItsTotal() {
    var placed = place(DETAILS); // apple x2, pear x1
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1, 1290));
    var two = kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1, 350));
    assertEquals(new Order.LineReserved("pear", 350), two.events().get(0));
    Summary s = placed.receiveMessage().getValue();
    assertEquals(
        List.of(
            new Order.PricedLine("apple", 2, 1290, 2580),
            new Order.PricedLine("pear", 1, 350, 350)),
        s.lines());
    assertEquals(2930, s.subtotalFen());
    assertEquals(0, s.discountFen());
    assertEquals(2930, s.totalFen());
    // an answer repeated later (say at a new price) changes nothing: the price is the placement's
    assertTrue(
        kit.runCommand(new Order.ReservationResult("pear", true, false, "", 2, 999)).hasNoEvents());
    kit.restart(); // and it survives recovery
    TestProbe<StatusReply<Summary>> again = testKit.createTestProbe();
    kit.runCommand(new Order.Get("c1", again.getRef()));
    assertEquals(2930, again.receiveMessage().getValue().totalFen());
  }

  @Test
  void confirmsWhenTheLastLineIsReservedAndAnswersEveryWaiter() {
    var first = place(DETAILS);
    var retry = place(DETAILS); // a retry while placing waits for the same outcome
    var one = kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    assertEquals(List.of(new Order.LineReserved("apple")), one.events());
    first.expectNoMessage();
    var two = kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1));
    assertEquals(List.of(new Order.LineReserved("pear"), new Order.OrderConfirmed()), two.events());
    assertEquals(Status.CONFIRMED, first.receiveMessage().getValue().status());
    assertEquals(Status.CONFIRMED, retry.receiveMessage().getValue().status());
    // a duplicate reservation answer changes nothing
    assertTrue(
        kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1)).hasNoEvents());
  }

  @Test
  void rejectsOnASoldOutLineAndReleasesEveryLine() {
    var waiter = place(DETAILS);
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    var rejected =
        kit.runCommand(
            new Order.ReservationResult("pear", false, true, "sold out: 0 available", 1));
    assertEquals(
        List.of(new Order.OrderRejected("pear: sold out: 0 available", "pear")), rejected.events());
    Summary s = waiter.receiveMessage().getValue();
    assertEquals(Status.REJECTED, s.status());
    awaitCalls("reserve apple 2", "reserve pear 1", "release apple", "release pear");
    assertEquals(
        List.of(new Order.LineReleased("apple")),
        kit.runCommand(new Order.ReleaseResult("apple", true, "")).events());
    // a late reservation success after rejection changes no state but releases that line once more
    assertTrue(
        kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1)).hasNoEvents());
    assertEquals(Status.REJECTED, kit.getState().status());
    awaitCalls(
        "reserve apple 2", "reserve pear 1", "release apple", "release pear", "release pear");
  }

  @Test
  void retriesATimedOutReservationThenGivesUp() {
    place(DETAILS);
    assertTrue(
        kit.runCommand(new Order.ReservationResult("apple", false, false, "timeout", 1))
            .hasNoEvents());
    awaitCalls("reserve apple 2", "reserve pear 1", "reserve apple 2"); // retried after a back-off
    var last =
        kit.runCommand(
            new Order.ReservationResult(
                "apple", false, false, "timeout", Order.MAX_RESERVE_ATTEMPTS));
    assertEquals(Status.REJECTED, last.state().status());
    assertTrue(last.state().reason().contains("did not answer"), last.state().reason());
  }

  @Test
  void aDifferentRequestWithTheSameKeyIsAConflict() {
    place(DETAILS);
    var other =
        place(new Details("c1", "pp-1", "wh-1", List.of(new Line("apple", 9)), 11L, 20L, "key-1"));
    assertEquals(DomainError.Kind.CONFLICT, kind(other.receiveMessage()));
    // the same request at another time is a retry, not a conflict
    var same = place(new Details("c1", "pp-1", "wh-1", DETAILS.lines(), 99L, 20L, "key-1"));
    same.expectNoMessage();
  }

  @Test
  void cancellationOnlyFromConfirmedAndOnlyByTheOwner() {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Cancel("c1", "", probe.getRef()));
    assertEquals(DomainError.Kind.NOT_FOUND, kind(probe.receiveMessage()));
    place(DETAILS);
    kit.runCommand(new Order.Cancel("c1", "", probe.getRef()));
    assertEquals(DomainError.Kind.CONFLICT, kind(probe.receiveMessage())); // still placing
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1));
    kit.runCommand(new Order.Cancel("intruder", "", probe.getRef()));
    assertEquals(DomainError.Kind.NOT_FOUND, kind(probe.receiveMessage()));

    var cancelling = kit.runCommand(new Order.Cancel("c1", "", probe.getRef()));
    assertEquals(
        List.of(new Order.CancellationRequested("cancelled by customer")), cancelling.events());
    awaitCalls("reserve apple 2", "reserve pear 1", "release apple", "release pear");
    kit.runCommand(new Order.ReleaseResult("apple", true, ""));
    probe.expectNoMessage();
    var done = kit.runCommand(new Order.ReleaseResult("pear", true, ""));
    assertEquals(
        List.of(new Order.LineReleased("pear"), new Order.OrderCancelled("cancelled by customer")),
        done.events());
    assertEquals(Status.CANCELLED, probe.receiveMessage().getValue().status());
    kit.runCommand(new Order.Cancel("", "", probe.getRef())); // operator, idempotent
    assertEquals(Status.CANCELLED, probe.receiveMessage().getValue().status());
  }

  private void confirm() {
    dispatch.accepting = true;
    place(DETAILS);
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1));
  }

  private StatusReply<Done> deliver(Status status, String vehicle) {
    return kit.<StatusReply<Done>>runCommand(
            r -> new Order.UpdateDelivery(status, vehicle, "pp-1", r))
        .reply();
  }

  @Test
  void aConfirmedOrderGoesToDispatchThenCommitsItsStockWhenItLeavesTheWarehouse() {
    confirm();
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of("add o-1 pp-1 3"), dispatch.calls());
              assertTrue(kit.getState().handedToDispatch());
              return null;
            });
    assertTrue(deliver(Status.WAVED, "v1").isSuccess());
    assertEquals(Status.WAVED, kit.getState().status());
    assertTrue(deliver(Status.WAVED, "v1").isSuccess());
    assertTrue(kit.runCommand(new Order.RetryDispatch(true)).hasNoEvents(), "handed over once");
    // rerouted to another vehicle, then out for delivery: the reservations become sales
    assertTrue(deliver(Status.WAVED, "v2").isSuccess());
    assertEquals("v2", kit.getState().vehicleId());
    assertTrue(deliver(Status.OUT_FOR_DELIVERY, "v2").isSuccess());
    awaitCalls("reserve apple 2", "reserve pear 1", "commit apple", "commit pear");
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertTrue(kit.getState().allCommitted());
              return null;
            });
    // a late, older status from the same vehicle does not move the order back
    assertTrue(deliver(Status.WAVED, "v2").isSuccess());
    assertEquals(Status.OUT_FOR_DELIVERY, kit.getState().status());
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Cancel("c1", "changed my mind", probe.getRef()));
    assertTrue(probe.receiveMessage().getError().getMessage().contains("already out for delivery"));
    // v2 is stuck: its stop moves to v3, still at the warehouse, which then delivers it
    assertTrue(deliver(Status.WAVED, "v3").isSuccess());
    assertEquals(Status.WAVED, kit.getState().status());
    assertTrue(deliver(Status.OUT_FOR_DELIVERY, "v3").isSuccess());
    assertTrue(deliver(Status.AT_PICKUP_POINT, "v3").isSuccess());
    kit.restart();
    assertEquals(Status.AT_PICKUP_POINT, kit.getState().status());
    assertEquals("v3", kit.getState().vehicleId());
  }

  @Test
  void cancellingAWavedOrderWithdrawsItFromDispatch() {
    confirm();
    deliver(Status.WAVED, "v1");
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Cancel("c1", "", probe.getRef()));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(List.of("add o-1 pp-1 3", "remove o-1 wh-1"), dispatch.calls());
              return null;
            });
    assertTrue(
        deliver(Status.OUT_FOR_DELIVERY, "v1").isSuccess(),
        "acknowledged, so dispatch stops retrying");
    assertEquals(Status.CANCELLING, kit.getState().status());
  }

  @Test
  void aFailedReleaseIsRetried() {
    place(DETAILS);
    kit.runCommand(new Order.ReservationResult("apple", false, true, "sold out", 1));
    awaitCalls("reserve apple 2", "reserve pear 1", "release apple", "release pear");
    assertTrue(kit.runCommand(new Order.ReleaseResult("apple", false, "timeout")).hasNoEvents());
    awaitCalls(
        "reserve apple 2", "reserve pear 1", "release apple", "release pear", "release apple");
  }

  @Test
  void aSettledOrderAsksItsShardToPassivateIt() {
    TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    var sharded =
        EventSourcedBehaviorTestKit.<Command, Event, State>create(
            testKit.system(),
            Order.create(
                "o-2",
                inventory,
                dispatch,
                Order.CouponGateway.NONE,
                shard.getRef(),
                Duration.ofMillis(200)));
    sharded.runCommand(
        new Order.Place(DETAILS, testKit.<StatusReply<Summary>>createTestProbe().getRef()));
    shard.expectNoMessage(Duration.ofMillis(400)); // placing: stays in memory
    sharded.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    sharded.runCommand(new Order.ReservationResult("pear", true, false, "", 1));
    shard.expectNoMessage(Duration.ofMillis(400)); // confirmed but not yet taken by dispatch: stays
    dispatch.accepting = true;
    sharded.runCommand(new Order.RetryDispatch(true));
    var passivate = shard.expectMessageClass(ClusterSharding.Passivate.class);
    assertTrue(passivate != null);
  }

  @Test
  void recoveryResumesUnfinishedReservations() {
    place(DETAILS);
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    awaitCalls("reserve apple 2", "reserve pear 1");
    kit.restart();
    assertEquals(Status.PLACING, kit.getState().status());
    awaitCalls("reserve apple 2", "reserve pear 1", "reserve pear 1"); // only the unreserved line
  }

  @Test
  void recoveryResumesUnfinishedReleases() {
    place(DETAILS);
    kit.runCommand(new Order.ReservationResult("apple", true, false, "", 1));
    kit.runCommand(new Order.ReservationResult("pear", true, false, "", 1));
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    kit.runCommand(new Order.Cancel("c1", "", probe.getRef()));
    kit.runCommand(new Order.ReleaseResult("pear", true, ""));
    kit.restart();
    assertEquals(Status.CANCELLING, kit.getState().status());
    awaitCalls(
        "reserve apple 2", "reserve pear 1", "release apple", "release pear", "release apple");
    var done = kit.runCommand(new Order.ReleaseResult("apple", true, ""));
    assertEquals(Status.CANCELLED, done.state().status());
  }
}
