package io.groupbuy.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shortens feasible VRPTW routes without adding a vehicle, by ruin and recreate with string
 * removals (after Christiaens and Vanden Berghe, "Slack Induction by String Removals for Vehicle
 * Routing Problems", Transportation Science 54(2), 2020): each step removes a few strings of
 * consecutive customers from routes near a random customer, puts the removed customers back
 * greedily at their cheapest feasible places (now and then skipping one, so the same places are not
 * always chosen), and keeps the result by simulated annealing, cooling with the time spent. A step
 * that cannot place every customer is undone, so every solution it holds is feasible with no more
 * routes than it was given.
 *
 * <p>Removing strings from several neighbouring routes frees room where the routes meet, which is
 * what shortening tight routes needs and what single moves (relocate, exchange) seldom reach. Plain
 * Java, single-threaded.
 */
final class StringRemovalSearch {
  /** Average number of customers removed per step (the paper's c̄). */
  private static final double AVERAGE_REMOVED = 10;

  /** Longest string removed (the paper's L^max). */
  private static final double MAX_STRING = 10;

  /** Chance of skipping a place while recreating (the paper's blink rate). */
  private static final double BLINK = 0.01;

  private static final double SPLIT_RATE = 0.5;
  private static final double SPLIT_DEPTH = 0.01;
  private static final double START_TEMPERATURE = 100;
  private static final double END_TEMPERATURE = 1;
  private static final boolean TRACE = Boolean.getBoolean("groupbuy.routing.trace");

  private final RoutingInstance in;
  private final SplittableRandom random;
  private final TimedRoute[] routes;
  private final int[] routeOf;
  private final boolean[] dirty;
  private final int[][] saved;
  private final int[] savedSize;
  private final int[] removed;
  private int removedCount;
  private final boolean[] ruined;
  private double cost;
  private double bestCost;
  private List<List<Integer>> best;
  long steps;

  private StringRemovalSearch(
      RoutingInstance in, List<List<Integer>> start, int vehicles, long seed) {
    this.in = in;
    this.random = new SplittableRandom(seed);
    int count = Math.max(vehicles, start.size());
    routes = new TimedRoute[count];
    routeOf = new int[in.customers + 1];
    Arrays.fill(routeOf, -1);
    Map<Integer, Integer> nodeOf = in.nodeOfId();
    for (int r = 0; r < count; r++) {
      routes[r] = new TimedRoute(in);
      if (r < start.size()) {
        for (int id : start.get(r)) {
          int node = nodeOf.get(id);
          routes[r].nodes[routes[r].size++] = node;
          routeOf[node] = r;
        }
      }
      routes[r].update();
      if (!routes[r].feasible)
        throw new IllegalArgumentException("route " + (r + 1) + " is not feasible");
    }
    dirty = new boolean[count];
    saved = new int[count][in.customers + 2];
    savedSize = new int[count];
    removed = new int[in.customers];
    ruined = new boolean[count];
    cost = total();
    bestCost = cost;
    best = snapshot();
  }

  /**
   * Improves {@code routes} (customer ids, every one feasible, every customer of the problem
   * served) until {@code deadlineNanos}, keeping to {@code routes.size()} vehicles; returns the
   * shortest solution found.
   */
  static List<List<Integer>> improve(
      VrptwProblem p, List<List<Integer>> routes, long deadlineNanos, long seed) {
    StringRemovalSearch search =
        new StringRemovalSearch(new RoutingInstance(p), routes, routes.size(), seed);
    search.run(deadlineNanos);
    if (TRACE)
      System.err.printf(
          "    string removal: %,d steps, best %.2f%n", search.steps, search.bestCost);
    return search.best;
  }

  private void run(long deadline) {
    long started = System.nanoTime();
    double span = Math.max(1, deadline - started);
    double temperature = START_TEMPERATURE;
    while (true) {
      if ((steps & 63) == 0) {
        long now = System.nanoTime();
        if (now >= deadline) break;
        temperature =
            START_TEMPERATURE
                * Math.pow(END_TEMPERATURE / START_TEMPERATURE, (now - started) / span);
      }
      steps++;
      Arrays.fill(dirty, false);
      ruin();
      boolean placed = recreate();
      double next = placed ? total() : Double.POSITIVE_INFINITY;
      if (placed && next < cost - temperature * Math.log(random.nextDouble())) {
        cost = next;
        if (next < bestCost - 1e-9) {
          bestCost = next;
          best = snapshot();
        }
      } else {
        restore();
      }
    }
  }

  private double total() {
    double sum = 0;
    for (TimedRoute r : routes) sum += r.length;
    return sum;
  }

  private List<List<Integer>> snapshot() {
    List<List<Integer>> out = new ArrayList<>();
    for (TimedRoute r : routes) {
      if (r.size > 0) out.add(r.ids());
    }
    return out;
  }

  private void touch(int r) {
    if (dirty[r]) return;
    dirty[r] = true;
    System.arraycopy(routes[r].nodes, 0, saved[r], 0, routes[r].size);
    savedSize[r] = routes[r].size;
  }

  private void restore() {
    for (int r = 0; r < routes.length; r++) {
      if (!dirty[r]) continue;
      routes[r].set(saved[r], savedSize[r]);
      for (int k = 0; k < routes[r].size; k++) routeOf[routes[r].nodes[k]] = r;
    }
  }

  // --- ruin
  // -------------------------------------------------------------------------------------------------------

  private void ruin() {
    removedCount = 0;
    Arrays.fill(ruined, false);
    int used = 0;
    for (TimedRoute r : routes) if (r.size > 0) used++;
    double averageSize = in.customers / (double) Math.max(1, used);
    double maxString = Math.min(MAX_STRING, averageSize);
    double maxStrings = 4 * AVERAGE_REMOVED / (1 + maxString) - 1;
    int strings = (int) Math.floor(random.nextDouble(1, maxStrings + 1));
    int seed = 1 + random.nextInt(in.customers);
    int done = 0;
    int[] near = in.nearest[seed];
    for (int k = -1; k < near.length && done < strings; k++) {
      int c = k < 0 ? seed : near[k];
      int r = routeOf[c];
      if (r < 0 || ruined[r]) continue;
      TimedRoute route = routes[r];
      int length = (int) Math.floor(random.nextDouble(1, Math.min(route.size, maxString) + 1));
      touch(r);
      if (length < route.size && random.nextDouble() < SPLIT_RATE) {
        removeSplitString(r, c, length);
      } else {
        removeString(r, c, length);
      }
      ruined[r] = true;
      done++;
    }
  }

  private void removeString(int r, int c, int length) {
    TimedRoute route = routes[r];
    int at = route.indexOf(c);
    int from =
        Math.max(0, at - length + 1)
            + random.nextInt(Math.min(at, route.size - length) - Math.max(0, at - length + 1) + 1);
    cut(r, from, length, 0, 0);
  }

  /**
   * Removes {@code length} customers around {@code c} but keeps a run of others in their middle.
   */
  private void removeSplitString(int r, int c, int length) {
    TimedRoute route = routes[r];
    int kept = 1;
    while (length + kept < route.size && random.nextDouble() > SPLIT_DEPTH) kept++;
    int window = length + kept;
    int at = route.indexOf(c);
    int lowest = Math.max(0, at - window + 1);
    int from = lowest + random.nextInt(Math.min(at, route.size - window) - lowest + 1);
    int keptFrom = random.nextInt(length + 1);
    cut(r, from, window, keptFrom, kept);
  }

  /**
   * Removes positions {@code from..from+window-1} of route r except {@code kept} of them starting
   * at offset {@code keptFrom}.
   */
  private void cut(int r, int from, int window, int keptFrom, int kept) {
    TimedRoute route = routes[r];
    int write = from;
    for (int k = from; k < route.size; k++) {
      int offset = k - from;
      int node = route.nodes[k];
      boolean remove = offset < window && (offset < keptFrom || offset >= keptFrom + kept);
      if (remove) {
        removed[removedCount++] = node;
        routeOf[node] = -1;
      } else {
        route.nodes[write++] = node;
      }
    }
    route.size = write;
    route.update();
  }

  // --- recreate
  // ---------------------------------------------------------------------------------------------------

  private boolean recreate() {
    sortRemoved();
    for (int i = 0; i < removedCount; i++) {
      int c = removed[i];
      double bestDelta = Double.POSITIVE_INFINITY;
      int bestRoute = -1;
      int bestPosition = -1;
      for (int r = 0; r < routes.length; r++) {
        TimedRoute route = routes[r];
        if (route.load + in.demand[c] > in.capacity) continue;
        for (int pos = 0; pos <= route.size; pos++) {
          double delta = route.insertionCost(c, pos);
          if (delta >= bestDelta || random.nextDouble() < BLINK || !route.canInsert(c, pos))
            continue;
          bestDelta = delta;
          bestRoute = r;
          bestPosition = pos;
        }
      }
      if (bestRoute < 0) return false;
      touch(bestRoute);
      routes[bestRoute].insert(c, bestPosition);
      routeOf[c] = bestRoute;
    }
    return true;
  }

  private void sortRemoved() {
    int[] order = Arrays.copyOf(removed, removedCount);
    Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
    int pick = random.nextInt(11);
    if (pick < 4) {
      for (int i = boxed.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Integer t = boxed[i];
        boxed[i] = boxed[j];
        boxed[j] = t;
      }
    } else if (pick < 8) {
      Arrays.sort(boxed, (a, b) -> Integer.compare(in.demand[b], in.demand[a]));
    } else if (pick < 10) {
      Arrays.sort(boxed, (a, b) -> Double.compare(in.distance[0][b], in.distance[0][a]));
    } else {
      Arrays.sort(boxed, (a, b) -> Double.compare(in.distance[0][a], in.distance[0][b]));
    }
    for (int i = 0; i < boxed.length; i++) removed[i] = boxed[i];
  }
}
