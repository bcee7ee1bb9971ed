package io.groupbuy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SimulatedVehicleTest {
  static final double DEPOT_LAT = 30.0;
  static final double DEPOT_LNG = 120.0;
  static final long T0 = 1_700_000_000_000L;

  /** Every segment of this profile is 0.06 degrees of latitude in 10 minutes: about 40 km/h. */
  static final SpeedProfile PROFILE = steady();

  static final SimulatedVehicle.Settings QUIET =
      new SimulatedVehicle.Settings(
          Duration.ofSeconds(20),
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          1.3,
          ZoneId.of("Asia/Shanghai"),
          0,
          20,
          90,
          0,
          Duration.ofMinutes(30),
          0,
          Duration.ZERO,
          Duration.ofMinutes(30));

  static final class Recorder implements SimulatedVehicle.Actions {
    final List<Map<String, Object>> frames = new ArrayList<>();
    final List<String> lines = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
    int backInService;

    @Override
    public void send(Map<String, Object> frame) {
      frames.add(frame);
    }

    @Override
    public void say(String line) {
      lines.add(line);
    }

    @Override
    public boolean cancel(String orderId, String stopId) {
      cancelled.add(orderId + "@" + stopId);
      return true;
    }

    @Override
    public void backInService() {
      backInService++;
    }

    List<String> types() {
      List<String> t = new ArrayList<>();
      for (Map<String, Object> f : frames) {
        String type = (String) f.get("type");
        if (!type.equals("gps") || t.isEmpty() || !t.get(t.size() - 1).equals("gps")) t.add(type);
      }
      return t; // runs of gps fixes collapsed into one
    }

    long count(String type) {
      return frames.stream().filter(f -> f.get("type").equals(type)).count();
    }
  }

  static SimulatedVehicle.Stop stop(String id, double kmNorth, String... orders) {
    return new SimulatedVehicle.Stop(
        id,
        DEPOT_LAT + kmNorth / 111.2,
        DEPOT_LNG,
        T0 + 3_600_000L,
        T0 + 600_000L,
        List.of(orders),
        false);
  }

  static SimulatedVehicle van(
      SimulatedVehicle.Settings s, Recorder r, long seed, AtomicBoolean demoJam) {
    SimulatedVehicle v =
        new SimulatedVehicle(
            "van-1",
            DEPOT_LAT,
            DEPOT_LNG,
            s,
            PROFILE.sampler(seed),
            new Random(seed),
            demoJam,
            r,
            new SimulatedVehicle.Tally());
    v.startDispatching();
    return v;
  }

  /** Ticks every 2 s from {@code fromMs} for {@code seconds}; returns the time reached. */
  static long run(SimulatedVehicle v, long fromMs, int seconds) {
    long t = fromMs;
    for (int i = 0; i < seconds / 2; i++) {
      t += 2000;
      v.tick(t);
    }
    return t;
  }

  @Test
  void loadsDrivesServesEveryStopInOrderAndReturns() {
    Recorder r = new Recorder();
    SimulatedVehicle v = van(QUIET, r, 1, new AtomicBoolean());
    v.tick(T0);
    v.onRoute(
        new SimulatedVehicle.Route(
            1, "cutoff day-1", List.of(stop("a", 1, "o1"), stop("b", 2, "o2", "o3"))),
        T0);
    assertEquals(SimulatedVehicle.Phase.LOADING, v.phase());
    run(v, T0, 30 * 60);
    assertEquals(
        List.of(
            "ack",
            "departedDepot",
            "gps",
            "arrived",
            "departed",
            "gps",
            "arrived",
            "departed",
            "gps",
            "returned"),
        r.types());
    assertEquals(SimulatedVehicle.Phase.IDLE, v.phase());
    assertEquals(DEPOT_LAT, v.lat(), 1e-9);
    // 1 + 1 + 2 km at ~40 km/h take about 360 s: some 180 fixes, none while loading or serving
    long fixes = r.count("gps");
    assertTrue(fixes > 170 && fixes < 190, "fixes " + fixes);
    Map<String, Object> fix =
        r.frames.stream().filter(f -> f.get("type").equals("gps")).findFirst().orElseThrow();
    assertEquals(
        40 * 1.3,
        (double) fix.get("speedKmh"),
        2.0,
        "road speed = straight-line speed x road factor");
    assertTrue(
        r.lines.stream().anyMatch(l -> l.contains("delivered 2 orders at b, on time")),
        r.lines.toString());
  }

  @Test
  void aNewRouteVersionTakesEffectAtOnceAndIsAcknowledged() {
    Recorder r = new Recorder();
    SimulatedVehicle v = van(QUIET, r, 1, new AtomicBoolean());
    v.tick(T0);
    v.onRoute(
        new SimulatedVehicle.Route(
            1, "cutoff day-1", List.of(stop("a", 1, "o1"), stop("b", 2, "o2"))),
        T0);
    long t = run(v, T0, 40); // 20 s driving
    assertEquals(SimulatedVehicle.Phase.DRIVING, v.phase());
    v.onRoute(
        new SimulatedVehicle.Route(
            2, "delay of van-2 at x (40 min late)", List.of(stop("b", 2, "o2"))),
        t);
    v.onRoute(
        new SimulatedVehicle.Route(2, "current route", List.of(stop("b", 2, "o2"))),
        t); // after a reconnect
    run(v, t, 20 * 60);
    assertEquals(
        List.of(1L, 2L, 2L),
        r.frames.stream()
            .filter(f -> f.get("type").equals("ack"))
            .map(f -> ((Number) f.get("version")).longValue())
            .toList());
    assertEquals(
        List.of("b"),
        r.frames.stream()
            .filter(f -> f.get("type").equals("arrived"))
            .map(f -> f.get("stopId"))
            .toList(),
        "stop a went to another van");
    assertEquals(
        1,
        r.lines.stream().filter(l -> l.startsWith("REROUTE van-1 v2")).count(),
        r.lines.toString());
  }

  @Test
  void aJamHoldsTheVanWithoutFixesAndIsReported() {
    Recorder r = new Recorder();
    SimulatedVehicle.Settings jams =
        new SimulatedVehicle.Settings(
            Duration.ofSeconds(20),
            Duration.ofMinutes(2),
            Duration.ofMinutes(1),
            1.3,
            ZoneId.of("Asia/Shanghai"),
            0,
            20,
            90,
            0,
            Duration.ofMinutes(30),
            0,
            Duration.ofSeconds(30),
            Duration.ofMinutes(30));
    AtomicBoolean demoJam = new AtomicBoolean(true);
    SimulatedVehicle v = van(jams, r, 1, demoJam);
    v.tick(T0);
    // the last stop's window ends 60 min from now and its ETA is 10 min: 50 min of slack
    v.onRoute(
        new SimulatedVehicle.Route(
            1, "cutoff day-1", List.of(stop("a", 3, "o1"), stop("b", 4, "o2"), stop("c", 5, "o3"))),
        T0);
    long t = run(v, T0, 60);
    assertEquals(SimulatedVehicle.Phase.JAMMED, v.phase());
    Map<String, Object> incident = r.frames.get(r.frames.size() - 1);
    assertEquals("JAM", incident.get("kind"));
    assertEquals(
        50 + 30 + 15, incident.get("delayMinutes"), "beyond the slack and the delay threshold");
    long fixes = r.count("gps");
    double lat = v.lat();
    t = run(v, t, 94 * 60);
    assertEquals(fixes, r.count("gps"), "no fixes while standing in the jam");
    assertEquals(lat, v.lat(), 0);
    run(v, t, 60);
    assertEquals(SimulatedVehicle.Phase.DRIVING, v.phase());
    assertTrue(r.count("gps") > fixes);
    assertTrue(!demoJam.get(), "one demonstration jam per region");
  }

  @Test
  void aBreakdownIsReportedAndTheVanComesBackIntoService() {
    Recorder r = new Recorder();
    SimulatedVehicle.Settings fragile =
        new SimulatedVehicle.Settings(
            Duration.ofSeconds(20),
            Duration.ofMinutes(2),
            Duration.ofMinutes(1),
            1.3,
            ZoneId.of("Asia/Shanghai"),
            0,
            20,
            90,
            1e6,
            Duration.ofMinutes(30),
            0,
            Duration.ZERO,
            Duration.ofMinutes(30));
    SimulatedVehicle v = van(fragile, r, 1, new AtomicBoolean());
    v.tick(T0);
    v.onRoute(new SimulatedVehicle.Route(1, "cutoff day-1", List.of(stop("a", 3, "o1"))), T0);
    long t = run(v, T0, 24);
    assertEquals(SimulatedVehicle.Phase.BROKEN_DOWN, v.phase());
    assertEquals("BREAKDOWN", r.frames.get(r.frames.size() - 1).get("kind"));
    run(v, t, 30 * 60);
    assertEquals(SimulatedVehicle.Phase.IDLE, v.phase());
    assertEquals("returned", r.frames.get(r.frames.size() - 1).get("type"));
    assertEquals(1, r.backInService);
  }

  @Test
  void aCustomerOnTheRouteMayCancelWhileTheVanLoads() {
    Recorder r = new Recorder();
    SimulatedVehicle.Settings cancels =
        new SimulatedVehicle.Settings(
            Duration.ofSeconds(20),
            Duration.ofMinutes(2),
            Duration.ofMinutes(1),
            1.3,
            ZoneId.of("Asia/Shanghai"),
            0,
            20,
            90,
            0,
            Duration.ofMinutes(30),
            1.0,
            Duration.ZERO,
            Duration.ofMinutes(30));
    SimulatedVehicle v = van(cancels, r, 1, new AtomicBoolean());
    v.onRoute(
        new SimulatedVehicle.Route(
            1, "cutoff day-1", List.of(stop("a", 1, "o1", "o2"), stop("b", 2, "o3"))),
        T0);
    assertEquals(List.of("o3@b"), r.cancelled, "the single order of a stop");
  }

  @Test
  void routesFromBeforeThisRunsFirstCutoffAreNotDriven() {
    Recorder r = new Recorder();
    SimulatedVehicle v =
        new SimulatedVehicle(
            "van-1",
            DEPOT_LAT,
            DEPOT_LNG,
            QUIET,
            PROFILE.sampler(1),
            new Random(1),
            new AtomicBoolean(),
            r,
            new SimulatedVehicle.Tally());
    v.onRoute(new SimulatedVehicle.Route(7, "current route", List.of(stop("a", 1, "o1"))), T0);
    run(v, T0, 60);
    assertEquals(List.of("ack"), r.types());
    assertEquals(SimulatedVehicle.Phase.IDLE, v.phase());
    v.startDispatching();
    v.onRoute(
        new SimulatedVehicle.Route(8, "cutoff day-2", List.of(stop("b", 1, "o2"))), T0 + 60_000);
    assertEquals(SimulatedVehicle.Phase.LOADING, v.phase());
  }

  @Test
  void theSameSeedDrivesTheSameWay() {
    SimulatedVehicle.Settings eventful =
        new SimulatedVehicle.Settings(
            Duration.ofSeconds(20),
            Duration.ofMinutes(2),
            Duration.ofSeconds(30),
            1.3,
            ZoneId.of("Asia/Shanghai"),
            6,
            5,
            10,
            0.5,
            Duration.ofMinutes(5),
            0.5,
            Duration.ZERO,
            Duration.ofMinutes(30));
    List<List<Map<String, Object>>> runs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Recorder r = new Recorder();
      SimulatedVehicle v = van(eventful, r, 99, new AtomicBoolean());
      v.tick(T0);
      v.onRoute(
          new SimulatedVehicle.Route(
              1,
              "cutoff day-1",
              List.of(stop("a", 3, "o1"), stop("b", 6, "o2"), stop("c", 9, "o3"))),
          T0);
      run(v, T0, 3 * 3600);
      runs.add(r.frames);
    }
    assertEquals(runs.get(0), runs.get(1));
  }

  private static SpeedProfile steady() {
    List<SpeedProfile.Fix> fixes = new ArrayList<>();
    LocalDateTime t = LocalDateTime.of(2008, 2, 2, 0, 0);
    for (int i = 0; i < 200; i++)
      fixes.add(new SpeedProfile.Fix("t", t.plusMinutes(10L * i), 39 + 0.06 * i, 116));
    return SpeedProfile.fromFixes(fixes, 0, SpeedProfile.Limits.DEFAULT);
  }
}
