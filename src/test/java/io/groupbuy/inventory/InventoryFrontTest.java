package io.groupbuy.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.inventory.ProductInventory.Command;
import io.groupbuy.inventory.ProductInventory.Stock;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Group commit of one SKU: the front batches, the entity decides each command in order. */
class InventoryFrontTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

  private ActorRef<Command> spawn(String entityId) {
    return testKit.spawn(
        ProductInventory.withFront(entityId, BatchSettings.of(64, 10_000), batchSizes::add));
  }

  private static CompletableFuture<Stock> ask(
      ActorRef<Command> inventory, Function<ActorRef<StatusReply<Stock>>, Command> command) {
    return AskPattern.<Command, Stock>askWithStatus(
            inventory, command::apply, TIMEOUT, testKit.scheduler())
        .toCompletableFuture();
  }

  private static Stock stock(ActorRef<Command> inventory) {
    return AskPattern.<Command, Stock>ask(
            inventory, ProductInventory.GetStock::new, TIMEOUT, testKit.scheduler())
        .toCompletableFuture()
        .join();
  }

  @Test
  void aFlashSaleSellsExactlyTheStockInFewerWritesThanOrders() {
    String id = "hot-" + UUID.randomUUID() + "@wh1";
    ActorRef<Command> inventory = spawn(id);
    ask(inventory, r -> new ProductInventory.ReceiveStock("r1", 200, 990, r)).join();
    batchSizes.clear();

    List<CompletableFuture<Stock>> asks = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String order = "o" + i;
      asks.add(ask(inventory, r -> new ProductInventory.Reserve(order, 1, r)));
    }
    int reserved = 0;
    int soldOut = 0;
    for (CompletableFuture<Stock> a : asks) {
      try {
        a.join();
        reserved++;
      } catch (RuntimeException e) {
        Throwable cause = Failures.unwrap(e);
        assertTrue(
            cause instanceof DomainError.Failure f && f.error() instanceof DomainError.Rejected,
            "a refusal is sold out, typed: " + cause);
        soldOut++;
      }
    }
    assertEquals(200, reserved);
    assertEquals(300, soldOut);
    Stock after = stock(inventory);
    assertEquals(0, after.available());
    assertEquals(200, after.reserved());
    int commands = batchSizes.stream().mapToInt(Integer::intValue).sum();
    assertTrue(commands >= 500, "every command went through a batch: " + commands);
    assertTrue(
        batchSizes.size() < 500,
        "commands shared writes: " + batchSizes.size() + " batches for " + commands);
    assertTrue(batchSizes.stream().allMatch(n -> n <= 64), "no batch past its limit");

    // the journal holds what the answers said: a fresh incarnation recovers the same stock
    testKit.stop(inventory);
    Stock recovered = stock(spawn(id));
    assertEquals(200, recovered.reserved());
    assertEquals(0, recovered.available());
  }

  @Test
  void retriesInOneBatchHoldOnceAndLaterCommandsSeeEarlierOnes() {
    ActorRef<Command> inventory = spawn("same-" + UUID.randomUUID() + "@wh1");
    ask(inventory, r -> new ProductInventory.ReceiveStock("r1", 10, 990, r)).join();
    var first = ask(inventory, r -> new ProductInventory.Reserve("a", 4, r));
    var retry = ask(inventory, r -> new ProductInventory.Reserve("a", 4, r));
    var release = ask(inventory, r -> new ProductInventory.Release("a", r));
    var late = ask(inventory, r -> new ProductInventory.Reserve("a", 4, r));
    var other = ask(inventory, r -> new ProductInventory.Reserve("b", 10, r));
    assertEquals(6, first.join().available());
    assertEquals(6, retry.join().available(), "a retry holds nothing more");
    assertEquals(10, release.join().available());
    assertTrue(
        late.handle((ok, e) -> e != null).join(), "a reservation after its release is refused");
    assertEquals(0, other.join().available(), "the release freed the stock for the next order");
  }

  @Test
  void aFullFrontRefusesWithARetryableErrorAndLosesNothingItTook() {
    ActorRef<Command> inventory =
        testKit.spawn(
            ProductInventory.withFront(
                "full-" + UUID.randomUUID() + "@wh1", BatchSettings.of(1, 1), n -> {}));
    ask(inventory, r -> new ProductInventory.ReceiveStock("r1", 1000, 990, r)).join();
    List<CompletableFuture<Stock>> asks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String order = "o" + i;
      asks.add(ask(inventory, r -> new ProductInventory.Reserve(order, 1, r)));
    }
    int taken = 0;
    for (CompletableFuture<Stock> a : asks) {
      try {
        a.join();
        taken++;
      } catch (RuntimeException e) {
        Throwable cause = Failures.unwrap(e);
        assertTrue(
            !(cause instanceof DomainError.Failure) && cause.getMessage().contains("retry"),
            "overload is not a refusal: " + cause);
      }
    }
    assertTrue(taken < 200, "some commands found the front full");
    assertEquals(taken, stock(inventory).reserved(), "every command it took was answered");
  }

  @Test
  void afterAFailedWriteTheNextBatchGoesWhenTheEntityHasRestartedNotAtTheWriteTimeout() {
    String id = "failing-" + UUID.randomUUID() + "@wh1";
    ActorRef<Command> inventory = spawn(id);
    ask(inventory, r -> new ProductInventory.ReceiveStock("r1", 10, 990, r)).join();
    PersistenceTestKit.create(testKit.system())
        .failNextPersisted(ProductInventory.ENTITY_KEY.name() + "|" + id);

    CompletableFuture<Stock> lost =
        AskPattern.<Command, Stock>askWithStatus(
                inventory,
                r -> new ProductInventory.Reserve("o1", 1, r),
                Duration.ofSeconds(2),
                testKit.scheduler())
            .toCompletableFuture();
    // waits at the front while o1's write is in flight; the write timeout is 12 s
    CompletableFuture<Stock> next =
        AskPattern.<Command, Stock>askWithStatus(
                inventory,
                r -> new ProductInventory.Reserve("o2", 1, r),
                Duration.ofSeconds(5),
                testKit.scheduler())
            .toCompletableFuture();
    assertEquals(9, next.join().available(), "o2 reserved once the entity restarted");
    assertTrue(lost.handle((ok, e) -> e != null).join(), "o1's write failed: not answered");
    assertEquals(1, stock(inventory).reserved(), "the failed write left nothing behind");
  }
}
