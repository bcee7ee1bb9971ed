package io.groupbuy.purchasing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.platform.DomainError;
import io.groupbuy.purchasing.PurchaseOrders.Command;
import io.groupbuy.purchasing.PurchaseOrders.CutoffOutcome;
import io.groupbuy.purchasing.PurchaseOrders.Event;
import io.groupbuy.purchasing.PurchaseOrders.Line;
import io.groupbuy.purchasing.PurchaseOrders.PurchaseOrder;
import io.groupbuy.purchasing.PurchaseOrders.Status;
import io.groupbuy.purchasing.PurchaseOrders.Summary;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A warehouse's purchase orders on the in-memory journal, through the production serializers. */
class PurchaseOrdersTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  private static final List<Line> LINES =
      List.of(
          new Line("cabbage", 120, 0, 100, 15, 4, 11, 10, 0),
          new Line("spinach", 40, 0, 36, 0, 0, 4, 0, 0),
          new Line("lotus", 0, 0, 5, 0, 0, 0, 30, 0));

  private EventSourcedBehaviorTestKit<Command, Event, PurchaseBook> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), PurchaseOrders.create("W1"));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, PurchaseBook, StatusReply<CutoffOutcome>>
      cutoff(String date, List<Line> lines) {
    return kit.runCommand(r -> new PurchaseOrders.RaiseAtCutoff(date, 1_000L, lines, r));
  }

  private StatusReply<PurchaseOrder> receive(String receipt, Map<String, Long> quantities) {
    return kit.<StatusReply<PurchaseOrder>>runCommand(
            r -> new PurchaseOrders.Receive("PO-W1-20261208", receipt, quantities, r))
        .reply();
  }

  private static DomainError refusal(StatusReply<?> r) {
    assertTrue(r.isError(), "expected a refusal");
    return ((DomainError.Failure) r.getError()).error();
  }

  @Test
  void aCutoffRaisesOneOrderAndAReplayRaisesNothing() {
    var first = cutoff("2026-12-08", LINES);
    CutoffOutcome o = first.reply().getValue();
    assertTrue(o.raisedNow());
    assertEquals("PO-W1-20261208", o.poId());
    // the line of 0 units is left out
    assertEquals(
        List.of("cabbage", "spinach"), o.purchaseOrder().lines().stream().map(Line::sku).toList());
    assertEquals(Status.OPEN, o.purchaseOrder().status());

    // the same cutoff again, even with other lines: the first order, no event
    var replay = cutoff("2026-12-08", List.of(new Line("cabbage", 999, 0, 0, 0, 0, 0, 0, 0)));
    assertTrue(replay.hasNoEvents());
    assertEquals(false, replay.reply().getValue().raisedNow());
    assertEquals(o.purchaseOrder(), replay.reply().getValue().purchaseOrder());

    // after a restart from the journal, still only the one
    kit.restart();
    var again = cutoff("2026-12-08", LINES);
    assertTrue(again.hasNoEvents());
    Summary book = kit.<Summary>runCommand(PurchaseOrders.GetBook::new).reply();
    assertEquals(1, book.open().size());
    assertEquals(Map.of("cabbage", 120L, "spinach", 40L), book.onOrder());
    assertEquals(Map.of("2026-12-08", "PO-W1-20261208"), book.cutoffs());
  }

  @Test
  void aCutoffWithNothingToBuyIsRecordedWithoutAnOrder() {
    var empty = cutoff("2026-12-09", List.of(new Line("lotus", 0, 0, 0, 0, 0, 0, 9, 0)));
    assertEquals("", empty.reply().getValue().poId());
    assertNull(empty.reply().getValue().purchaseOrder());
    assertTrue(cutoff("2026-12-09", LINES).hasNoEvents());
  }

  @Test
  void receiptsCountOnceAndTheOrderClosesWhenEverythingIsIn() {
    cutoff("2026-12-08", LINES);
    PurchaseOrder part = receive("r1", Map.of("cabbage", 100L)).getValue();
    assertEquals(100, part.line("cabbage").received());
    assertEquals(Status.OPEN, part.status());
    // the same receipt again: no effect, whatever it carries
    var replay =
        kit.<StatusReply<PurchaseOrder>>runCommand(
            r -> new PurchaseOrders.Receive("PO-W1-20261208", "r1", Map.of("cabbage", 20L), r));
    assertTrue(replay.hasNoEvents());
    assertEquals(100, replay.reply().getValue().line("cabbage").received());

    assertEquals(DomainError.Kind.INVALID, refusal(receive("r2", Map.of("cabbage", 21L))).kind());
    assertEquals(DomainError.Kind.INVALID, refusal(receive("r2", Map.of("leek", 1L))).kind());
    assertEquals(DomainError.Kind.INVALID, refusal(receive("r2", Map.of("cabbage", -1L))).kind());
    assertEquals(DomainError.Kind.INVALID, refusal(receive("r2", Map.of())).kind());
    assertEquals(
        DomainError.Kind.INVALID, refusal(receive("bad id!", Map.of("cabbage", 1L))).kind());

    PurchaseOrder done = receive("r2", Map.of("cabbage", 20L, "spinach", 40L)).getValue();
    assertEquals(Status.RECEIVED, done.status());
    Summary book = kit.<Summary>runCommand(PurchaseOrders.GetBook::new).reply();
    assertEquals(0, book.open().size());
    assertEquals(Map.of(), book.onOrder());
    assertEquals(DomainError.Kind.CONFLICT, refusal(receive("r3", Map.of("cabbage", 1L))).kind());
    // a retry of a receipt that was taken is still answered after the close
    assertTrue(receive("r2", Map.of("cabbage", 20L, "spinach", 40L)).isSuccess());
  }

  @Test
  void anOperatorClosesAnOrderShort() {
    cutoff("2026-12-08", LINES);
    receive("r1", Map.of("cabbage", 50L));
    var noReason =
        kit.<StatusReply<PurchaseOrder>>runCommand(
                r -> new PurchaseOrders.Close("PO-W1-20261208", " ", r))
            .reply();
    assertEquals(DomainError.Kind.INVALID, refusal(noReason).kind());
    PurchaseOrder closed =
        kit.<StatusReply<PurchaseOrder>>runCommand(
                r -> new PurchaseOrders.Close("PO-W1-20261208", "supplier out of spinach", r))
            .reply()
            .getValue();
    assertEquals(Status.CLOSED_SHORT, closed.status());
    assertEquals("supplier out of spinach", closed.closeReason());
    var twice =
        kit.<StatusReply<PurchaseOrder>>runCommand(
            r -> new PurchaseOrders.Close("PO-W1-20261208", "again", r));
    assertTrue(twice.hasNoEvents());
    assertEquals(
        DomainError.Kind.NOT_FOUND,
        refusal(
                kit.<StatusReply<PurchaseOrder>>runCommand(
                        r -> new PurchaseOrders.Get("PO-W1-19990101", r))
                    .reply())
            .kind());
  }
}
