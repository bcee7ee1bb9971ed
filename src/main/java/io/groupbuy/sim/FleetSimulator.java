package io.groupbuy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.groupbuy.http.Auth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The delivery side of the dev run, through the public API only, as a dispatcher and drivers would
 * use it: per warehouse it configures the dispatch region (depot at the warehouse's most central
 * pickup point), registers vans, connects each van's driver app over the real WebSocket, cuts off
 * the waiting orders, and drives the vans along the routes they are pushed ({@link
 * SimulatedVehicle}) at speeds from the T-Drive taxis ({@link SpeedProfile}), with jams, breakdowns
 * and cancellations at random. Prints what happens: cutoffs, routes and reroutes (van, version,
 * stops, reason), incidents, deliveries and late stops, and a summary every {@link
 * Settings#progressEvery()}.
 *
 * <p><b>Time.</b> Everything runs in real time: delivery windows, ETAs and the GPS freshness checks
 * are real epoch milliseconds, so simulated time cannot run ahead of the clock, and speeds stay
 * realistic (about 20 km/h in a straight line, 26 km/h on the road). Vans send a fix every {@link
 * Settings#gpsInterval()} (2 s) while they move. With the pickup points of whole cities in the
 * data, a van needs many minutes to its first stop and hours for its route, so what a short dev run
 * shows comes from the other end: orders are cut off a minute after the simulator starts, vans load
 * for 20 s, and after {@code demo-jam-after} (40 s) of driving one van per region (of those where
 * the cutoff left a van at the depot) is held up in a jam long enough that a remaining stop will be
 * more than the delay threshold late. Dispatch then re-plans at once and moves late stops to the
 * van at the depot, about two minutes after the simulator starts. Later jams, breakdowns and
 * cancellations follow their configured rates. A region is cut off again only when all its vans are
 * back, because a cutoff gives every van of the region a new route.
 */
public final class FleetSimulator {
  public record Settings(
      Path dataDir,
      List<String> speedData,
      int warehouses,
      int vehiclesPerWarehouse,
      int capacity,
      long seed,
      Duration firstCutoffAfter,
      Duration cutoffEvery,
      int minOrders,
      Duration window,
      Duration gpsInterval,
      Duration progressEvery,
      ZoneId zone,
      SimulatedVehicle.Settings vehicle) {
    /**
     * From the node's configuration: {@code groupbuy.sim.fleet}, plus the dispatch settings the
     * vans must match.
     */
    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("groupbuy.sim.fleet");
      ZoneId zone = ZoneId.of(root.getString("groupbuy.time-zone"));
      List<Integer> jam = c.getIntList("jam-minutes");
      SimulatedVehicle.Settings vehicle =
          new SimulatedVehicle.Settings(
              c.getDuration("loading-time"),
              c.getDuration("service-time"),
              c.getDuration("speed-resample"),
              root.getDouble("groupbuy.dispatch.vehicle.road-factor"),
              zone,
              c.getDouble("jams-per-hour"),
              jam.get(0),
              jam.get(1),
              c.getDouble("breakdowns-per-hour"),
              c.getDuration("repair-time"),
              c.getDouble("cancel-probability"),
              c.getDuration("demo-jam-after"),
              root.getDuration("groupbuy.dispatch.vehicle.delay-threshold"));
      return new Settings(
          Path.of(root.getString("groupbuy.sim.data-dir")),
          c.getStringList("speed-data"),
          root.getInt("groupbuy.sim.warehouses"),
          c.getInt("vehicles-per-warehouse"),
          c.getInt("capacity"),
          c.getLong("seed"),
          c.getDuration("first-cutoff-after"),
          c.getDuration("cutoff-every"),
          c.getInt("min-orders"),
          c.getDuration("window"),
          c.getDuration("gps-interval"),
          c.getDuration("progress-every"),
          zone,
          vehicle);
    }
  }

  /** A pickup point as the catalog lists it. */
  record Point(String id, double lat, double lng) {}

  // The platform's time zone (groupbuy.time-zone), named by its offset: the node's log may use
  // another one.
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ssXXX");
  private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm");

  private final ApiClient api;
  private final String operatorToken;
  private final Function<String, String> customerTokens;
  private final Settings settings;
  private final SpeedProfile profile;
  private final SimulatedVehicle.Tally tally = new SimulatedVehicle.Tally();
  private final List<Region> regions = new ArrayList<>();
  private final String runId = Long.toString(System.currentTimeMillis() / 1000, 36);

  /** {@code customerTokens}: a customer id to a token of that customer, for cancellations. */
  public FleetSimulator(
      ApiClient api, Auth auth, Function<String, String> customerTokens, Settings settings) {
    this.api = api;
    this.operatorToken = auth.issue("fleet-simulator", Auth.Role.OPERATOR, Duration.ofDays(1));
    this.customerTokens = customerTokens;
    this.settings = settings;
    List<Path> files = new ArrayList<>();
    for (String f : settings.speedData()) {
      Path p = settings.dataDir().resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(
            "speed data " + p.toAbsolutePath() + " not found (groupbuy.sim.data-dir)");
      }
      files.add(p);
    }
    this.profile = SpeedProfile.load(files, settings.zone(), SpeedProfile.Limits.DEFAULT);
  }

  public static void startInBackground(
      String baseUrl, Auth auth, Config config, Function<String, String> customerTokens) {
    Thread t =
        new Thread(
            () -> {
              try {
                new FleetSimulator(
                        new ApiClient(baseUrl), auth, customerTokens, Settings.fromConfig(config))
                    .run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                System.err.println("fleet simulator stopped: " + e);
              }
            },
            "fleet-simulator");
    t.setDaemon(true);
    t.start();
  }

  public void run() throws InterruptedException {
    SpeedProfile.Stats s = profile.stats();
    say(
        String.format(
            "speed profile: %d moving segments of %d vehicles (median %.1f km/h in a straight line); "
                + "left out %d stationary, %d impossible jumps, %d across gaps",
            s.segments(),
            s.travellers(),
            profile.medianKmh(),
            s.stationary(),
            s.teleports(),
            s.gaps()));
    Map<String, List<Point>> byWarehouse = awaitPickupPoints();
    List<String> warehouses =
        new ArrayList<>(byWarehouse.keySet())
            .subList(0, Math.min(settings.warehouses(), byWarehouse.size()));
    for (int w = 0; w < warehouses.size(); w++) {
      regions.add(setUp(w, warehouses.get(w), byWarehouse.get(warehouses.get(w))));
    }
    long nextProgress = System.currentTimeMillis() + settings.progressEvery().toMillis();
    while (true) {
      Thread.sleep(2000);
      long now = System.currentTimeMillis();
      for (Region r : regions) {
        try {
          maybeCutOff(r, now);
        } catch (RuntimeException e) {
          say(r.warehouseId + ": cutoff attempt failed: " + e.getMessage());
        }
      }
      if (now >= nextProgress) {
        nextProgress = now + settings.progressEvery().toMillis();
        say(progress());
      }
    }
  }

  /**
   * The same warehouses, in the same order, as the order generator stocks: the catalog's order. The
   * generator loads the catalog in batches, so the list counts once it has stopped growing.
   */
  private Map<String, List<Point>> awaitPickupPoints() throws InterruptedException {
    int previous = -1;
    while (true) {
      ApiClient.Reply r =
          api.send("GET", "/catalog/pickup-points", null, null).exceptionally(e -> null).join();
      int count =
          r != null && r.ok() && r.body() != null ? r.body().path("pickupPoints").size() : 0;
      if (count > 0 && count == previous) {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        r.body()
            .path("pickupPoints")
            .forEach(
                p ->
                    out.computeIfAbsent(p.path("warehouseId").asText(), w -> new ArrayList<>())
                        .add(
                            new Point(
                                p.path("id").asText(),
                                p.path("lat").asDouble(),
                                p.path("lng").asDouble())));
        return out;
      }
      previous = count;
      Thread.sleep(3000);
    }
  }

  /**
   * The pickup point nearest the median latitude and longitude. A city's points can straggle far
   * out (Chongqing's reach 300 km from the centre), which pulls the centroid into the countryside;
   * the median stays downtown.
   */
  static Point depotAmong(List<Point> points) {
    double[] lats = points.stream().mapToDouble(Point::lat).sorted().toArray();
    double[] lngs = points.stream().mapToDouble(Point::lng).sorted().toArray();
    double lat = lats[lats.length / 2];
    double lng = lngs[lngs.length / 2];
    return points.stream()
        .min(
            Comparator.comparingDouble((Point p) -> SpeedProfile.km(lat, lng, p.lat(), p.lng()))
                .thenComparing(Point::id))
        .orElseThrow();
  }

  private Region setUp(int index, String warehouseId, List<Point> points) {
    Point depot = depotAmong(points);
    int hour = Instant.now().atZone(settings.zone()).getHour();
    // dispatch plans on road distance (straight line x road factor), so it gets the road speed
    double planKmh =
        Math.round(profile.medianKmh(hour) * settings.vehicle().roadFactor() * 10) / 10.0;
    ApiClient.Reply configured =
        api.callRetrying(
            "PUT",
            "/regions/" + warehouseId,
            operatorToken,
            Map.of(
                "depotLat",
                depot.lat(),
                "depotLng",
                depot.lng(),
                "speedKmh",
                planKmh,
                "serviceSeconds",
                settings.vehicle().service().toSeconds()),
            8);
    if (!configured.ok()) {
      throw new IllegalStateException(
          "PUT /regions/"
              + warehouseId
              + " answered "
              + configured.status()
              + " "
              + configured.raw());
    }
    Region region = new Region(warehouseId, depot);
    String name = warehouseId.replaceFirst("^wh-", "");
    for (int i = 1; i <= settings.vehiclesPerWarehouse(); i++) {
      long seed = mix(settings.seed() * 1_000_003L + index * 1_000L + i);
      Driver d = new Driver(region, name + "-van-" + i, "driver-" + name + "-" + i, seed);
      region.drivers.add(d);
      d.register(true);
      d.start();
    }
    say(
        String.format(
            "%s: depot at pickup point %s (%.4f, %.4f) among %d; %d vans of %d units; planning at "
                + "%.1f km/h on the road (T-Drive median %s)",
            warehouseId,
            depot.id(),
            depot.lat(),
            depot.lng(),
            points.size(),
            settings.vehiclesPerWarehouse(),
            settings.capacity(),
            planKmh,
            profile.hasOwnData(hour)
                ? "at " + hour + ":00"
                : "of the day: no taxi data at " + hour + ":00"));
    region.nextCutoffAtMs = System.currentTimeMillis() + settings.firstCutoffAfter().toMillis();
    return region;
  }

  private void maybeCutOff(Region r, long now) {
    if (now < r.nextCutoffAtMs) return;
    if (r.drivers.stream().anyMatch(d -> d.van.busy())) {
      r.note(
          "next cutoff waits until all its vans are back (a cutoff gives every van a new route)");
      return;
    }
    ApiClient.Reply plan =
        api.call("GET", "/regions/" + r.warehouseId + "/plan", operatorToken, null);
    int waiting = plan.ok() ? plan.body().path("undispatchedOrders").asInt() : 0;
    if (waiting < settings.minOrders()) {
      r.note("cutoff waits for " + settings.minOrders() + " orders");
      return;
    }
    r.drivers.forEach(d -> d.van.startDispatching());
    String cutoffId = "sim-" + runId + "-" + (r.cutoffs + 1);
    long departAt = now + settings.vehicle().loading().toMillis();
    long windowEnd = departAt + settings.window().toMillis();
    ApiClient.Reply reply =
        api.call(
            "POST",
            "/regions/" + r.warehouseId + "/cutoff",
            operatorToken,
            Map.of(
                "cutoffId",
                cutoffId,
                "departAt",
                departAt,
                "windowStart",
                departAt,
                "windowEnd",
                windowEnd));
    if (reply.status() == 409) return; // a re-plan is being solved: try again shortly
    r.nextCutoffAtMs = now + settings.cutoffEvery().toMillis();
    if (!reply.ok()) {
      say(
          r.warehouseId
              + ": cutoff "
              + cutoffId
              + " refused: "
              + reply.status()
              + " "
              + reply.raw());
      return;
    }
    r.cutoffs++;
    r.lastNote = null;
    int orders = 0;
    int stops = 0;
    int used = 0;
    for (JsonNode v : reply.body().path("vehicles")) {
      if (v.path("stops").isEmpty()) continue;
      used++;
      stops += v.path("stops").size();
      for (JsonNode s : v.path("stops")) orders += s.path("orderIds").size();
    }
    say(
        String.format(
            "CUTOFF %s %s: %d orders at %d pickup points on %d of %d vans, %d pickup points dropped; "
                + "solved in %.1f s; window %s-%s",
            r.warehouseId,
            cutoffId,
            orders,
            stops,
            used,
            r.drivers.size(),
            reply.body().path("droppedStopIds").size(),
            reply.body().path("solveMillis").asLong() / 1000.0,
            localTime(departAt, HOUR_MINUTE),
            localTime(windowEnd, HOUR_MINUTE)));
    if (!r.demoJamDecided && !settings.vehicle().demoJamAfter().isZero()) {
      r.demoJamDecided = true;
      if (used < r.drivers.size()) {
        r.demoJamPending.set(true);
      } else {
        say(
            r.warehouseId
                + ": every van has a route, so no demonstration jam here (late stops could only move to a "
                + "van at the depot)");
      }
    }
  }

  private String progress() {
    Map<SimulatedVehicle.Phase, Integer> phases = new LinkedHashMap<>();
    for (SimulatedVehicle.Phase p : SimulatedVehicle.Phase.values()) phases.put(p, 0);
    int vans = 0;
    for (Region r : regions) {
      for (Driver d : r.drivers) {
        phases.merge(d.van.phase(), 1, Integer::sum);
        vans++;
      }
    }
    return String.format(
        "%d vans: %d driving, %d jammed, %d at a stop, %d loading, %d idle, %d broken down | "
            + "stops delivered %d (%d late), jams %d, breakdowns %d, cancellations %d, route changes %d",
        vans,
        phases.get(SimulatedVehicle.Phase.DRIVING),
        phases.get(SimulatedVehicle.Phase.JAMMED),
        phases.get(SimulatedVehicle.Phase.AT_STOP),
        phases.get(SimulatedVehicle.Phase.LOADING),
        phases.get(SimulatedVehicle.Phase.IDLE),
        phases.get(SimulatedVehicle.Phase.BROKEN_DOWN),
        tally.delivered.get(),
        tally.late.get(),
        tally.jams.get(),
        tally.breakdowns.get(),
        tally.cancellations.get(),
        tally.reroutes.get());
  }

  private String localTime(long epochMs, DateTimeFormatter f) {
    return Instant.ofEpochMilli(epochMs).atZone(settings.zone()).format(f);
  }

  private void say(String line) {
    System.out.println("[fleet " + localTime(System.currentTimeMillis(), CLOCK) + "] " + line);
  }

  private final class Region {
    final String warehouseId;
    final Point depot;
    final List<Driver> drivers = new ArrayList<>();

    /**
     * Set after the first cutoff, and only if a van stays at the depot: late stops can move only to
     * such a van.
     */
    final AtomicBoolean demoJamPending = new AtomicBoolean(false);

    boolean demoJamDecided;
    long nextCutoffAtMs;
    int cutoffs;
    String lastNote;

    Region(String warehouseId, Point depot) {
      this.warehouseId = warehouseId;
      this.depot = depot;
    }

    /** Says why the region waits, once per reason. */
    void note(String why) {
      if (!why.equals(lastNote)) say(warehouseId + ": " + why);
      lastNote = why;
    }
  }

  /** One van's driver app: its own thread, its WebSocket, and the van it drives. */
  private final class Driver implements SimulatedVehicle.Actions, Runnable {
    final Region region;
    final String vehicleId;
    final String driverId;
    final SimulatedVehicle van;
    String token;
    boolean brokenDownBefore;
    boolean connectFailing;
    volatile DriverClient client;

    Driver(Region region, String vehicleId, String driverId, long seed) {
      this.region = region;
      this.vehicleId = vehicleId;
      this.driverId = driverId;
      this.van =
          new SimulatedVehicle(
              vehicleId,
              region.depot.lat(),
              region.depot.lng(),
              settings.vehicle(),
              profile.sampler(mix(seed)),
              new Random(seed),
              region.demoJamPending,
              this,
              tally);
    }

    /**
     * {@code first}: at start, when a van left broken down by an earlier run is found (and then
     * towed back).
     */
    void register(boolean first) {
      ApiClient.Reply r =
          api.callRetrying(
              "POST",
              "/regions/" + region.warehouseId + "/vehicles",
              operatorToken,
              Map.of("vehicleId", vehicleId, "driverId", driverId, "capacity", settings.capacity()),
              8);
      if (r.status() != 201) {
        throw new IllegalStateException(
            "registering " + vehicleId + " answered " + r.status() + " " + r.raw());
      }
      token = r.body().path("driverToken").asText();
      if (first)
        brokenDownBefore = "BROKEN_DOWN".equals(r.body().path("vehicle").path("status").asText());
    }

    void start() {
      Thread t = new Thread(this, "driver-" + vehicleId);
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void run() {
      long nextTick = System.currentTimeMillis();
      while (true) {
        try {
          DriverClient c = client;
          if (c == null || c.closed().isDone()) {
            connect();
            continue;
          }
          long now = System.currentTimeMillis();
          JsonNode frame = c.next(f -> true, Duration.ofMillis(Math.max(1, nextTick - now)));
          if (frame != null) onFrame(frame);
          now = System.currentTimeMillis();
          if (now >= nextTick) {
            van.tick(now);
            nextTick = now + settings.gpsInterval().toMillis();
          }
        } catch (RuntimeException e) {
          say(vehicleId + " app: " + e.getMessage() + "; reconnecting");
          DriverClient c = client;
          client = null;
          if (c != null) c.close();
          sleep(2000);
        }
      }
    }

    private void connect() {
      try {
        client = DriverClient.connect(api.baseUrl(), vehicleId, token);
      } catch (RuntimeException e) {
        if (!connectFailing)
          say(vehicleId + " app cannot connect (" + e.getMessage() + "); retrying every 5 s");
        connectFailing = true;
        sleep(5000);
        return;
      }
      if (connectFailing) say(vehicleId + " app is connected again");
      connectFailing = false;
      if (brokenDownBefore) { // left broken down by an earlier run: it was towed back overnight
        brokenDownBefore = false;
        client.send(Map.of("type", "returned"));
        backInService();
      }
    }

    private void onFrame(JsonNode f) {
      switch (f.path("type").asText()) {
        case "route":
          List<SimulatedVehicle.Stop> stops = new ArrayList<>();
          for (JsonNode s : f.path("stops")) {
            List<String> orders = new ArrayList<>();
            s.path("orderIds").forEach(o -> orders.add(o.asText()));
            stops.add(
                new SimulatedVehicle.Stop(
                    s.path("stopId").asText(),
                    s.path("lat").asDouble(),
                    s.path("lng").asDouble(),
                    s.path("windowEndMs").asLong(),
                    s.path("etaMs").asLong(),
                    orders,
                    "DEPARTED".equals(s.path("progress").asText())));
          }
          van.onRoute(
              new SimulatedVehicle.Route(
                  f.path("version").asLong(), f.path("reason").asText(), stops),
              System.currentTimeMillis());
          break;
        case "error":
          say(
              vehicleId
                  + " app got an error: "
                  + f.path("code").asText()
                  + ": "
                  + f.path("message").asText());
          break;
        default:
          break; // ok frames
      }
    }

    @Override
    public void send(Map<String, Object> frame) {
      DriverClient c = client;
      if (c == null) throw new IllegalStateException("not connected");
      c.send(frame);
    }

    @Override
    public void say(String line) {
      FleetSimulator.this.say(line);
    }

    @Override
    public boolean cancel(String orderId, String stopId) {
      ApiClient.Reply order = api.call("GET", "/orders/" + orderId, operatorToken, null);
      String customer = order.ok() ? order.body().path("customerId").asText() : "";
      if (customer.isEmpty()) {
        say("CANCEL of " + orderId + " skipped: GET answered " + order.status());
        return false;
      }
      ApiClient.Reply r =
          api.call(
              "POST",
              "/orders/" + orderId + "/cancel",
              customerTokens.apply(customer),
              Map.of("reason", "changed my mind"));
      say(
          "CANCEL "
              + orderId
              + " at "
              + stopId
              + " (on "
              + vehicleId
              + ", loading) by "
              + customer
              + ": "
              + (r.ok()
                  ? r.body().path("status").asText()
                  : "refused " + r.status() + " " + r.body().path("message").asText()));
      return r.ok();
    }

    @Override
    public void backInService() {
      register(false);
      say(vehicleId + " is registered again and available to dispatch");
    }
  }

  /**
   * SplitMix64's finaliser: {@link Random}'s first draws from neighbouring seeds are nearly equal,
   * which made every van of a run decide alike (no van's customer ever cancelled).
   */
  static long mix(long seed) {
    long z = seed + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
