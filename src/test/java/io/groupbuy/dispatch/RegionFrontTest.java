package io.groupbuy.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.PlanView;
import io.groupbuy.platform.GroupCommitFront;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A region behind its front, as sharding runs it: a burst of confirmed orders is journalled in
 * batches, queries are answered during the burst, and a cutoff sent behind the orders plans them
 * all.
 */
class RegionFrontTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aBurstOfOrdersIsJournalledInBatchesAndACutoffBehindItPlansThemAll() {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    ActorRef<Command> region =
        testKit.spawn(
            RegionFront.create(
                "front-" + UUID.randomUUID(),
                front ->
                    DispatchRegion.create(
                        "front-" + UUID.randomUUID(),
                        DispatchRegionTest.SETTINGS,
                        new DispatchRegionTest.RecordingLinks(),
                        front),
                new GroupCommitFront.Settings(500, 50_000, Duration.ofSeconds(12)),
                batches::add));
    TestProbe<StatusReply<PlanView>> setup = testKit.createTestProbe();
    double lat = DispatchRegionTest.LAT;
    double lng = DispatchRegionTest.LNG;
    region.tell(new DispatchRegion.Configure(lat, lng, 30, 60, setup.getRef()));
    for (int v = 1; v <= 10; v++) {
      region.tell(new DispatchRegion.JoinVehicle("v" + v, 200, setup.getRef()));
    }
    for (int i = 0; i < 11; i++) assertTrue(setup.receiveMessage().isSuccess());

    int orders = 900;
    TestProbe<StatusReply<Done>> acks = testKit.createTestProbe();
    TestProbe<StatusReply<PlanView>> plans = testKit.createTestProbe();
    for (int i = 0; i < orders; i++) {
      int point = i % 6;
      region.tell(
          new DispatchRegion.AddOrder(
              "o-" + i,
              "pp-" + point,
              lat + 0.005 * (point + 1),
              lng + 0.004 * (point + 1),
              1,
              acks.getRef()));
      if (i % 100 == 0) region.tell(new DispatchRegion.GetPlan(plans.getRef()));
    }
    long now = System.currentTimeMillis();
    TestProbe<StatusReply<PlanView>> cutoff = testKit.createTestProbe();
    region.tell(
        new DispatchRegion.Cutoff("c1", now, now + 3_600_000, now + 7_200_000, cutoff.getRef()));

    for (int i = 0; i < orders; i++) {
      assertTrue(acks.receiveMessage(Duration.ofSeconds(10)).isSuccess());
    }
    for (int i = 0; i < orders / 100; i++) {
      assertTrue(plans.receiveMessage(Duration.ofSeconds(10)).isSuccess(), "answered meanwhile");
    }
    StatusReply<PlanView> planned = cutoff.receiveMessage(Duration.ofSeconds(30));
    assertTrue(planned.isSuccess(), () -> planned.getError().getMessage());
    // 150 units at each of 6 pickup points, vehicles of 200: every stop fits
    assertEquals(List.of(), planned.getValue().droppedStopIds());
    assertEquals(
        0, planned.getValue().undispatchedOrders(), "the cutoff saw every order sent before it");
    assertEquals(orders, batches.stream().mapToInt(Integer::intValue).sum());
    assertTrue(batches.size() < orders, batches.size() + " writes for " + orders + " orders");

    // answered by the front from what the region published after the plan was committed
    TestProbe<StatusReply<DispatchRegion.StopEta>> etas = testKit.createTestProbe();
    region.tell(new DispatchRegion.GetStopEta("pp-0", etas.getRef()));
    StatusReply<DispatchRegion.StopEta> eta = etas.receiveMessage(Duration.ofSeconds(10));
    assertTrue(eta.isSuccess(), () -> eta.getError().getMessage());
    assertTrue(eta.getValue().vehicleId().startsWith("v"));
    region.tell(new DispatchRegion.GetStopEta("pp-nowhere", etas.getRef()));
    StatusReply<DispatchRegion.StopEta> none = etas.receiveMessage(Duration.ofSeconds(10));
    assertTrue(none.isError());
    assertTrue(none.getError().getMessage().contains("pp-nowhere"), none.getError().getMessage());
  }

  @Test
  void aPlanAskedAfterAnAcknowledgementShowsWhatWasAcknowledged() {
    ActorRef<Command> region =
        testKit.spawn(
            RegionFront.create(
                "front-" + UUID.randomUUID(),
                front ->
                    DispatchRegion.create(
                        "front-" + UUID.randomUUID(),
                        DispatchRegionTest.SETTINGS,
                        new DispatchRegionTest.RecordingLinks(),
                        front),
                new GroupCommitFront.Settings(500, 50_000, Duration.ofSeconds(12)),
                size -> {}));
    TestProbe<StatusReply<Done>> acks = testKit.createTestProbe();
    TestProbe<StatusReply<PlanView>> plans = testKit.createTestProbe();
    for (int round = 1; round <= 5; round++) {
      for (int i = 0; i < 20; i++) {
        region.tell(
            new DispatchRegion.AddOrder(
                "o-" + round + "-" + i,
                "pp-" + i % 3,
                DispatchRegionTest.LAT + 0.01,
                DispatchRegionTest.LNG + 0.01,
                1,
                acks.getRef()));
      }
      for (int i = 0; i < 20; i++) {
        assertTrue(acks.receiveMessage(Duration.ofSeconds(10)).isSuccess());
      }
      region.tell(new DispatchRegion.GetPlan(plans.getRef()));
      assertEquals(
          round * 20, plans.receiveMessage(Duration.ofSeconds(10)).getValue().undispatchedOrders());
    }
  }
}
