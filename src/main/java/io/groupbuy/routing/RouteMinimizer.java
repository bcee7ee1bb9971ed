package io.groupbuy.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fewest routes for a {@link VrptwProblem}, by ejection-pool route minimisation (after Nagata and
 * Bräysy, "A powerful route minimization heuristic for the vehicle routing problem with time
 * windows", Oper. Res. Letters 37, 2009).
 *
 * <p>Starting from one route per customer, it takes a route away, puts its customers in a pool and
 * puts them back one at a time: where no feasible place exists, it ejects from one route the set of
 * at most {@code maxEjected} customers that makes room at the lowest cost, where a customer's cost
 * is how often it has had to be put back (so the search stops moving the same few customers
 * around), and shakes the solution with random feasible moves before the next one. A route is gone
 * once the pool is empty.
 *
 * <p>Guided local search moves one customer or one arc at a time, and emptying a route needs many
 * moves that each cost distance, so it rarely gets there; this does, and OR-Tools then shortens the
 * routes it leaves.
 *
 * <p>Times use the integer scale and rounding of {@link FleetSolver}, so a solution feasible here
 * is feasible there and with exact times. Plain Java, single-threaded, deterministic for a given
 * seed and amount of work.
 */
public final class RouteMinimizer {
  /** How many customers one insertion may eject (the paper's k_max). */
  static final int MAX_EJECTED = 5;

  /** Random feasible moves after each ejection (the paper's I_rand). */
  static final int PERTURB_MOVES = 1000;

  private static final int NEAREST = 20;
  private static final boolean TRACE = Boolean.getBoolean("groupbuy.routing.trace");

  private final RoutingInstance in;
  private final int customers;
  private final long[][] time;
  private final long[] ready;
  private final long[] due;
  private final int[] demand;
  private final int capacity;
  private final SplittableRandom random;

  private final List<TimedRoute> routes = new ArrayList<>();
  private final TimedRoute[] routeOf;
  private final int[] ejections;

  private RouteMinimizer(VrptwProblem p, long seed) {
    in = new RoutingInstance(p);
    customers = in.customers;
    time = in.time;
    ready = in.ready;
    due = in.due;
    demand = in.demand;
    capacity = in.capacity;
    int n = customers + 1;
    routeOf = new TimedRoute[n];
    ejections = new int[n];
    sequence = new int[n + 1];
    candidateRoute = new int[2 * n + 2];
    candidatePosition = new int[2 * n + 2];
    random = new SplittableRandom(seed);
  }

  /**
   * Feasible routes (customer ids in visiting order) serving every customer but the {@code
   * unreachable}: those no vehicle can serve even alone (window out of reach, or demand over
   * capacity).
   */
  public record Result(List<List<Integer>> routes, List<Integer> unreachable) {}

  /**
   * Removes routes until {@code deadlineNanos} ({@link System#nanoTime()}) or until {@code
   * targetRoutes} remain.
   */
  public static Result minimize(VrptwProblem p, int targetRoutes, long deadlineNanos, long seed) {
    return new RouteMinimizer(p, seed).run(Math.max(1, targetRoutes), deadlineNanos);
  }

  private Result run(int targetRoutes, long deadline) {
    List<Integer> unreachable = new ArrayList<>();
    for (int c = 1; c <= customers; c++) {
      TimedRoute r = new TimedRoute(in);
      r.nodes[0] = c;
      r.size = 1;
      r.update();
      if (!r.feasible) {
        unreachable.add(in.ids[c]);
        continue;
      }
      attach(r);
    }
    long started = System.nanoTime();
    while (routes.size() > targetRoutes && System.nanoTime() < deadline) {
      if (!deleteOneRoute(deadline)) break;
      if (TRACE && routes.size() < 30) {
        System.err.printf(
            "    routes %d at %d ms%n", routes.size(), (System.nanoTime() - started) / 1_000_000);
      }
    }
    List<List<Integer>> out = new ArrayList<>();
    for (TimedRoute r : routes) out.add(r.ids());
    return new Result(out, unreachable);
  }

  private void attach(TimedRoute r) {
    routes.add(r);
    for (int k = 0; k < r.size; k++) routeOf[r.nodes[k]] = r;
  }

  /** One route fewer, or false (and the solution as it was) when the deadline comes first. */
  private boolean deleteOneRoute(long deadline) {
    List<TimedRoute> saved = new ArrayList<>(routes.size());
    for (TimedRoute r : routes) saved.add(r.copy());
    TimedRoute removed = routes.remove(random.nextInt(routes.size()));
    Deque<Integer> pool = new ArrayDeque<>();
    for (int k = 0; k < removed.size; k++) {
      pool.push(removed.nodes[k]);
      routeOf[removed.nodes[k]] = null;
    }
    Arrays.fill(ejections, 1);
    this.deadline = deadline;
    while (!pool.isEmpty()) {
      if (System.nanoTime() >= deadline) {
        routes.clear();
        for (TimedRoute r : saved) attach(r);
        return false;
      }
      int customer = pool.pop();
      if (insertAnywhere(customer)) continue;
      ejections[customer]++;
      if (!insertEjecting(customer, pool)) {
        // not even with ejections (a route may be too full everywhere): put it back for later,
        // after a shake
        pool.addLast(customer);
      }
      perturb();
    }
    return true;
  }

  // --- feasible insertion
  // -----------------------------------------------------------------------------------------

  private final int[] candidateRoute;
  private final int[] candidatePosition;

  /** Inserts at a random feasible place, if any. */
  private boolean insertAnywhere(int c) {
    int found = 0;
    for (int ri = 0; ri < routes.size(); ri++) {
      TimedRoute r = routes.get(ri);
      if (r.load + demand[c] > capacity) continue;
      for (int pos = 0; pos <= r.size; pos++) {
        if (r.canInsert(c, pos)) {
          if (found == candidateRoute.length) break;
          candidateRoute[found] = ri;
          candidatePosition[found++] = pos;
        }
      }
    }
    if (found == 0) return false;
    int pick = random.nextInt(found);
    TimedRoute r = routes.get(candidateRoute[pick]);
    r.insert(c, candidatePosition[pick]);
    routeOf[c] = r;
    return true;
  }

  // --- insertion with ejection
  // ------------------------------------------------------------------------------------

  private final int[] sequence;
  private int sequenceLength;
  private int insertedAt;
  private TimedRoute searched;
  private int inserting;
  private final int[] ejectedNow = new int[MAX_EJECTED];
  private int bestCost;
  private final int[] bestEjected = new int[MAX_EJECTED];
  private int bestCount;
  private TimedRoute bestRoute;
  private int bestPosition;

  /**
   * Inserts {@code c} where ejecting at most {@link #MAX_EJECTED} customers from its route makes it
   * feasible, at the lowest total ejection count; the ejected go to the pool.
   */
  private boolean insertEjecting(int c, Deque<Integer> pool) {
    bestCost = Integer.MAX_VALUE;
    bestRoute = null;
    inserting = c;
    int offset = random.nextInt(routes.size());
    for (int i = 0; i < routes.size(); i++) {
      TimedRoute r = routes.get((i + offset) % routes.size());
      searched = r;
      for (int pos = 0; pos <= r.size; pos++) {
        sequenceLength = 0;
        for (int k = 0; k < pos; k++) sequence[sequenceLength++] = r.nodes[k];
        insertedAt = sequenceLength;
        sequence[sequenceLength++] = c;
        for (int k = pos; k < r.size; k++) sequence[sequenceLength++] = r.nodes[k];
        search(0, 0, ready[0], 0, 0, 0);
      }
    }
    if (bestRoute == null || outOfTime) return false;
    TimedRoute r = bestRoute;
    int[] next = new int[r.size + 1];
    int length = 0;
    for (int k = 0; k < bestPosition; k++) next[length++] = r.nodes[k];
    next[length++] = c;
    for (int k = bestPosition; k < r.size; k++) next[length++] = r.nodes[k];
    int kept = 0;
    outer:
    for (int k = 0; k < length; k++) {
      for (int e = 0; e < bestCount; e++) {
        if (bestEjected[e] == next[k]) continue outer;
      }
      r.nodes[kept++] = next[k];
    }
    r.size = kept;
    r.update();
    routeOf[c] = r;
    for (int e = 0; e < bestCount; e++) {
      routeOf[bestEjected[e]] = null;
      pool.push(bestEjected[e]);
    }
    return true;
  }

  /**
   * Depth-first over which of {@code sequence[j..]} to eject, in order: {@code last} is the last
   * kept node and {@code lastStart} when its service starts. Past the inserted customer the rest of
   * the route is unchanged, so once the arrival there is within its latest start, the route is
   * feasible without ejecting more.
   */
  private void search(int j, int last, long lastStart, int count, int cost, int ejectedLoad) {
    // long routes make this search large; it gives up at the deadline like the rest
    if ((++searchSteps & 4095) == 0 && System.nanoTime() >= deadline) outOfTime = true;
    if (outOfTime) return;
    boolean loadFits = searched.load + demand[inserting] - ejectedLoad <= capacity;
    if (j == sequenceLength) {
      if (loadFits && lastStart + time[last][0] <= due[0]) record(count, cost, j);
      return;
    }
    int x = sequence[j];
    long arrival = lastStart + time[last][x];
    if (j > insertedAt && loadFits && arrival <= searched.latest[j - 1]) {
      record(count, cost, j);
      return;
    }
    if (arrival <= due[x]) search(j + 1, x, Math.max(ready[x], arrival), count, cost, ejectedLoad);
    if (x != inserting && count < MAX_EJECTED && cost + ejections[x] < bestCost) {
      ejectedNow[count] = x;
      search(j + 1, last, lastStart, count + 1, cost + ejections[x], ejectedLoad + demand[x]);
    }
  }

  private long deadline;
  private long searchSteps;
  private boolean outOfTime;

  private void record(int count, int cost, int j) {
    if (count == 0 || cost >= bestCost) return;
    bestCost = cost;
    bestCount = count;
    System.arraycopy(ejectedNow, 0, bestEjected, 0, count);
    bestRoute = searched;
    bestPosition = insertedAt;
  }

  // --- random feasible moves
  // --------------------------------------------------------------------------------------

  /**
   * Applies random feasible relocations, swaps and tail exchanges between nearby customers' routes.
   */
  private void perturb() {
    int done = 0;
    for (int attempt = 0; attempt < PERTURB_MOVES * 10 && done < PERTURB_MOVES; attempt++) {
      int u = 1 + random.nextInt(customers);
      TimedRoute a = routeOf[u];
      if (a == null) continue;
      int w = in.nearest[u][random.nextInt(Math.min(NEAREST, in.nearest[u].length))];
      TimedRoute b = routeOf[w];
      if (b == null || b == a) continue;
      int i = a.indexOf(u);
      int j = b.indexOf(w);
      boolean moved =
          switch (random.nextInt(3)) {
            case 0 -> relocate(a, i, b, random.nextBoolean() ? j : j + 1);
            case 1 -> swap(a, i, b, j);
            default -> exchangeTails(a, i, b, j);
          };
      if (moved) done++;
    }
  }

  private boolean relocate(TimedRoute a, int i, TimedRoute b, int pos) {
    int u = a.nodes[i];
    if (b.load + demand[u] > capacity || !b.canInsert(u, pos)) return false;
    a.remove(i);
    b.insert(u, pos);
    routeOf[u] = b;
    if (a.size == 0) routes.remove(a);
    return true;
  }

  private boolean swap(TimedRoute a, int i, TimedRoute b, int j) {
    int u = a.nodes[i];
    int w = b.nodes[j];
    if (a.load - demand[u] + demand[w] > capacity || b.load - demand[w] + demand[u] > capacity)
      return false;
    if (!a.canReplace(i, w) || !b.canReplace(j, u)) return false;
    a.nodes[i] = w;
    b.nodes[j] = u;
    a.update();
    b.update();
    routeOf[w] = a;
    routeOf[u] = b;
    return true;
  }

  /** a = a[..i] + b[j..], b = b[..j-1] + a[i+1..]. */
  private boolean exchangeTails(TimedRoute a, int i, TimedRoute b, int j) {
    int loadA = a.prefixLoad[i] + (b.load - (j == 0 ? 0 : b.prefixLoad[j - 1]));
    int loadB = (j == 0 ? 0 : b.prefixLoad[j - 1]) + (a.load - a.prefixLoad[i]);
    if (loadA > capacity || loadB > capacity) return false;
    int bNode = b.nodes[j];
    if (a.start[i] + time[a.nodes[i]][bNode] > b.latest[j]) return false;
    int bLast = j == 0 ? 0 : b.nodes[j - 1];
    long bStart = j == 0 ? ready[0] : b.start[j - 1];
    long limit = i + 1 < a.size ? a.latest[i + 1] : due[0];
    int aNext = i + 1 < a.size ? a.nodes[i + 1] : 0;
    if (bStart + time[bLast][aNext] > limit) return false;
    int[] tailA = Arrays.copyOfRange(a.nodes, i + 1, a.size);
    int[] tailB = Arrays.copyOfRange(b.nodes, j, b.size);
    a.size = i + 1;
    for (int x : tailB) a.nodes[a.size++] = x;
    b.size = j;
    for (int x : tailA) b.nodes[b.size++] = x;
    a.update();
    b.update();
    for (int k = 0; k < a.size; k++) routeOf[a.nodes[k]] = a;
    for (int k = 0; k < b.size; k++) routeOf[b.nodes[k]] = b;
    if (b.size == 0) routes.remove(b);
    return true;
  }
}
