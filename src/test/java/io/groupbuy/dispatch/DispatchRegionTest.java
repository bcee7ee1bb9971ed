package io.groupbuy.dispatch;

import static io.groupbuy.platform.Refusals.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.UnitTestConfig;
import io.groupbuy.dispatch.DispatchRegion.Command;
import io.groupbuy.dispatch.DispatchRegion.Event;
import io.groupbuy.dispatch.DispatchRegion.PlanView;
import io.groupbuy.dispatch.DispatchRegion.VehicleRouteView;
import io.groupbuy.platform.DomainError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DispatchRegion with the behaviour testkit: cutoff plan, hand-over to vehicles and orders, reroute
 * on delay.
 */
class DispatchRegionTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  static final DispatchRegion.Settings SETTINGS =
      DispatchRegion.Settings.fromConfig(
          ConfigFactory.parseResources("dispatch.conf").getConfig("groupbuy.dispatch.region"));
  static final double LAT = 30.25;
  static final double LNG = 120.15;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Records what the region hands to vehicles and orders; every hand-over succeeds at once. */
  static final class RecordingLinks implements DispatchRegion.Links {
    record Sent(String vehicleId, long version) {}

    final List<Sent> routes = new ArrayList<>();
    final List<String> statuses = new ArrayList<>();

    @Override
    public synchronized CompletionStage<Long> assignRoute(
        String vehicleId, Vehicle.AssignRoute command) {
      routes.add(new Sent(vehicleId, command.version()));
      return CompletableFuture.completedFuture(command.version());
    }

    @Override
    public synchronized CompletionStage<?> deliveryStatus(
        String orderId,
        DispatchRegion.DeliveryStatus status,
        String regionId,
        String vehicleId,
        String stopId) {
      statuses.add(orderId + " " + status + " " + vehicleId + " " + stopId);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    synchronized List<Sent> routes() {
      return List.copyOf(routes);
    }

    synchronized List<String> statuses() {
      return List.copyOf(statuses);
    }
  }

  private RecordingLinks links;
  private EventSourcedBehaviorTestKit<Command, Event, RegionState> kit;

  @BeforeEach
  void fresh() {
    links = new RecordingLinks();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), DispatchRegion.create("r1", SETTINGS, links));
  }

  private void setUp(int vehicles) {
    assertTrue(
        kit.<StatusReply<PlanView>>runCommand(
                r -> new DispatchRegion.Configure(LAT, LNG, 30, 300, r))
            .reply()
            .isSuccess());
    for (int v = 1; v <= vehicles; v++) {
      int id = v;
      kit.<StatusReply<PlanView>>runCommand(r -> new DispatchRegion.JoinVehicle("v" + id, 100, r));
    }
    // three pickup points 2-4 km north-east of the warehouse, two orders each
    for (int p = 1; p <= 3; p++) {
      for (int o = 1; o <= 2; o++) {
        int pp = p;
        int oo = o;
        var r =
            kit.<StatusReply<Done>>runCommand(
                reply ->
                    new DispatchRegion.AddOrder(
                        "o-" + pp + "-" + oo,
                        "pp-" + pp,
                        LAT + 0.01 * pp,
                        LNG + 0.01 * pp,
                        5,
                        reply));
        assertTrue(r.reply().isSuccess());
      }
    }
  }

  private PlanView cutoff(String id, long depart, long windowEnd) {
    TestProbe<StatusReply<PlanView>> probe = testKit.createTestProbe();
    kit.runCommand(new DispatchRegion.Cutoff(id, depart, depart, windowEnd, probe.getRef()));
    StatusReply<PlanView> reply = probe.receiveMessage(Duration.ofSeconds(15));
    assertTrue(reply.isSuccess(), () -> reply.getError().getMessage());
    return reply.getValue();
  }

  @Test
  void snapshotsGrowApartAsOrdersPileUpAndTheRegionRecoversFromThem() {
    DispatchRegion.Settings s = SETTINGS;
    DispatchRegion.Settings spaced =
        new DispatchRegion.Settings(
            s.cutoffTimeLimit(),
            s.rerouteTimeLimit(),
            s.vehicleFixedCostKm(),
            s.latePenaltyKmPerMinute(),
            s.roadFactor(),
            s.shiftAfterWindow(),
            s.urgentWindow(),
            s.transferCostKm(),
            5,
            2,
            1_000);
    EventSourcedBehaviorTestKit<Command, Event, RegionState> region =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), DispatchRegion.create("r-snapshots", spaced, links));
    region.<StatusReply<PlanView>>runCommand(
        r -> new DispatchRegion.Configure(LAT, LNG, 30, 300, r));
    int orders = 200; // one event each
    for (int i = 0; i < orders; i++) {
      String id = "o-" + i;
      region.<StatusReply<Done>>runCommand(
          r -> new DispatchRegion.AddOrder(id, "pp-1", LAT + 0.01, LNG + 0.01, 1, r));
    }
    List<Long> taken =
        region
            .snapshotTestKit()
            .orElseThrow()
            .persistedInStorage("DispatchRegion|r-snapshots")
            .stream()
            .map(p -> p.first().sequenceNr())
            .toList();
    // every 5 events while few orders are open, then one event per 2 open orders (to within one
    // event: the predicate and the snapshot's metadata count the sequence a step apart)
    assertEquals(5L, taken.get(0));
    for (int i = 1; i < taken.size(); i++) {
      long gap = taken.get(i) - taken.get(i - 1);
      long open = taken.get(i) - 1; // the configuration is event 1
      assertTrue(gap >= Math.max(5, open / 2) - 1, "snapshots at " + taken);
    }
    assertTrue(taken.size() < (orders + 1) / 5, taken.size() + " snapshots: " + taken);
    region.restart();
    assertEquals(orders, region.getState().orders().size());
  }

  @Test
  void cutoffPlansEveryPickupPointAndHandsRoutesToVehiclesAndStatusesToOrders() {
    setUp(2);
    long now = System.currentTimeMillis();
    PlanView plan = cutoff("day-1", now, now + 3_600_000);
    assertEquals(1, plan.planVersion());
    assertEquals(List.of(), plan.droppedStopIds());
    assertEquals(0, plan.undispatchedOrders());
    List<String> planned =
        plan.vehicles().stream()
            .flatMap(v -> v.stops().stream())
            .map(RouteStop::stopId)
            .sorted()
            .toList();
    assertEquals(List.of("pp-1", "pp-2", "pp-3"), planned);
    for (VehicleRouteView v : plan.vehicles()) {
      for (RouteStop s : v.stops())
        assertTrue(s.plannedEtaMs() > now && s.plannedEtaMs() < now + 3_600_000);
    }
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              // every vehicle with stops gets its route (a route not yet acknowledged when the
              // resend timer fires is sent again, so count vehicles, not sends)
              assertEquals(
                  plan.vehicles().stream().filter(v -> !v.stops().isEmpty()).count(),
                  links.routes().stream().map(RecordingLinks.Sent::vehicleId).distinct().count());
              // and each of the six orders is WAVED on its stop (a resent route repeats its
              // statuses)
              assertEquals(
                  6,
                  links.statuses().stream().filter(s -> s.contains(" WAVED ")).distinct().count());
              return null;
            });
    // the same cutoff again changes nothing
    PlanView again = cutoff("day-1", now, now + 3_600_000);
    assertEquals(1, again.planVersion());
    // an order added twice counts once
    kit.<StatusReply<Done>>runCommand(
        reply -> new DispatchRegion.AddOrder("o-1-1", "pp-1", LAT, LNG, 5, reply));
    assertEquals(6, kit.getState().orders().size());
  }

  @Test
  void aDelayedVehicleHandsItsLateStopsToTheIdleOne() {
    setUp(2);
    long now = System.currentTimeMillis();
    PlanView plan = cutoff("day-1", now, now + 3_600_000);
    VehicleRouteView busy =
        plan.vehicles().stream().max((a, b) -> a.stops().size() - b.stops().size()).orElseThrow();
    assertEquals(3, busy.stops().size(), "one vehicle is enough for 30 units close by: " + plan);
    String idle = busy.vehicleId().equals("v1") ? "v2" : "v1";
    List<String> remaining = busy.stops().stream().map(RouteStop::stopId).toList();
    // the busy vehicle is on its way to its first stop, then stuck in a jam for 90 minutes
    kit.runCommand(
        new DispatchRegion.VehicleUpdate(
            busy.vehicleId(),
            Vehicle.Status.EN_ROUTE,
            busy.routeVersion(),
            LAT + 0.005,
            LNG + 0.005,
            now + 90 * 60_000,
            remaining,
            1,
            Map.of(),
            remaining.get(1),
            3600));
    kit.runCommand(
        new DispatchRegion.VehicleUpdate(
            idle, Vehicle.Status.IDLE, 0, LAT, LNG, now, List.of(), 0, Map.of(), "", 0));
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        Duration.ofSeconds(15),
        () -> {
          assertEquals(2, kit.getState().planVersion());
          return null;
        });
    RegionState s = kit.getState();
    assertEquals(
        List.of(remaining.get(0)),
        s.planOf(busy.vehicleId()).stops().stream().map(RouteStop::stopId).toList(),
        "the jammed vehicle keeps only the stop it is heading to");
    assertEquals(
        remaining.subList(1, 3).stream().sorted().toList(),
        s.planOf(idle).stops().stream().map(RouteStop::stopId).sorted().toList());
    assertTrue(s.plan().cause().startsWith("delay of " + busy.vehicleId()), s.plan().cause());
    waiter.awaitAssert(
        () -> {
          assertTrue(
              links.routes().stream()
                  .anyMatch(r -> r.vehicleId().equals(idle) && r.version() == 2));
          assertTrue(
              links.routes().stream()
                  .anyMatch(r -> r.vehicleId().equals(busy.vehicleId()) && r.version() == 2));
          return null;
        });
    kit.restart();
    assertEquals(2, kit.getState().planVersion());
    assertEquals(6, kit.getState().orders().size());
  }

  @Test
  void anUrgentOrderAfterTheCutoffGoesToTheVehicleStillAtTheWarehouse() {
    setUp(2);
    long now = System.currentTimeMillis();
    PlanView plan = cutoff("day-1", now, now + 3_600_000);
    VehicleRouteView busy =
        plan.vehicles().stream().max((a, b) -> a.stops().size() - b.stops().size()).orElseThrow();
    String idle = busy.vehicleId().equals("v1") ? "v2" : "v1";
    List<String> remaining = busy.stops().stream().map(RouteStop::stopId).toList();
    kit.runCommand(
        new DispatchRegion.VehicleUpdate(
            busy.vehicleId(),
            Vehicle.Status.EN_ROUTE,
            busy.routeVersion(),
            LAT + 0.005,
            LNG + 0.005,
            now,
            remaining,
            1,
            Map.of(),
            "",
            0));
    kit.runCommand(
        new DispatchRegion.VehicleUpdate(
            idle, Vehicle.Status.IDLE, 0, LAT, LNG, now, List.of(), 0, Map.of(), "", 0));
    // an ordinary order now waits for the next cutoff
    assertTrue(
        kit.<StatusReply<Done>>runCommand(
                r -> new DispatchRegion.AddOrder("o-normal", "pp-8", LAT + 0.012, LNG, 2, r))
            .reply()
            .isSuccess());
    // an urgent one, at pickup point pp-2, which the busy vehicle serves with other goods
    assertTrue(
        kit.<StatusReply<Done>>runCommand(
                r ->
                    new DispatchRegion.AddOrder(
                        "o-urgent", "pp-2", LAT + 0.02, LNG + 0.02, 3, true, r))
            .reply()
            .isSuccess());
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(
        Duration.ofSeconds(15),
        () -> {
          assertEquals(2, kit.getState().planVersion());
          return null;
        });
    RegionState s = kit.getState();
    assertTrue(s.plan().cause().startsWith("urgent order o-urgent"), s.plan().cause());
    List<RouteStop> idleStops = s.planOf(idle).stops();
    assertTrue(
        idleStops.stream().anyMatch(x -> x.orderIds().equals(List.of("o-urgent"))),
        "the vehicle at the warehouse takes the urgent order: " + idleStops);
    List<RouteStop> busyStops = s.planOf(busy.vehicleId()).stops();
    assertTrue(
        busyStops.stream().noneMatch(x -> x.orderIds().contains("o-urgent")),
        "the vehicle on the road cannot: it does not carry the goods");
    assertEquals(
        remaining.stream().sorted().toList(),
        busyStops.stream().map(RouteStop::stopId).sorted().toList(),
        "and, on time, it keeps every stop it carries (moving goods between vans costs transfer-cost-km)");
    assertTrue(s.orders().get("o-urgent").dispatched());
    assertFalse(s.orders().get("o-normal").dispatched());
    waiter.awaitAssert(
        () -> {
          assertTrue(
              links.statuses().stream().anyMatch(x -> x.startsWith("o-urgent WAVED " + idle + " ")),
              links.statuses().toString());
          assertTrue(
              links.routes().stream()
                  .anyMatch(r -> r.vehicleId().equals(idle) && r.version() == 2));
          return null;
        });
    kit.restart();
    assertTrue(kit.getState().orders().get("o-urgent").urgent(), "urgency survives recovery");
  }

  @Test
  void refusesCutoffWithoutDepotOrVehiclesAndBadInput() {
    TestProbe<StatusReply<PlanView>> probe = testKit.createTestProbe();
    long now = System.currentTimeMillis();
    kit.runCommand(new DispatchRegion.Cutoff("c", now, now, now + 1000, probe.getRef()));
    assertTrue(probe.receiveMessage().getError().getMessage().contains("configure it first"));
    var bad =
        kit.<StatusReply<PlanView>>runCommand(
                r -> new DispatchRegion.Configure(95, LNG, 30, 300, r))
            .reply();
    assertEquals(DomainError.Kind.INVALID, kind(bad));
    assertTrue(bad.getError().getMessage().startsWith("depot coordinates"));
    kit.<StatusReply<PlanView>>runCommand(r -> new DispatchRegion.Configure(LAT, LNG, 30, 300, r));
    kit.runCommand(new DispatchRegion.Cutoff("c", now, now, now + 1000, probe.getRef()));
    assertTrue(probe.receiveMessage().getError().getMessage().contains("no vehicles"));
    var negative =
        kit.<StatusReply<Done>>runCommand(
            r -> new DispatchRegion.AddOrder("o", "pp", LAT, LNG, -1, r));
    assertEquals(DomainError.Kind.INVALID, kind(negative.reply()));
    assertFalse(kit.getState().orders().containsKey("o"));
  }

  @Test
  void aLaterCutoffPlansTheFreeVehiclesAndLeavesRoutesStillBeingDrivenAlone() {
    setUp(2);
    long now = System.currentTimeMillis();
    PlanView first = cutoff("day-1", now, now + 3_600_000);
    VehicleRouteView busy =
        first.vehicles().stream().max((a, b) -> a.stops().size() - b.stops().size()).orElseThrow();
    String idle = busy.vehicleId().equals("v1") ? "v2" : "v1";
    kit.<StatusReply<Done>>runCommand(
        reply -> new DispatchRegion.AddOrder("o-late", "pp-9", LAT + 0.02, LNG - 0.01, 4, reply));
    PlanView second = cutoff("day-1b", now, now + 3_600_000);
    assertEquals(2, second.planVersion());
    VehicleRouteView kept =
        second.vehicles().stream()
            .filter(v -> v.vehicleId().equals(busy.vehicleId()))
            .findFirst()
            .orElseThrow();
    assertEquals(
        busy.routeVersion(), kept.routeVersion(), "the route being driven is not replaced");
    assertEquals(busy.stops(), kept.stops());
    VehicleRouteView fresh =
        second.vehicles().stream()
            .filter(v -> v.vehicleId().equals(idle))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("pp-9"), fresh.stops().stream().map(RouteStop::stopId).toList());
  }

  @Test
  void anOrderWithdrawnRightAfterItsHandOverLeavesTheRegion() {
    TestProbe<StatusReply<Done>> added = testKit.createTestProbe();
    kit.runCommand(new DispatchRegion.AddOrder("o-gone", "pp-1", LAT, LNG, 2, added.getRef()));
    var removed =
        kit.<StatusReply<Done>>runCommand(
            r -> new DispatchRegion.RemoveOrder("o-gone", "cancelled", r));
    assertTrue(removed.reply().isSuccess());
    assertTrue(
        added.receiveMessage().isSuccess(),
        "the order's hand-over is answered, so it stops retrying");
    added.expectNoMessage(Duration.ofMillis(100));
    assertFalse(kit.getState().orders().containsKey("o-gone"));
  }
}
