package io.groupbuy.dispatch;

import static io.groupbuy.platform.Refusals.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.UnitTestConfig;
import io.groupbuy.dispatch.Vehicle.Command;
import io.groupbuy.dispatch.Vehicle.Event;
import io.groupbuy.dispatch.Vehicle.IncidentKind;
import io.groupbuy.dispatch.Vehicle.Status;
import io.groupbuy.dispatch.Vehicle.StopEventKind;
import io.groupbuy.dispatch.Vehicle.Summary;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Refusals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vehicle aggregate step by step: routes and versions, stop events, sampled track, delay
 * prediction, drivers.
 */
class VehicleTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());
  static final Vehicle.Settings SETTINGS =
      Vehicle.Settings.fromConfig(
          ConfigFactory.parseResources("dispatch.conf").getConfig("groupbuy.dispatch.vehicle"));
  // depot in Hangzhou; stops about 2 and 4 km north
  static final double LAT = 30.25;
  static final double LNG = 120.15;
  static final long T0 = 1_780_000_000_000L;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final List<DispatchRegion.VehicleUpdate> updates = new ArrayList<>();
  private EventSourcedBehaviorTestKit<Command, Event, VehicleState> kit;

  @BeforeEach
  void fresh() {
    updates.clear();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Vehicle.create(
                "v1",
                SETTINGS,
                (region, update) -> {
                  synchronized (updates) {
                    updates.add(update);
                  }
                }));
  }

  static RouteStop stop(String id, double dLat, long windowEndMs) {
    return new RouteStop(id, LAT + dLat, LNG, 10, T0, windowEndMs, 300, List.of("o-" + id), T0);
  }

  private Summary register() {
    var r =
        kit.<StatusReply<Summary>>runCommand(
            replyTo -> new Vehicle.Register("d1", 100, "r1", LAT, LNG, replyTo));
    assertTrue(r.reply().isSuccess());
    return r.reply().getValue();
  }

  private long assign(long version, List<RouteStop> stops) {
    var r =
        kit.<StatusReply<Long>>runCommand(
            replyTo -> new Vehicle.AssignRoute("r1", version, stops, "plan", replyTo));
    return r.reply().getValue();
  }

  private StatusReply<Summary> report(String driver, StopEventKind kind, String stopId, long at) {
    return kit.<StatusReply<Summary>>runCommand(
            replyTo -> new Vehicle.ReportStop(driver, kind, stopId, at, replyTo))
        .reply();
  }

  @Test
  void registersOnceAndRefusesCommandsBeforeRegistration() {
    var before = kit.<StatusReply<Summary>>runCommand(Vehicle.Get::new).reply();
    assertTrue(before.isError());
    assertEquals(DomainError.Kind.NOT_FOUND, kind(before));
    assertEquals(Status.IDLE, register().status());
    var again =
        kit.<StatusReply<Summary>>runCommand(
            replyTo -> new Vehicle.Register("d1", 100, "r1", LAT, LNG, replyTo));
    assertTrue(again.events().isEmpty(), "the same registration twice has one effect");
  }

  @Test
  void routeVersionsOnlyGrowAndProgressMovesTheStatus() {
    register();
    long end = T0 + 3_600_000;
    assertEquals(1, assign(1, List.of(stop("a", 0.02, end), stop("b", 0.04, end))));
    assertEquals(Status.LOADING, kit.getState().status());
    var stale =
        kit.<StatusReply<Long>>runCommand(
            replyTo -> new Vehicle.AssignRoute("r1", 1, List.of(), "old", replyTo));
    assertTrue(stale.events().isEmpty());
    assertEquals(1L, stale.reply().getValue());

    assertTrue(report("d1", StopEventKind.DEPARTED_DEPOT, Vehicle.DEPOT, T0).isSuccess());
    assertEquals(Status.EN_ROUTE, kit.getState().status());
    assertTrue(report("d1", StopEventKind.ARRIVED, "a", T0 + 600_000).isSuccess());
    var repeat =
        kit.<StatusReply<Summary>>runCommand(
            replyTo ->
                new Vehicle.ReportStop("d1", StopEventKind.ARRIVED, "a", T0 + 600_000, replyTo));
    assertTrue(
        repeat.events().isEmpty(), "a repeated arrival is acknowledged without a second event");
    assertTrue(report("d1", StopEventKind.DEPARTED, "a", T0 + 900_000).isSuccess());
    assertTrue(report("d1", StopEventKind.DEPARTED, "b", T0 + 1_500_000).isSuccess());
    assertEquals(Status.RETURNING, kit.getState().status());
    assertTrue(report("d1", StopEventKind.RETURNED, Vehicle.DEPOT, T0 + 2_000_000).isSuccess());
    assertEquals(Status.IDLE, kit.getState().status());
    assertEquals(List.of(), kit.getState().stops());
    assertTrue(
        updates.stream().anyMatch(u -> u.remainingStopIds().equals(List.of("b"))),
        "the region hears which stops are left after each departure");
  }

  @Test
  void refusesUnknownStopsOtherDriversAndUnsentVersions() {
    register();
    assign(1, List.of(stop("a", 0.02, T0 + 3_600_000)));
    StatusReply<Summary> unknown = report("d1", StopEventKind.ARRIVED, "zzz", T0);
    assertEquals(DomainError.Kind.INVALID, kind(unknown));
    assertTrue(
        unknown.getError().getMessage().startsWith("stop zzz is not on route version 1"),
        unknown.getError().getMessage());
    StatusReply<Summary> stranger = report("d2", StopEventKind.ARRIVED, "a", T0);
    assertEquals(new DomainError.Conflict("vehicle v1 is not driven by d2"), Refusals.of(stranger));
    var ack =
        kit.<StatusReply<Summary>>runCommand(replyTo -> new Vehicle.Acknowledge("d1", 7, replyTo))
            .reply();
    assertTrue(ack.getError().getMessage().contains("version 7 was never sent"));
    var ok =
        kit.<StatusReply<Summary>>runCommand(replyTo -> new Vehicle.Acknowledge("d1", 1, replyTo));
    assertEquals(1, ok.reply().getValue().ackedVersion());
    var badIncident =
        kit.<StatusReply<Summary>>runCommand(
                replyTo ->
                    new Vehicle.ReportIncident(
                        "d1", IncidentKind.parse("FLOOD").orElse(null), 5, "", T0, replyTo))
            .reply();
    assertEquals(DomainError.Kind.INVALID, kind(badIncident));
    assertTrue(badIncident.getError().getMessage().startsWith("incident kind"));
  }

  @Test
  void journalsASampledTrackNotEveryFix() {
    register();
    int sampled = 0;
    for (int i = 0; i < 60; i++) { // one fix a second for a minute; sample interval 30 s
      var r =
          kit.runCommand(new Vehicle.Gps(new Vehicle.Fix(LAT + i * 1e-5, LNG, 25, T0 + i * 1000L)));
      sampled += (int) r.events().stream().filter(e -> e instanceof Vehicle.TrackSampled).count();
    }
    assertEquals(2, sampled);
    var old = kit.runCommand(new Vehicle.Gps(new Vehicle.Fix(LAT, LNG, 25, T0)));
    assertTrue(old.events().isEmpty(), "an old or repeated fix changes nothing");
    var summary = kit.<StatusReply<Summary>>runCommand(Vehicle.Get::new).reply().getValue();
    assertEquals(
        T0 + 59_000,
        summary.lastFix().atMs(),
        "memory has the latest fix even though it was not journalled");
  }

  @Test
  void predictsADelayOnceWhenAStopWillMissItsWindowByMoreThanTheThreshold() {
    register();
    // stop 'a' 4.4 km away must be served within 40 minutes; 'b' has all day
    assign(1, List.of(stop("a", 0.04, T0 + 40 * 60_000), stop("b", 0.05, T0 + 10 * 3_600_000L)));
    report("d1", StopEventKind.DEPARTED_DEPOT, Vehicle.DEPOT, T0);
    var onTime = kit.runCommand(new Vehicle.Gps(new Vehicle.Fix(LAT, LNG, 30, T0 + 1000)));
    assertTrue(onTime.events().stream().noneMatch(e -> e instanceof Vehicle.DelayPredicted));
    // a jam holds the vehicle for 90 minutes: 'a' will be about an hour late, 'b' still fine
    var jam =
        kit.<StatusReply<Summary>>runCommand(
            replyTo ->
                new Vehicle.ReportIncident(
                    "d1", IncidentKind.JAM, 90, "accident", T0 + 2000, replyTo));
    List<Vehicle.DelayPredicted> delays =
        jam.events().stream()
            .filter(e -> e instanceof Vehicle.DelayPredicted)
            .map(e -> (Vehicle.DelayPredicted) e)
            .toList();
    assertEquals(1, delays.size());
    assertEquals("a", delays.get(0).stopId());
    assertTrue(
        delays.get(0).latenessSeconds() > 30 * 60,
        "late by " + delays.get(0).latenessSeconds() + " s");
    var again = kit.runCommand(new Vehicle.Gps(new Vehicle.Fix(LAT, LNG, 0, T0 + 3000)));
    assertTrue(
        again.events().stream().noneMatch(e -> e instanceof Vehicle.DelayPredicted),
        "the same stop on the same route version is reported once");
    DispatchRegion.VehicleUpdate last;
    synchronized (updates) {
      last = updates.get(updates.size() - 1);
    }
    assertEquals("a", last.delayedStopId());
    assertEquals(T0 + 2000 + 90 * 60_000, last.readyAtMs());
  }

  @Test
  void pushesEveryRouteVersionToTheConnectedDriverAndRecovers() {
    register();
    TestProbe<Vehicle.Push> app = testKit.createTestProbe();
    var connected =
        kit.<StatusReply<Summary>>runCommand(
            replyTo -> new Vehicle.Connect("d1", app.getRef(), replyTo));
    assertTrue(connected.reply().isSuccess());
    assertEquals(0, assertInstanceOf(Vehicle.RoutePush.class, app.receiveMessage()).version());
    assign(1, List.of(stop("a", 0.02, T0 + 3_600_000)));
    Vehicle.RoutePush push = assertInstanceOf(Vehicle.RoutePush.class, app.receiveMessage());
    assertEquals(1, push.version());
    assertEquals("a", push.stops().get(0).stopId());
    TestProbe<Vehicle.Push> stranger = testKit.createTestProbe();
    var refused =
        kit.<StatusReply<Summary>>runCommand(
            replyTo -> new Vehicle.Connect("d9", stranger.getRef(), replyTo));
    assertTrue(refused.reply().isError());
    kit.restart();
    assertEquals(1, kit.getState().routeVersion());
    assertEquals(Status.LOADING, kit.getState().status());
  }

  @Test
  void theEntityTakesAFloodOfFixesWhileWritingAndKeepsTheNewest() {
    var vehicle =
        testKit.spawn(Vehicle.entity("flood", SETTINGS, (region, update) -> {}, seconds -> {}));
    TestProbe<StatusReply<Summary>> probe = testKit.createTestProbe();
    vehicle.tell(new Vehicle.Register("d1", 100, "r1", LAT, LNG, probe.getRef()));
    assertTrue(probe.receiveMessage().isSuccess());
    // one fix every 100 ms of fix time: a track sample is written every 300 fixes, while fixes keep
    // coming
    int fixes = 20_000;
    for (int i = 1; i <= fixes; i++) {
      vehicle.tell(
          new Vehicle.Gps(new Vehicle.Fix(LAT + i * 1e-7, LNG, 20, T0 + i * 100L), 1, null));
    }
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          vehicle.tell(new Vehicle.Get(probe.getRef()));
          StatusReply<Summary> reply = probe.receiveMessage();
          assertEquals(T0 + fixes * 100L, reply.getValue().lastFix().atMs(), "the newest fix wins");
          return null;
        });
  }
}
