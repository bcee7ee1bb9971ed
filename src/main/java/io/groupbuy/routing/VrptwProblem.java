package io.groupbuy.routing;

import java.util.List;

/**
 * A vehicle routing problem with time windows: one depot, customers with demand, service time and a
 * hard window in which service must start, and a fleet of identical vehicles that leave the depot
 * at its ready time and must be back by its due time. Times are in the same unit as travel times
 * (travel time = distance / speed).
 */
public record VrptwProblem(
    String name,
    Stop depot,
    List<Stop> customers,
    int maxVehicles,
    int capacity,
    Distance distance) {

  /** A location to serve; {@code id} is the customer number as the instance names it. */
  public record Stop(
      int id,
      double x,
      double y,
      int demand,
      double readyTime,
      double dueTime,
      double serviceTime) {}

  public VrptwProblem {
    customers = List.copyOf(customers);
    if (maxVehicles <= 0 || capacity <= 0)
      throw new IllegalArgumentException("need vehicles with capacity");
  }

  /** Node 0 is the depot, node i (1..n) is customers.get(i - 1). */
  public Stop node(int index) {
    return index == 0 ? depot : customers.get(index - 1);
  }

  public int nodeCount() {
    return customers.size() + 1;
  }

  public double travel(int from, int to) {
    return distance.between(node(from), node(to));
  }

  /** How distances are measured. */
  public interface Distance {
    double between(Stop a, Stop b);

    /** Plain Euclidean distance of the coordinates, as in the Solomon benchmark. */
    Distance EUCLIDEAN = (a, b) -> Math.hypot(a.x() - b.x(), a.y() - b.y());

    /** Great-circle kilometres between (x = longitude, y = latitude) in degrees. */
    Distance HAVERSINE_KM =
        (a, b) -> {
          double lat1 = Math.toRadians(a.y());
          double lat2 = Math.toRadians(b.y());
          double dLat = lat2 - lat1;
          double dLng = Math.toRadians(b.x() - a.x());
          double h =
              Math.sin(dLat / 2) * Math.sin(dLat / 2)
                  + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
          return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
        };
  }
}
