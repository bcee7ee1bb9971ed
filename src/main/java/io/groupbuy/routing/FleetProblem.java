package io.groupbuy.routing;

import io.groupbuy.routing.VrptwProblem.Distance;
import io.groupbuy.routing.VrptwProblem.Stop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Routing as dispatch sees it during the day: each vehicle starts where it is, when it is free;
 * stops already served are simply not in the problem. A vehicle on the road carries the goods of
 * its remaining stops, so it can serve only those ({@link Vehicle#onboard()}); a vehicle at the
 * depot can load any stop. The first {@link Vehicle#committed()} onboard stops keep their order
 * (the driver is already heading there).
 *
 * <p>Travel time is distance divided by {@code speed}; times are in one unit throughout (minutes in
 * dispatch, abstract units in the Solomon benchmark). Every vehicle must be back at the depot by
 * the depot's due time.
 */
public record FleetProblem(
    String name,
    Stop depot,
    List<Stop> stops,
    List<Vehicle> vehicles,
    Distance distance,
    double speed) {

  /** A vehicle now: position, when it is free, capacity, onboard stops in their current order. */
  public record Vehicle(
      String id,
      double x,
      double y,
      double readyTime,
      int capacity,
      boolean atDepot,
      List<Integer> onboard,
      int committed) {
    public Vehicle {
      onboard = List.copyOf(onboard);
      if (committed < 0 || committed > onboard.size()) {
        throw new IllegalArgumentException(
            "vehicle "
                + id
                + ": committed "
                + committed
                + " of "
                + onboard.size()
                + " onboard stops");
      }
    }

    /** An empty vehicle waiting at the depot. */
    public static Vehicle atDepot(String id, Stop depot, double readyTime, int capacity) {
      return new Vehicle(id, depot.x(), depot.y(), readyTime, capacity, true, List.of(), 0);
    }
  }

  public FleetProblem {
    stops = List.copyOf(stops);
    vehicles = List.copyOf(vehicles);
    if (vehicles.isEmpty()) throw new IllegalArgumentException("no vehicles");
    if (!(speed > 0)) throw new IllegalArgumentException("speed must be positive");
    Set<Integer> ids = new HashSet<>();
    for (Stop s : stops) {
      if (!ids.add(s.id())) throw new IllegalArgumentException("stop " + s.id() + " appears twice");
    }
    Set<Integer> carried = new HashSet<>();
    for (Vehicle v : vehicles) {
      for (int id : v.onboard()) {
        if (!ids.contains(id))
          throw new IllegalArgumentException("vehicle " + v.id() + " carries unknown stop " + id);
        if (!carried.add(id))
          throw new IllegalArgumentException("stop " + id + " is on two vehicles");
      }
    }
  }

  /**
   * The classic problem: identical empty vehicles leaving the depot at its ready time; travel time
   * = distance.
   */
  public static FleetProblem of(VrptwProblem p) {
    List<Vehicle> fleet = new ArrayList<>();
    for (int v = 0; v < p.maxVehicles(); v++) {
      fleet.add(
          Vehicle.atDepot(String.valueOf(v + 1), p.depot(), p.depot().readyTime(), p.capacity()));
    }
    return new FleetProblem(p.name(), p.depot(), p.customers(), fleet, p.distance(), 1.0);
  }

  public double travelTime(double distance) {
    return distance / speed;
  }

  /**
   * Whether vehicle {@code v} may serve {@code stop}: depot vehicles load anything, others only
   * what they carry.
   */
  public boolean mayServe(Vehicle v, int stop) {
    return v.atDepot() || v.onboard().contains(stop);
  }
}
