package io.groupbuy.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A delivery van and its driver's app, advanced by the clock ({@link #tick}) and by the routes
 * dispatch pushes ({@link #onRoute}); what the app would send goes to {@link Actions}. No I/O here,
 * so tests can drive it with a made-up clock.
 *
 * <p>The van loads at the depot, drives straight lines to its route's stops in order at speeds
 * drawn from a {@link SpeedProfile} (redrawn every {@link Settings#resample()}), serves each stop,
 * and returns to the depot when nothing is left. A new route version replaces the old one at once,
 * wherever the van is. It sends GPS fixes only while it moves: dispatch estimates the speed a van
 * manages from its fixes, and fixes sent while standing (loading, serving, held up) would make it
 * predict the rest of the route at walking pace. Incidents come at random, seeded: jams (the van
 * stands still for the delay and reports it), breakdowns (it is towed back and registered again
 * after {@link Settings#repair()}) and, while it loads, a customer cancelling an order on its
 * route.
 */
final class SimulatedVehicle {
  enum Phase {
    IDLE,
    LOADING,
    DRIVING,
    AT_STOP,
    JAMMED,
    BROKEN_DOWN
  }

  /**
   * A stop as pushed in a route frame; {@code departed} when the van's progress there was already
   * recorded.
   */
  record Stop(
      String stopId,
      double lat,
      double lng,
      long windowEndMs,
      long etaMs,
      List<String> orderIds,
      boolean departed) {
    Stop {
      orderIds = List.copyOf(orderIds);
    }
  }

  record Route(long version, String reason, List<Stop> stops) {
    Route {
      stops = List.copyOf(stops);
    }
  }

  record Settings(
      Duration loading,
      Duration service,
      Duration resample,
      double roadFactor,
      ZoneId zone,
      double jamsPerHour,
      int jamMinMinutes,
      int jamMaxMinutes,
      double breakdownsPerHour,
      Duration repair,
      double cancelProbability,
      Duration demoJamAfter,
      Duration delayThreshold) {}

  /** What the driver's app does outside the van. */
  interface Actions {
    void send(Map<String, Object> frame);

    void say(String line);

    /**
     * The customer of {@code orderId} (at {@code stopId}) cancels it; false when the order refuses.
     */
    boolean cancel(String orderId, String stopId);

    /**
     * The van is back at the depot after a breakdown; register it again so dispatch plans with it.
     */
    void backInService();
  }

  /** Counts over the whole fleet. */
  static final class Tally {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong jams = new AtomicLong();
    final AtomicLong breakdowns = new AtomicLong();
    final AtomicLong cancellations = new AtomicLong();
    final AtomicLong reroutes = new AtomicLong();
  }

  private static final String[] JAM_NOTES = {"accident ahead", "road works", "queue at a junction"};

  private final String id;
  private final double depotLat;
  private final double depotLng;
  private final Settings settings;
  private final SpeedProfile.Sampler speeds;
  private final Random random;
  private final AtomicBoolean demoJamPending;
  private final Actions out;
  private final Tally tally;

  private volatile Phase phase = Phase.IDLE;
  private volatile boolean dispatching;
  private long lastVersion = -1;
  private Route route;
  private final Set<String> departed = new HashSet<>();
  private double lat;
  private double lng;
  private double speedKmh;
  private long nextResampleMs;
  private long untilMs;
  private Stop atStop;
  private long arrivedLateMs;
  private long lastTickMs;
  private long drivingMs;
  private int served;

  /**
   * {@code demoJamPending} is shared by the vans of one region: the first of them to have driven
   * {@link Settings#demoJamAfter()} with a few stops left takes the demonstration jam and clears
   * it.
   */
  SimulatedVehicle(
      String id,
      double depotLat,
      double depotLng,
      Settings settings,
      SpeedProfile.Sampler speeds,
      Random random,
      AtomicBoolean demoJamPending,
      Actions out,
      Tally tally) {
    this.id = id;
    this.depotLat = depotLat;
    this.depotLng = depotLng;
    this.lat = depotLat;
    this.lng = depotLng;
    this.settings = settings;
    this.speeds = speeds;
    this.random = random;
    this.demoJamPending = demoJamPending;
    this.out = out;
    this.tally = tally;
  }

  String id() {
    return id;
  }

  Phase phase() {
    return phase;
  }

  double lat() {
    return lat;
  }

  double lng() {
    return lng;
  }

  /**
   * Busy with a route: the region must not cut off again, because a cutoff replaces every van's
   * route.
   */
  boolean busy() {
    Phase p = phase;
    return p == Phase.LOADING || p == Phase.DRIVING || p == Phase.AT_STOP || p == Phase.JAMMED;
  }

  /**
   * From now on routes are driven. Routes pushed before (on connect, left from an earlier run of
   * the simulator) are acknowledged but not driven: this run's first cutoff replaces them.
   */
  void startDispatching() {
    dispatching = true;
  }

  void onRoute(Route r, long nowMs) {
    out.send(frame("ack", "version", r.version()));
    if (r.version() <= lastVersion) return; // a repeat, e.g. the current route after a reconnect
    lastVersion = r.version();
    int pendingCount = (int) r.stops().stream().filter(s -> !s.departed()).count();
    if (!dispatching) {
      if (pendingCount > 0) {
        out.say(
            id
                + " has route v"
                + r.version()
                + " ("
                + pendingCount
                + " stops) from an earlier run; it waits for "
                + "this run's first cutoff, which replaces it");
      }
      return;
    }
    int before = route == null ? 0 : pending(route).size();
    route = r;
    int left = pending(r).size();
    if (r.reason().startsWith("cutoff")) {
      out.say(id + " route v" + r.version() + " (" + r.reason() + "): " + left + " stops");
    } else if (!(r.reason().equals("current route") && left == 0)) {
      tally.reroutes.incrementAndGet();
      out.say(
          "REROUTE "
              + id
              + " v"
              + r.version()
              + " ("
              + r.reason()
              + "): "
              + left
              + " stops left, was "
              + before
              + " ["
              + phase.name().toLowerCase(Locale.ROOT)
              + "]");
    }
    switch (phase) {
      case IDLE:
        if (left > 0) {
          phase = Phase.LOADING;
          untilMs = nowMs + settings.loading().toMillis();
          maybeCancelOne();
        }
        break;
      case LOADING:
        if (left == 0) {
          phase = Phase.IDLE;
          out.say(id + " unloads: nothing left to deliver");
        }
        break;
      case AT_STOP:
        if (atStop != null
            && r.stops().stream().noneMatch(s -> s.stopId().equals(atStop.stopId()))) {
          phase = Phase.DRIVING; // the stop went to another van while this one stood there
          atStop = null;
        }
        break;
      default:
        break; // driving, jammed or broken down: the next target is taken from the new route
    }
  }

  void tick(long nowMs) {
    long dt = lastTickMs == 0 ? 0 : Math.max(0, nowMs - lastTickMs);
    lastTickMs = nowMs;
    switch (phase) {
      case LOADING:
        if (nowMs >= untilMs) {
          out.send(frame("departedDepot", "at", nowMs));
          phase = Phase.DRIVING;
          drivingMs = 0;
          served = 0;
          nextResampleMs = 0;
          Stop first = next();
          out.say(
              id
                  + " leaves the depot with "
                  + pending(route).size()
                  + " stops; first "
                  + (first == null
                      ? "-"
                      : first.stopId()
                          + String.format(
                              " %.1f km away",
                              SpeedProfile.km(lat, lng, first.lat(), first.lng()))));
        }
        break;
      case AT_STOP:
        if (nowMs >= untilMs) leaveStop(nowMs);
        break;
      case JAMMED:
        if (nowMs >= untilMs) {
          phase = Phase.DRIVING;
          out.say(id + " is moving again after the jam");
        }
        break;
      case BROKEN_DOWN:
        if (nowMs >= untilMs) {
          lat = depotLat;
          lng = depotLng;
          route = null;
          departed.clear();
          out.send(frame("returned", "at", nowMs));
          phase = Phase.IDLE;
          out.say(id + " is back at the depot after its repair");
          out.backInService();
        }
        break;
      case DRIVING:
        drive(nowMs, dt);
        break;
      default:
        break;
    }
  }

  private void drive(long nowMs, long dt) {
    drivingMs += dt;
    List<Stop> pending = pending(route);
    if (pending.size() >= 3
        && drivingMs >= settings.demoJamAfter().toMillis()
        && !settings.demoJamAfter().isZero()
        && demoJamPending.compareAndSet(true, false)) {
      jam(nowMs, demoJamMinutes(pending, nowMs), "demo jam: " + JAM_NOTES[0]);
      return;
    }
    double hours = dt / 3_600_000.0;
    if (random.nextDouble() < settings.breakdownsPerHour() * hours) {
      breakDown(nowMs, pending.size());
      return;
    }
    if (random.nextDouble() < settings.jamsPerHour() * hours) {
      int span = Math.max(0, settings.jamMaxMinutes() - settings.jamMinMinutes());
      jam(
          nowMs,
          settings.jamMinMinutes() + random.nextInt(span + 1),
          JAM_NOTES[random.nextInt(JAM_NOTES.length)]);
      return;
    }
    if (nowMs >= nextResampleMs) {
      speedKmh = speeds.nextKmh(Instant.ofEpochMilli(nowMs).atZone(settings.zone()).getHour());
      nextResampleMs = nowMs + settings.resample().toMillis();
    }
    Stop target = next();
    double toLat = target == null ? depotLat : target.lat();
    double toLng = target == null ? depotLng : target.lng();
    double left = SpeedProfile.km(lat, lng, toLat, toLng);
    double step = speedKmh * hours;
    if (step < left) {
      double f = step / left; // straight-line interpolation: fine over city distances
      lat += (toLat - lat) * f;
      lng += (toLng - lng) * f;
      gps(nowMs, speedKmh);
      return;
    }
    lat = toLat;
    lng = toLng;
    gps(nowMs, speedKmh);
    if (target != null) {
      arrive(nowMs, target);
    } else {
      out.send(frame("returned", "at", nowMs));
      out.say(id + " is back at the depot after " + served + " stops");
      route = null;
      departed.clear();
      phase = Phase.IDLE;
    }
  }

  private void gps(long nowMs, double straightKmh) {
    Map<String, Object> f = frame("gps", "at", nowMs);
    f.put("lat", Math.round(lat * 1e6) / 1e6);
    f.put("lng", Math.round(lng * 1e6) / 1e6);
    // a speedometer shows road speed: the roads wind, so it is higher than progress on the straight
    // line
    f.put("speedKmh", Math.round(straightKmh * settings.roadFactor() * 10) / 10.0);
    out.send(f);
  }

  private void arrive(long nowMs, Stop stop) {
    out.send(frame("arrived", "stopId", stop.stopId(), "at", nowMs));
    phase = Phase.AT_STOP;
    atStop = stop;
    arrivedLateMs = Math.max(0, nowMs - stop.windowEndMs());
    untilMs = nowMs + settings.service().toMillis();
  }

  private void leaveStop(long nowMs) {
    Stop stop = atStop;
    phase = Phase.DRIVING;
    atStop = null;
    if (stop == null) return;
    out.send(frame("departed", "stopId", stop.stopId(), "at", nowMs));
    departed.add(stop.stopId());
    served++;
    tally.delivered.incrementAndGet();
    String when = "on time";
    if (arrivedLateMs > 0) {
      tally.late.incrementAndGet();
      when = "LATE by " + Math.round(arrivedLateMs / 60_000.0) + " min";
    }
    out.say(
        id
            + " delivered "
            + stop.orderIds().size()
            + " orders at "
            + stop.stopId()
            + ", "
            + when
            + "; "
            + pending(route).size()
            + " stops left");
  }

  private void jam(long nowMs, int minutes, String note) {
    out.send(frame("incident", "kind", "JAM", "delayMinutes", minutes, "note", note, "at", nowMs));
    phase = Phase.JAMMED;
    untilMs = nowMs + minutes * 60_000L;
    tally.jams.incrementAndGet();
    out.say(
        "JAM "
            + id
            + ": held up "
            + minutes
            + " min ("
            + note
            + ") with "
            + pending(route).size()
            + " stops left");
  }

  /**
   * Long enough for some remaining stop to end up beyond the delay threshold after its window: a
   * demonstration that dispatch moves the late stops, not a typical jam.
   */
  private int demoJamMinutes(List<Stop> pending, long nowMs) {
    long slack =
        pending.stream()
            .filter(s -> s.etaMs() > 0)
            .mapToLong(s -> s.windowEndMs() - Math.max(s.etaMs(), nowMs))
            .min()
            .orElse(settings.jamMaxMinutes() * 60_000L);
    long minutes = Math.max(0, slack) / 60_000 + settings.delayThreshold().toMinutes() + 15;
    return (int) Math.max(settings.jamMinMinutes(), Math.min(24 * 60, minutes));
  }

  private void breakDown(long nowMs, int stopsLeft) {
    out.send(
        frame(
            "incident",
            "kind",
            "BREAKDOWN",
            "delayMinutes",
            0,
            "note",
            "engine failure",
            "at",
            nowMs));
    phase = Phase.BROKEN_DOWN;
    untilMs = nowMs + settings.repair().toMillis();
    tally.breakdowns.incrementAndGet();
    out.say(
        "BREAKDOWN "
            + id
            + " with "
            + stopsLeft
            + " stops left; towed back in "
            + settings.repair().toMinutes()
            + " min");
  }

  /** While the van loads, one customer on its route may change their mind. */
  private void maybeCancelOne() {
    if (random.nextDouble() >= settings.cancelProbability()) return;
    // a pickup point with a single order: cancelling it takes the stop off the route, which
    // dispatch has to re-plan
    Stop stop =
        pending(route).stream()
            .filter(s -> !s.orderIds().isEmpty())
            .min(Comparator.comparingInt(s -> s.orderIds().size()))
            .orElse(null);
    if (stop == null) return;
    // orders that another van already took out for delivery refuse, and are not counted
    if (out.cancel(stop.orderIds().get(random.nextInt(stop.orderIds().size())), stop.stopId())) {
      tally.cancellations.incrementAndGet();
    }
  }

  private Stop next() {
    List<Stop> p = pending(route);
    return p.isEmpty() ? null : p.get(0);
  }

  private List<Stop> pending(Route r) {
    if (r == null) return List.of();
    return r.stops().stream().filter(s -> !s.departed() && !departed.contains(s.stopId())).toList();
  }

  private static Map<String, Object> frame(String type, Object... kv) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("type", type);
    for (int i = 0; i + 1 < kv.length; i += 2) f.put((String) kv[i], kv[i + 1]);
    return f;
  }
}
