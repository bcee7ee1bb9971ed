package io.groupbuy.bench;

import io.groupbuy.routing.KMeansBatcher;
import io.groupbuy.routing.RouteChecker;
import io.groupbuy.routing.VrptwProblem;
import io.groupbuy.routing.VrptwProblem.Stop;
import io.groupbuy.routing.VrptwSolution;
import io.groupbuy.routing.VrptwSolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kilometres per pickup task on LaDe-format CSV (one row per task), per region and day ({@code
 * region_id}, {@code ds}), with the same number of vehicles as there were couriers:
 *
 * <ol>
 *   <li><b>real</b>: each courier's tasks in {@code pickup_time} order, haversine km between
 *       consecutive tasks;
 *   <li><b>kmeans</b>: {@link KMeansBatcher} waves (at least one per courier, each within the
 *       capacity), each wave routed by one vehicle with {@link VrptwSolver};
 *   <li><b>fcfs</b>: tasks dealt out in {@code accept_time} order to the least-loaded courier
 *       (ties: the courier whose last task is nearest), each courier's tasks routed by the same
 *       solver;
 *   <li>with {@code --direct}, <b>no waves</b>: the whole region-day as one VRPTW on the same
 *       fleet, to show what the batching costs or saves against routing alone.
 * </ol>
 *
 * <p>The data has no depot (couriers start wherever they are), so routes are open: a dummy depot
 * (id 0) is at distance 0 from every task. Each group (a wave, or a courier's set) is its own
 * one-vehicle problem; the groups of a region share the time limit in proportion to their size, so
 * a run costs the limit once per region and method instead of once per vehicle (~1,000 vehicles in
 * the LaDe train file). Time windows are hard (waiting allowed) from {@code max(time_window_start,
 * accept_time)} to {@code time_window_end}, in minutes from the region-day's earliest such start;
 * travel time = haversine km at a fixed speed. Every solution is checked by {@link RouteChecker};
 * tasks the solver cannot fit into their windows are dropped and counted, and km/order is over
 * served tasks.
 *
 * <p>{@code bench/batching [--time-limit S] [--capacity N] [--speed KMH] [--service MIN] [--seed N]
 * [--direct] FILE...}
 */
public final class BatchingBench {
  private BatchingBench() {}

  static final List<String> REQUIRED =
      List.of(
          "order_id",
          "region_id",
          "courier_id",
          "accept_time",
          "time_window_start",
          "time_window_end",
          "lng",
          "lat",
          "pickup_time",
          "ds");
  private static final String USAGE =
      "usage: bench/batching [--time-limit SECONDS] [--capacity N] [--speed KMH]"
          + " [--service MINUTES] [--seed N] [--direct] FILE...\n"
          + "  (default FILE: ../shared/data/lade_pickup_5cities/pickup_tasks_train.csv, relative to the project)";

  /**
   * Floor of a group's share of the time limit, so that even a one-task group gets a solver run.
   */
  private static final Duration MIN_GROUP_LIMIT = Duration.ofMillis(10);

  private static final Pattern TIME =
      Pattern.compile("(\\d{1,2})-(\\d{1,2}) (\\d{1,2}):(\\d{2}):(\\d{2})");

  /**
   * One pickup task; times in minutes since 2021-01-01 (the data gives no year; 2021 is not a leap
   * year).
   */
  record Task(
      String orderId,
      String region,
      String ds,
      String city,
      String courier,
      long accept,
      long windowStart,
      long windowEnd,
      long pickup,
      double lng,
      double lat) {}

  /** Km over served tasks, what was dropped, and how many routes were used. */
  record Outcome(double km, int served, int dropped, int routes, List<String> problems) {}

  public static void main(String[] args) throws IOException {
    double seconds = 1;
    Integer capacity = null;
    double speedKmh = 20;
    double serviceMinutes = 3;
    long seed = 1;
    boolean direct = false;
    List<Path> files = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--time-limit" -> seconds = Double.parseDouble(args[++i]);
          case "--capacity" -> capacity = Integer.parseInt(args[++i]);
          case "--speed" -> speedKmh = Double.parseDouble(args[++i]);
          case "--service" -> serviceMinutes = Double.parseDouble(args[++i]);
          case "--seed" -> seed = Long.parseLong(args[++i]);
          case "--direct" -> direct = true;
          case "-h", "--help" -> {
            System.out.println(USAGE);
            return;
          }
          default -> {
            if (args[i].startsWith("--"))
              throw new IllegalArgumentException("unknown option " + args[i]);
            files.add(Path.of(args[i]));
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      fail(
          (e instanceof ArrayIndexOutOfBoundsException ? "option needs a value" : e.getMessage())
              + "\n"
              + USAGE);
    }
    if (seconds <= 0
        || speedKmh <= 0
        || serviceMinutes < 0
        || (capacity != null && capacity <= 0)) {
      fail("time limit, speed and capacity must be > 0, service >= 0\n" + USAGE);
    }
    if (files.isEmpty())
      files.add(Path.of("../shared/data/lade_pickup_5cities/pickup_tasks_train.csv"));
    Map<String, List<Task>> regionDays = new LinkedHashMap<>();
    for (Path file : files) {
      for (Task t : read(file))
        regionDays.computeIfAbsent(t.region() + "/" + t.ds(), k -> new ArrayList<>()).add(t);
    }
    if (regionDays.isEmpty()) fail("no tasks in " + files);
    Duration limit = Duration.ofMillis(Math.round(seconds * 1000));
    double minutesPerKm = 60 / speedKmh;

    List<String> methods =
        new ArrayList<>(List.of("real couriers", "kmeans waves + VRPTW", "fcfs + VRPTW"));
    if (direct) methods.add("VRPTW, no waves");
    System.out.printf(
        "Batching on %s: %d region-days, %d tasks%n",
        files, regionDays.size(), regionDays.values().stream().mapToInt(List::size).sum());
    System.out.printf(
        "travel %.0f km/h (haversine km), service %.0f min per task, hard windows from "
            + "max(time_window_start, accept_time) to time_window_end, open routes, solver time limit %.1f s per "
            + "region and method, K-Means seed %d%n",
        speedKmh, serviceMinutes, seconds, seed);
    System.out.printf(
        "capacity (tasks per vehicle): %s; vehicles = couriers in the region-day (more only if the "
            + "capacity needs them); kmeans: one vehicle per wave; fcfs: accept_time order to the least-loaded "
            + "courier, ties to the one whose last task is nearest, one vehicle per courier; the groups of a region "
            + "share its time limit in proportion to their size%s%n",
        capacity == null ? "the busiest real courier's task count in that region-day" : capacity,
        direct ? "; no waves: the whole region-day in one VRPTW with the same vehicles" : "");
    StringBuilder head =
        new StringBuilder(
            String.format(
                "%-7s %-4s %-10s %5s %4s %4s %5s | %9s | %9s %4s %4s | %9s" + " %4s %4s",
                "region",
                "ds",
                "city",
                "tasks",
                "veh",
                "cap",
                "waves",
                "real km/o",
                "kmeans/o",
                "drop",
                "rts",
                "fcfs km/o",
                "drop",
                "rts"));
    if (direct) head.append(String.format(" | %9s %4s %4s", "nowave/o", "drop", "rts"));
    System.out.println(head);

    int n = methods.size();
    double[] km = new double[n];
    int[] served = new int[n];
    int[] dropped = new int[n];
    int[] routes = new int[n];
    int tasks = 0;
    int vehicles = 0;
    int waveCount = 0;
    int early = 0;
    int late = 0;
    List<String> problems = new ArrayList<>();
    long started = System.nanoTime();
    int done = 0;
    for (var entry : regionDays.entrySet()) {
      long regionStarted = System.nanoTime();
      List<Task> ts = entry.getValue();
      Map<String, List<Task>> byCourier = new LinkedHashMap<>();
      for (Task t : ts) byCourier.computeIfAbsent(t.courier(), k -> new ArrayList<>()).add(t);
      int couriers = byCourier.size();
      int cap =
          capacity != null
              ? capacity
              : byCourier.values().stream().mapToInt(List::size).max().orElse(1);
      int fleet = Math.max(couriers, (ts.size() + cap - 1) / cap);

      double realKm = 0;
      for (List<Task> route : byCourier.values()) {
        List<Task> ordered = route.stream().sorted(Comparator.comparingLong(Task::pickup)).toList();
        for (int i = 1; i < ordered.size(); i++) realKm += km(ordered.get(i - 1), ordered.get(i));
      }
      for (Task t : ts) {
        if (t.pickup() < t.windowStart()) early++;
        if (t.pickup() > t.windowEnd()) late++;
      }

      List<KMeansBatcher.Point> points = new ArrayList<>();
      for (int i = 0; i < ts.size(); i++)
        points.add(new KMeansBatcher.Point(String.valueOf(i), ts.get(i).lng(), ts.get(i).lat(), 1));
      List<List<Integer>> waves = new ArrayList<>();
      for (KMeansBatcher.Wave w : KMeansBatcher.lngLat().batch(points, cap, couriers, seed)) {
        waves.add(w.points().stream().map(p -> Integer.parseInt(p.id())).toList());
      }
      List<List<Integer>> fcfs = firstComeFirstServed(ts, fleet);

      List<Outcome> outcomes = new ArrayList<>();
      outcomes.add(new Outcome(realKm, ts.size(), 0, couriers, List.of()));
      outcomes.add(routeEach(ts, waves, cap, minutesPerKm, serviceMinutes, limit));
      outcomes.add(routeEach(ts, fcfs, cap, minutesPerKm, serviceMinutes, limit));
      if (direct) outcomes.add(route(ts, fleet, cap, minutesPerKm, serviceMinutes, limit));
      for (int m = 0; m < n; m++) {
        Outcome o = outcomes.get(m);
        km[m] += o.km();
        served[m] += o.served();
        dropped[m] += o.dropped();
        routes[m] += o.routes();
        for (String problem : o.problems())
          problems.add(entry.getKey() + " " + methods.get(m) + ": " + problem);
      }
      tasks += ts.size();
      vehicles += couriers;
      waveCount += waves.size();
      Task first = ts.get(0);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  "%-7s %-4s %-10s %5d %4d %4d %5d | %9s",
                  first.region(),
                  first.ds(),
                  first.city(),
                  ts.size(),
                  couriers,
                  cap,
                  waves.size(),
                  perOrder(outcomes.get(0))));
      for (Outcome o : outcomes.subList(1, n)) {
        row.append(String.format(" | %9s %4d %4d", perOrder(o), o.dropped(), o.routes()));
      }
      System.out.println(row);
      done++;
      System.err.printf(
          "[%d/%d] region %s ds %s: %d tasks, %d couriers, %d waves, %.1f s (total %.0f s)%n",
          done,
          regionDays.size(),
          first.region(),
          first.ds(),
          ts.size(),
          couriers,
          waves.size(),
          (System.nanoTime() - regionStarted) / 1e9,
          (System.nanoTime() - started) / 1e9);
    }
    System.out.println();
    System.out.printf(
        "TOTAL %d region-days, %d tasks, %d couriers, %d K-Means waves, %.0f s%n",
        regionDays.size(), tasks, vehicles, waveCount, (System.nanoTime() - started) / 1e9);
    System.out.printf(
        "%-22s %10s %7s %7s %7s %10s %9s%n",
        "method", "km", "served", "dropped", "routes", "km/order", "vs real");
    for (int m = 0; m < n; m++) {
      double perOrder = km[m] / served[m];
      System.out.printf(
          "%-22s %10.1f %7d %7d %7d %10.3f %9.3f%n",
          methods.get(m),
          km[m],
          served[m],
          dropped[m],
          routes[m],
          perOrder,
          perOrder / (km[0] / served[0]));
    }
    System.out.printf(
        "real couriers picked up %d tasks (%.1f%%) before their window opened and %d (%.1f%%) after it "
            + "closed; the routed methods must meet every window%n",
        early, 100.0 * early / tasks, late, 100.0 * late / tasks);
    if (problems.isEmpty()) {
      System.out.println(
          "all routes verified: windows, capacity, one vehicle per group, every task routed or dropped");
    } else {
      System.out.println("INVALID ROUTES (" + problems.size() + "):");
      problems.forEach(p -> System.out.println("  " + p));
      System.exit(1);
    }
  }

  /**
   * Tasks (indices) per courier: accept_time order, to the least-loaded courier; ties to the
   * nearest last task.
   */
  static List<List<Integer>> firstComeFirstServed(List<Task> ts, int couriers) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ts.size(); i++) order.add(i);
    order.sort(
        Comparator.comparingLong((Integer i) -> ts.get(i).accept()).thenComparingInt(i -> i));
    List<List<Integer>> sets = new ArrayList<>();
    for (int c = 0; c < couriers; c++) sets.add(new ArrayList<>());
    for (int i : order) {
      int best = -1;
      double bestKm = Double.MAX_VALUE;
      for (int c = 0; c < couriers; c++) {
        List<Integer> set = sets.get(c);
        double d = set.isEmpty() ? 0 : km(ts.get(set.get(set.size() - 1)), ts.get(i));
        if (best < 0
            || set.size() < sets.get(best).size()
            || (set.size() == sets.get(best).size() && d < bestKm)) {
          best = c;
          bestKm = d;
        }
      }
      sets.get(best).add(i);
    }
    sets.removeIf(List::isEmpty);
    return sets;
  }

  /**
   * Routes each group (task indices) on its own single vehicle. The groups share {@code limit} in
   * proportion to their size: one solver call per group at the full limit would take ~1,000 calls
   * per method on the LaDe train file.
   */
  static Outcome routeEach(
      List<Task> ts,
      List<List<Integer>> groups,
      int capacity,
      double minutesPerKm,
      double serviceMinutes,
      Duration limit) {
    double km = 0;
    int served = 0;
    int dropped = 0;
    int routes = 0;
    List<String> problems = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      List<Integer> group = groups.get(g);
      if (group.size() > capacity)
        problems.add("group " + g + " of " + group.size() + " over capacity " + capacity);
      Duration share = limit.multipliedBy(group.size()).dividedBy(ts.size());
      Outcome o =
          route(
              group.stream().map(ts::get).toList(),
              1,
              capacity,
              minutesPerKm,
              serviceMinutes,
              share.compareTo(MIN_GROUP_LIMIT) < 0 ? MIN_GROUP_LIMIT : share);
      km += o.km();
      served += o.served();
      dropped += o.dropped();
      routes += o.routes();
      for (String problem : o.problems()) problems.add("group " + g + ": " + problem);
    }
    return new Outcome(km, served, dropped, routes, problems);
  }

  /** Routes the tasks on up to {@code vehicles} vehicles in one solver call; open routes. */
  static Outcome route(
      List<Task> ts,
      int vehicles,
      int capacity,
      double minutesPerKm,
      double serviceMinutes,
      Duration limit) {
    long origin = ts.stream().mapToLong(BatchingBench::ready).min().orElse(0);
    List<Stop> customers = new ArrayList<>();
    double horizon = 0;
    for (int i = 0; i < ts.size(); i++) {
      Task t = ts.get(i);
      customers.add(
          new Stop(
              i + 1,
              t.lng(),
              t.lat(),
              1,
              ready(t) - origin,
              t.windowEnd() - origin,
              serviceMinutes));
      horizon = Math.max(horizon, t.windowEnd() - origin + serviceMinutes + 1);
    }
    // the solver's travel time is its distance, so distances are travel minutes (cost stays
    // proportional to km);
    // open routes: the dummy depot is next to every task
    VrptwProblem.Distance travel =
        (a, b) ->
            a.id() == 0 || b.id() == 0
                ? 0
                : VrptwProblem.Distance.HAVERSINE_KM.between(a, b) * minutesPerKm;
    VrptwProblem p =
        new VrptwProblem(
            "region", new Stop(0, 0, 0, 0, 0, horizon, 0), customers, vehicles, capacity, travel);
    // distance first (vehicle cost 1 min): with open routes every extra vehicle saves an arc, so it
    // uses the fleet
    VrptwSolution s = VrptwSolver.solve(p, VrptwSolver.Options.plain(limit));
    List<String> problems = new ArrayList<>(RouteChecker.violations(p, s));
    double km = 0;
    int served = 0;
    for (List<Integer> r : s.routes()) {
      for (int k = 1; k < r.size(); k++) km += km(ts.get(r.get(k - 1) - 1), ts.get(r.get(k) - 1));
      served += r.size();
    }
    return new Outcome(km, served, s.dropped().size(), s.routes().size(), problems);
  }

  /**
   * A task cannot be picked up before it is accepted (true of 33 LaDe train tasks whose window
   * opened earlier).
   */
  static long ready(Task t) {
    return Math.max(t.windowStart(), t.accept());
  }

  static double km(Task a, Task b) {
    return VrptwProblem.Distance.HAVERSINE_KM.between(
        new Stop(0, a.lng(), a.lat(), 0, 0, 0, 0), new Stop(0, b.lng(), b.lat(), 0, 0, 0, 0));
  }

  private static String perOrder(Outcome o) {
    return o.served() == 0 ? "-" : String.format("%.3f", o.km() / o.served());
  }

  /** Reads a LaDe-format CSV by its header; any column order, extra columns ignored. */
  static List<Task> read(Path file) throws IOException {
    if (!Files.isRegularFile(file))
      fail("no such file (or not a regular file): " + file + "\n" + USAGE);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty())
      fail(file + ": empty file, expected a header with " + String.join(",", REQUIRED));
    List<String> header = split(lines.get(0).replace("\uFEFF", ""));
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.size(); i++) col.put(header.get(i).trim(), i);
    List<String> missing = REQUIRED.stream().filter(c -> !col.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      fail(
          file
              + ": missing column(s) "
              + String.join(", ", missing)
              + "; the header needs "
              + String.join(",", REQUIRED));
    }
    List<Task> tasks = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      if (lines.get(n).isBlank()) continue;
      List<String> f = split(lines.get(n));
      String where = file + ":" + (n + 1) + ": ";
      if (f.size() < header.size())
        fail(where + f.size() + " fields, the header has " + header.size());
      try {
        long windowStart = minutes(f.get(col.get("time_window_start")), "time_window_start");
        long windowEnd = minutes(f.get(col.get("time_window_end")), "time_window_end");
        if (windowEnd < windowStart)
          throw new IllegalArgumentException("time window ends before it starts");
        double lng = number(f.get(col.get("lng")), "lng");
        double lat = number(f.get(col.get("lat")), "lat");
        if (Math.abs(lat) > 90 || Math.abs(lng) > 180)
          throw new IllegalArgumentException("lng/lat out of range");
        tasks.add(
            new Task(
                f.get(col.get("order_id")),
                text(f, col, "region_id"),
                text(f, col, "ds"),
                col.containsKey("city") ? f.get(col.get("city")) : "",
                text(f, col, "courier_id"),
                minutes(f.get(col.get("accept_time")), "accept_time"),
                windowStart,
                windowEnd,
                minutes(f.get(col.get("pickup_time")), "pickup_time"),
                lng,
                lat));
      } catch (IllegalArgumentException | DateTimeException e) {
        fail(where + e.getMessage());
      }
    }
    return tasks;
  }

  private static String text(List<String> f, Map<String, Integer> col, String name) {
    String v = f.get(col.get(name)).trim();
    if (v.isEmpty()) throw new IllegalArgumentException("empty " + name);
    return v;
  }

  private static double number(String v, String column) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number '" + v + "' in " + column);
    }
  }

  /** {@code MM-DD HH:MM:SS} as whole minutes (seconds cut off; LaDe's are all zero). */
  static long minutes(String v, String column) {
    Matcher m = TIME.matcher(v.trim());
    if (!m.matches())
      throw new IllegalArgumentException(
          "bad time '" + v + "' in " + column + ", want MM-DD HH:MM:SS");
    LocalDateTime t =
        LocalDateTime.of(
            2021,
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)),
            Integer.parseInt(m.group(5)));
    return t.toEpochSecond(ZoneOffset.UTC) / 60;
  }

  /** Comma-separated fields; double quotes around a field may hide commas ("" is a quote). */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          field.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(ch);
      }
    }
    out.add(field.toString());
    return out;
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(2);
  }
}
