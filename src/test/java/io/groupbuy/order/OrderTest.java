package io.groupbuy.order;

import static io.groupbuy.platform.Refusals.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.order.Order.Details;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.Order.Summary;
import io.groupbuy.platform.DomainError;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The order saga against real {@link ProductInventory} actors (in-memory journal): the gateway
 * below is the local equivalent of the cluster's sharded one.
 */
class OrderTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Dispatch is not under test here: it takes every order at once. */
  static final Order.DispatchGateway DISPATCH =
      new Order.DispatchGateway() {
        @Override
        public CompletionStage<?> add(String orderId, Order.Details details, int units) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> remove(String orderId, String warehouseId, String reason) {
          return CompletableFuture.completedFuture(null);
        }
      };

  private static Details details(String customer, String key, Line... lines) {
    return new Details(
        customer, "pp-1", "wh1", List.of(lines), 1_700_000_000_000L, 1_700_003_600_000L, key);
  }

  private static StatusReply<Summary> place(ActorRef<Order.Command> order, Details d) {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    order.tell(new Order.Place(d, probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static StatusReply<Summary> cancel(ActorRef<Order.Command> order, String requester) {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    order.tell(new Order.Cancel(requester, "changed my mind", probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static StatusReply<Summary> get(ActorRef<Order.Command> order, String requester) {
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    order.tell(new Order.Get(requester, probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static String newId() {
    return "order-" + UUID.randomUUID();
  }

  @Test
  void confirmsWhenEveryLineIsReserved() {
    LocalInventory inv = new LocalInventory(testKit);
    inv.receive("apple", "wh1", 10);
    inv.receive("pear", "wh1", 10);
    var order = testKit.spawn(Order.create(newId(), inv, DISPATCH));
    Details d = details("c1", "k1", new Line("apple", 3), new Line("pear", 4));
    Summary s = place(order, d).getValue();
    assertEquals(Status.CONFIRMED, s.status());
    assertEquals(7, inv.stock("apple", "wh1").available());
    assertEquals(6, inv.stock("pear", "wh1").available());
    // the same request again returns the first result and reserves nothing more
    assertEquals(s, place(order, d).getValue());
    assertEquals(7, inv.stock("apple", "wh1").available());
    // the same key with another body is a client error, not a silent overwrite
    var conflict = place(order, details("c1", "k1", new Line("apple", 5)));
    assertTrue(conflict.isError());
    assertEquals(DomainError.Kind.CONFLICT, kind(conflict));
  }

  @Test
  void rejectsAndReleasesWhenALineIsSoldOut() throws Exception {
    LocalInventory inv = new LocalInventory(testKit);
    inv.receive("apple", "wh1", 10);
    inv.receive("pear", "wh1", 1);
    var order = testKit.spawn(Order.create(newId(), inv, DISPATCH));
    Summary s =
        place(order, details("c1", "k1", new Line("apple", 3), new Line("pear", 4))).getValue();
    assertEquals(Status.REJECTED, s.status());
    assertTrue(s.reason().contains("pear"), s.reason());
    // compensation runs after the answer: wait until apple's reservation is returned
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        TIMEOUT,
        () -> {
          assertEquals(10, inv.stock("apple", "wh1").available());
          return null;
        });
    assertEquals(1, inv.stock("pear", "wh1").available());
  }

  @Test
  void cancellationReleasesStockAndIsIdempotent() {
    LocalInventory inv = new LocalInventory(testKit);
    inv.receive("apple", "wh1", 10);
    var order = testKit.spawn(Order.create(newId(), inv, DISPATCH));
    place(order, details("c1", "k1", new Line("apple", 3)));
    assertTrue(cancel(order, "someone-else").isError());
    assertEquals(7, inv.stock("apple", "wh1").available());
    assertEquals(Status.CANCELLED, cancel(order, "c1").getValue().status());
    assertEquals(10, inv.stock("apple", "wh1").available());
    assertEquals(Status.CANCELLED, cancel(order, "c1").getValue().status());
    assertEquals(10, inv.stock("apple", "wh1").available());
  }

  @Test
  void onlyTheOwnerOrAnOperatorSeesTheOrder() {
    LocalInventory inv = new LocalInventory(testKit);
    inv.receive("apple", "wh1", 10);
    var order = testKit.spawn(Order.create(newId(), inv, DISPATCH));
    assertEquals(DomainError.Kind.NOT_FOUND, kind(get(order, "")));
    place(order, details("c1", "k1", new Line("apple", 1)));
    assertEquals("c1", get(order, "c1").getValue().customerId());
    assertEquals("c1", get(order, "").getValue().customerId());
    assertEquals(DomainError.Kind.NOT_FOUND, kind(get(order, "c2")));
  }

  @Test
  void cannotCancelUnknownOrRejectedOrders() {
    LocalInventory inv = new LocalInventory(testKit);
    var order = testKit.spawn(Order.create(newId(), inv, DISPATCH));
    assertEquals(DomainError.Kind.NOT_FOUND, kind(cancel(order, "c1")));
    place(order, details("c1", "k1", new Line("ghost", 1)));
    assertEquals(DomainError.Kind.CONFLICT, kind(cancel(order, "c1")));
  }

  @Test
  void finishesTheSagaAfterARestartMidway() {
    LocalInventory inv = new LocalInventory(testKit);
    inv.receive("apple", "wh1", 10);
    String id = newId();
    inv.hanging.set(true);
    var first = testKit.spawn(Order.create(id, inv, DISPATCH));
    TestProbe<StatusReply<Summary>> abandoned = testKit.createTestProbe();
    first.tell(new Order.Place(details("c1", "k1", new Line("apple", 2)), abandoned.getRef()));
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        TIMEOUT,
        () -> {
          assertEquals(Status.PLACING, get(first, "c1").getValue().status());
          return null;
        });
    testKit.stop(first);
    // the node comes back and inventory answers again: recovery resumes the reservation
    inv.hanging.set(false);
    var second = testKit.spawn(Order.create(id, inv, DISPATCH));
    waiter.awaitAssert(
        TIMEOUT,
        () -> {
          assertEquals(Status.CONFIRMED, get(second, "c1").getValue().status());
          return null;
        });
    assertEquals(8, inv.stock("apple", "wh1").available());
  }
}
