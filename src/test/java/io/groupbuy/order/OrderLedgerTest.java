package io.groupbuy.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.order.Order.Details;
import io.groupbuy.order.Order.Line;
import io.groupbuy.order.Order.Status;
import io.groupbuy.order.Order.Summary;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.UuidV7;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Orders run in a ledger (in-memory journal, real inventory actors, the order table in memory):
 * many orders' events share writes, and settled orders leave the ledger for the table and come back
 * from it.
 */
class OrderLedgerTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final GroupCommitFront.Settings BATCH =
      new GroupCommitFront.Settings(512, 50_000, Duration.ofSeconds(12));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** The order table, in memory; counts what the ledger looks up. */
  static final class MemoryArchive implements OrderArchive {
    final Map<String, Order.State> rows = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> finds = new ConcurrentHashMap<>();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public CompletionStage<Optional<Order.State>> find(String orderId) {
      finds.computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.completedFuture(Optional.ofNullable(rows.get(orderId)));
    }

    @Override
    public CompletionStage<?> putAll(Map<String, Order.State> orders) {
      writes.incrementAndGet();
      rows.putAll(orders);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    int finds(String orderId) {
      AtomicInteger n = finds.get(orderId);
      return n == null ? 0 : n.get();
    }
  }

  /** One ledger and what it runs against. */
  private static final class Fixture {
    final String ledgerId = "ledger-" + UUID.randomUUID();
    final LocalInventory inventory = new LocalInventory(testKit);
    final MemoryArchive archive = new MemoryArchive();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final OrderLedger.Settings settings;
    ActorRef<OrderLedger.Command> ledger;

    Fixture(Duration archiveAfter) {
      this(archiveAfter, Duration.ofMillis(100));
    }

    Fixture(Duration archiveAfter, Duration flushEvery) {
      this(new OrderLedger.Settings(1, archiveAfter, flushEvery, 2000));
    }

    Fixture(OrderLedger.Settings settings) {
      this.settings = settings;
      ledger = spawn();
    }

    ActorRef<OrderLedger.Command> spawn() {
      return testKit.spawn(
          OrderLedger.withFront(
              ledgerId, settings, inventory, OrderTest.DISPATCH, archive, BATCH, batches::add));
    }

    /** Stops the ledger and starts it again from its journal, as after a node restart. */
    void restart() {
      testKit.stop(ledger, TIMEOUT);
      ledger = spawn();
    }

    StatusReply<Summary> place(String orderId, Details d) {
      TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
      ledger.tell(new OrderLedger.ToOrder(orderId, new Order.Place(d, probe.getRef())));
      return probe.receiveMessage(TIMEOUT);
    }

    StatusReply<Summary> get(String orderId) {
      TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
      ledger.tell(new OrderLedger.ToOrder(orderId, new Order.Get("", probe.getRef())));
      return probe.receiveMessage(TIMEOUT);
    }

    StatusReply<Summary> cancel(String orderId) {
      TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
      ledger.tell(
          new OrderLedger.ToOrder(
              orderId, new Order.Cancel("", "changed my mind", probe.getRef())));
      return probe.receiveMessage(TIMEOUT);
    }

    StatusReply<Done> deliver(String orderId, Status status, String vehicleId) {
      TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
      ledger.tell(
          new OrderLedger.ToOrder(
              orderId, new Order.UpdateDelivery(status, vehicleId, "stop-1", probe.getRef())));
      return probe.receiveMessage(TIMEOUT);
    }

    void awaitArchived(String orderId) {
      testKit
          .createTestProbe()
          .awaitAssert(
              TIMEOUT,
              () -> {
                assertTrue(archive.rows.containsKey(orderId), orderId + " not archived yet");
                return null;
              });
    }
  }

  private static Details details(String customer, String key, Line... lines) {
    return new Details(
        customer, "pp-1", "wh1", List.of(lines), 1_700_000_000_000L, 1_700_003_600_000L, key);
  }

  @Test
  void aFlashSaleInOneLedgerConfirmsExactlyTheStockInFewerWritesThanOrders() {
    Fixture f = new Fixture(Duration.ofMinutes(5));
    f.inventory.receive("apple", "wh1", 100);
    List<TestProbe<StatusReply<Summary>>> probes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
      probes.add(probe);
      f.ledger.tell(
          new OrderLedger.ToOrder(
              "o-" + i,
              new Order.Place(details("c" + i, "k", new Line("apple", 1)), probe.getRef())));
    }
    int confirmed = 0;
    int rejected = 0;
    for (var probe : probes) {
      Summary s = probe.receiveMessage(TIMEOUT).getValue();
      if (s.status() == Status.CONFIRMED) confirmed++;
      if (s.status() == Status.REJECTED) rejected++;
    }
    assertEquals(100, confirmed);
    assertEquals(200, rejected);
    assertEquals(0, f.inventory.stock("apple", "wh1").available());
    assertEquals(100, f.inventory.stock("apple", "wh1").reserved());
    // placements, reservations and confirmations of many orders went in shared writes
    assertTrue(f.batches.stream().anyMatch(n -> n > 1), "batches " + f.batches);
    int commands = f.batches.stream().mapToInt(Integer::intValue).sum();
    assertTrue(f.batches.size() < commands / 2, f.batches.size() + " batches for " + commands);
    // and all of it is in the journal: a fresh incarnation knows every order
    f.restart();
    assertEquals(Status.CONFIRMED, f.get("o-0").getValue().status());
    assertEquals(Status.REJECTED, f.get("o-299").getValue().status());
  }

  @Test
  void ledgersFlushTheirArchivesOneAfterAnother() {
    OrderLedger.Settings s =
        new OrderLedger.Settings(4, Duration.ofSeconds(30), Duration.ofSeconds(4), 2000);
    List<Long> firstFlushes = new ArrayList<>();
    for (int ledger = 0; ledger < 4; ledger++) {
      firstFlushes.add(s.firstArchiveFlush(Integer.toString(ledger)).toMillis());
    }
    assertEquals(List.of(4000L, 5000L, 6000L, 7000L), firstFlushes);
  }

  /**
   * Snapshots come further apart as the live orders grow (one event per live order), and a ledger
   * restarted from them and the events after knows every order.
   */
  @Test
  void snapshotsSpreadAsLiveOrdersGrowAndRecoveryKeepsEveryOrder() {
    Fixture f =
        new Fixture(
            new OrderLedger.Settings(
                1, Duration.ofHours(1), Duration.ofMillis(100), Duration.ZERO, 5, 1, 100_000));
    f.inventory.receive("apple", "wh1", 1_000);
    for (int i = 0; i < 60; i++) {
      assertEquals(
          Status.CONFIRMED,
          f.place("o-" + i, details("c" + i, "k" + i, new Line("apple", 1))).getValue().status());
    }
    List<Long> taken =
        SnapshotTestKit.create(Adapter.toClassic(testKit.system()))
            .persistedInStorage("OrderLedger|" + f.ledgerId)
            .stream()
            .map(p -> p.first().sequenceNr())
            .toList();
    // every 5 events would take one per 5; here the gaps grow with the orders
    long events = taken.get(taken.size() - 1);
    assertTrue(taken.size() >= 3 && taken.size() < events / 10, "snapshots at " + taken);
    f.restart();
    for (int i = 0; i < 60; i++)
      assertEquals(Status.CONFIRMED, f.get("o-" + i).getValue().status());
  }

  @Test
  void ordersSettledTogetherAreArchivedTogether() {
    Fixture f = new Fixture(Duration.ofMillis(200), Duration.ofSeconds(1));
    f.inventory.receive("apple", "wh1", 100);
    List<TestProbe<StatusReply<Summary>>> probes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
      probes.add(probe);
      f.ledger.tell(
          new OrderLedger.ToOrder(
              "o-" + i,
              new Order.Place(details("c" + i, "k", new Line("apple", 1)), probe.getRef())));
    }
    for (var probe : probes) {
      assertEquals(Status.CONFIRMED, probe.receiveMessage(TIMEOUT).getValue().status());
    }
    for (int i = 0; i < 40; i++) f.awaitArchived("o-" + i);
    assertTrue(f.archive.writes.get() <= 10, f.archive.writes.get() + " archive writes for 40");
    f.restart(); // archived orders left the ledger's state: they are read back from the table
    assertEquals(Status.CONFIRMED, f.get("o-7").getValue().status());
    assertTrue(f.archive.finds("o-7") > 0, "o-7 was answered from the ledger's memory");
  }

  @Test
  void aPlacementRetriedAfterItsOrderLeftTheLedgerHasOneEffect() {
    Fixture f = new Fixture(Duration.ofMillis(200));
    f.inventory.receive("apple", "wh1", 10);
    Details d = details("c1", "k1", new Line("apple", 2));
    Summary first = f.place("o-1", d).getValue();
    assertEquals(Status.CONFIRMED, first.status());
    f.awaitArchived("o-1");
    f.restart(); // nothing of the order is left in memory, and the ledger's state no longer has it
    int findsBefore = f.archive.finds("o-1");
    assertEquals(first, f.place("o-1", d).getValue());
    assertTrue(f.archive.finds("o-1") > findsBefore, "the retry was not answered from the table");
    assertEquals(8, f.inventory.stock("apple", "wh1").available());
    // another body under the same key is still refused
    assertTrue(f.place("o-1", details("c1", "k1", new Line("apple", 5))).isError());
  }

  @Test
  void aPlacementUnderAYoungTimeOrderedKeySkipsTheTableAndItsOrderStaysUntilTheKeyIsOld() {
    Duration archiveAfter = Duration.ofSeconds(2);
    Fixture f =
        new Fixture(
            new OrderLedger.Settings(
                1, archiveAfter, Duration.ofMillis(100), Duration.ofMillis(100), 2000, 1, 20_000));
    f.inventory.receive("apple", "wh1", 10);
    // a client clock 1.5 s ahead: the order settles at once, but stays until its key is 2 s old
    long keyMillis = System.currentTimeMillis() + 1_500;
    String youngKey = UuidV7.at(keyMillis, new Random(3));
    Details d = details("c1", youngKey, new Line("apple", 1));
    Summary first = f.place("o-young", d).getValue();
    assertEquals(Status.CONFIRMED, first.status());
    assertEquals(0, f.archive.finds("o-young"), "a young key was looked up");

    String oldKey = UuidV7.at(System.currentTimeMillis() - 3_600_000, new Random(4));
    f.place("o-old", details("c2", oldKey, new Line("apple", 1)));
    assertEquals(1, f.archive.finds("o-old"), "an hour-old key was not looked up");

    f.awaitArchived("o-young");
    long archivedBy = System.currentTimeMillis();
    assertTrue(
        archivedBy >= keyMillis + archiveAfter.toMillis(),
        "archived " + (keyMillis + archiveAfter.toMillis() - archivedBy) + " ms too early");
    f.restart(); // the ledger no longer holds it: the retry must find it in the table
    assertEquals(first, f.place("o-young", d).getValue());
    assertTrue(f.archive.finds("o-young") > 0, "the retry was not looked up");
    assertEquals(8, f.inventory.stock("apple", "wh1").available());
  }

  @Test
  void anArchivedOrderComesBackWhenDispatchMovesItOn() {
    Fixture f = new Fixture(Duration.ofMillis(200));
    f.inventory.receive("apple", "wh1", 10);
    f.place("o-2", details("c1", "k2", new Line("apple", 3)));
    f.awaitArchived("o-2");
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(300)); // the archive event lands
    assertTrue(f.deliver("o-2", Status.WAVED, "van-1").isSuccess());
    Summary waved = f.get("o-2").getValue();
    assertEquals(Status.WAVED, waved.status());
    assertEquals("van-1", waved.vehicleId());
    assertTrue(f.deliver("o-2", Status.OUT_FOR_DELIVERY, "van-1").isSuccess());
    // leaving the warehouse commits the stock
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertEquals(3L, f.inventory.stock("apple", "wh1").committed());
              return null;
            });
    f.restart();
    assertEquals(Status.OUT_FOR_DELIVERY, f.get("o-2").getValue().status());
    // archived again with its new status
    f.awaitArchived("o-2");
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertEquals(Status.OUT_FOR_DELIVERY, f.archive.rows.get("o-2").status());
              return null;
            });
  }

  @Test
  void cancellationReleasesTheStock() {
    Fixture f = new Fixture(Duration.ofMinutes(5));
    f.inventory.receive("apple", "wh1", 10);
    f.place("o-3", details("c1", "k3", new Line("apple", 4)));
    assertEquals(6, f.inventory.stock("apple", "wh1").available());
    assertEquals(Status.CANCELLED, f.cancel("o-3").getValue().status());
    assertEquals(10, f.inventory.stock("apple", "wh1").available());
    assertEquals(Status.CANCELLED, f.cancel("o-3").getValue().status());
    assertTrue(f.get("o-404").isError());
  }

  @Test
  void aRestartedLedgerFinishesItsUnfinishedOrdersUnasked() {
    Fixture f = new Fixture(Duration.ofMinutes(5));
    f.inventory.receive("apple", "wh1", 10);
    f.inventory.hanging.set(true);
    TestProbe<StatusReply<Summary>> abandoned = testKit.createTestProbe();
    f.ledger.tell(
        new OrderLedger.ToOrder(
            "o-4", new Order.Place(details("c1", "k4", new Line("apple", 2)), abandoned.getRef())));
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertEquals(Status.PLACING, f.get("o-4").getValue().status());
              return null;
            });
    f.restart();
    f.inventory.hanging.set(false);
    f.restart(); // recovery itself resumes the reservation: nobody asks until it is done
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertEquals(8, f.inventory.stock("apple", "wh1").available());
              // the reservation's answer reaches the ledger just after the stock changed
              assertEquals(Status.CONFIRMED, f.get("o-4").getValue().status());
              return null;
            });
  }
}
