package io.groupbuy.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * One route of a {@link RoutingInstance} with each position's earliest and latest service start and
 * the load so far, so inserting or replacing a customer is checked in constant time. Call {@link
 * #update()} after changing {@link #nodes} directly.
 */
final class TimedRoute {
  final RoutingInstance in;
  final int[] nodes;
  int size;
  final long[] start;
  final long[] latest;
  final int[] prefixLoad;
  int load;
  double length;
  boolean feasible;

  TimedRoute(RoutingInstance in) {
    this.in = in;
    int room = in.customers + 2;
    nodes = new int[room];
    start = new long[room];
    latest = new long[room];
    prefixLoad = new int[room];
  }

  TimedRoute copy() {
    TimedRoute r = new TimedRoute(in);
    r.set(nodes, size);
    return r;
  }

  void set(int[] from, int count) {
    System.arraycopy(from, 0, nodes, 0, count);
    size = count;
    update();
  }

  void update() {
    long[][] time = in.time;
    int last = 0;
    long clock = in.ready[0];
    load = 0;
    length = 0;
    feasible = true;
    for (int k = 0; k < size; k++) {
      int x = nodes[k];
      clock = Math.max(in.ready[x], clock + time[last][x]);
      if (clock > in.due[x]) feasible = false;
      start[k] = clock;
      load += in.demand[x];
      prefixLoad[k] = load;
      length += in.distance[last][x];
      last = x;
    }
    length += in.distance[last][0];
    if (clock + time[last][0] > in.due[0] || load > in.capacity) feasible = false;
    long limit = in.due[0];
    int next = 0;
    for (int k = size - 1; k >= 0; k--) {
      int x = nodes[k];
      limit = Math.min(in.due[x], limit - time[x][next]);
      latest[k] = limit;
      next = x;
    }
  }

  /**
   * Whether {@code c} fits in time before position {@code pos} (capacity is the caller's to check).
   */
  boolean canInsert(int c, int pos) {
    int previous = pos == 0 ? 0 : nodes[pos - 1];
    long at =
        Math.max(in.ready[c], (pos == 0 ? in.ready[0] : start[pos - 1]) + in.time[previous][c]);
    if (at > in.due[c]) return false;
    return at + in.time[c][pos == size ? 0 : nodes[pos]] <= (pos == size ? in.due[0] : latest[pos]);
  }

  /** Whether {@code c} fits in time in place of the customer at position {@code i}. */
  boolean canReplace(int i, int c) {
    int previous = i == 0 ? 0 : nodes[i - 1];
    long at = Math.max(in.ready[c], (i == 0 ? in.ready[0] : start[i - 1]) + in.time[previous][c]);
    if (at > in.due[c]) return false;
    return at + in.time[c][i + 1 == size ? 0 : nodes[i + 1]]
        <= (i + 1 == size ? in.due[0] : latest[i + 1]);
  }

  /** Extra distance of inserting {@code c} before position {@code pos}. */
  double insertionCost(int c, int pos) {
    int previous = pos == 0 ? 0 : nodes[pos - 1];
    int next = pos == size ? 0 : nodes[pos];
    return in.distance[previous][c] + in.distance[c][next] - in.distance[previous][next];
  }

  void insert(int c, int pos) {
    System.arraycopy(nodes, pos, nodes, pos + 1, size - pos);
    nodes[pos] = c;
    size++;
    update();
  }

  void remove(int i) {
    System.arraycopy(nodes, i + 1, nodes, i, size - i - 1);
    size--;
    update();
  }

  int indexOf(int c) {
    for (int k = 0; k < size; k++) if (nodes[k] == c) return k;
    throw new IllegalStateException("customer " + c + " is not on this route");
  }

  /** Customer ids in visiting order. */
  List<Integer> ids() {
    List<Integer> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) out.add(in.ids[nodes[k]]);
    return out;
  }
}
