package io.groupbuy.dispatch;

import io.groupbuy.dispatch.DispatchRegion.Event;
import io.groupbuy.dispatch.DispatchRegion.OrderAdded;
import io.groupbuy.dispatch.DispatchRegion.OrderRemoved;
import io.groupbuy.dispatch.DispatchRegion.PlanCommitted;
import io.groupbuy.dispatch.DispatchRegion.RegionConfigured;
import io.groupbuy.dispatch.DispatchRegion.StopServed;
import io.groupbuy.dispatch.DispatchRegion.VehicleJoined;
import io.groupbuy.dispatch.DispatchRegion.VehiclePlan;
import io.groupbuy.dispatch.DispatchRegion.VehicleUnavailable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.ProtoPersisted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcollections.OrderedPMap;
import org.pcollections.OrderedPSet;

/**
 * What a dispatch region remembers: its depot, its vehicles, the plan, and its open orders only. An
 * order leaves when it is delivered (its stop served) or withdrawn; a vehicle's served stops are
 * forgotten when it gets a new route; only the latest {@value #CUTOFFS_KEPT} cutoff ids are kept
 * for idempotency. The facts stay in the journal. Maps and sets are persistent collections, so
 * applying an event costs O(log n) in open orders (plus the size of the event), never a copy of the
 * state.
 */
public record RegionState(
    RegionConfigured config,
    Map<String, RegionOrder> orders,
    Map<String, Integer> vehicles,
    PlanCommitted plan,
    Set<ServedStop> served,
    Set<String> unavailable,
    Set<String> cutoffs)
    implements ProtoPersisted {
  static final int CUTOFFS_KEPT = 64;

  public static final RegionState EMPTY =
      new RegionState(null, Map.of(), Map.of(), null, Set.of(), Set.of(), Set.of());

  /** An open order of the region: confirmed, not yet delivered, not withdrawn. */
  public record RegionOrder(
      String orderId,
      String pickupPointId,
      double lat,
      double lng,
      int units,
      boolean dispatched,
      boolean urgent) {
    RegionOrder asDispatched() {
      return new RegionOrder(orderId, pickupPointId, lat, lng, units, true, urgent);
    }
  }

  /** A stop a vehicle has served on its current route. */
  public record ServedStop(String vehicleId, String stopId) {}

  public RegionState {
    orders = pmap(orders);
    vehicles = pmap(vehicles);
    served = pset(served);
    unavailable = pset(unavailable);
    cutoffs = pset(cutoffs);
  }

  long planVersion() {
    return plan == null ? 0 : plan.planVersion();
  }

  VehiclePlan planOf(String vehicleId) {
    if (plan == null) return null;
    for (VehiclePlan v : plan.vehicles()) if (v.vehicleId().equals(vehicleId)) return v;
    return null;
  }

  /**
   * Whether the order is open. (Not {@code orders().containsKey}: pcollections' ordered map leaves
   * it to AbstractMap, which scans every entry.)
   */
  boolean isOpen(String orderId) {
    return orders.get(orderId) != null;
  }

  boolean isServed(String vehicleId, String stopId) {
    return served.contains(new ServedStop(vehicleId, stopId));
  }

  /** The stop ids of a vehicle's plan not yet served, in route order. */
  List<String> remainingIds(VehiclePlan v) {
    return v.stops().stream()
        .map(RouteStop::stopId)
        .filter(id -> !isServed(v.vehicleId(), id))
        .toList();
  }

  /** Which vehicle's plan holds a stop, preferring one that has not served it yet; or null. */
  String vehicleOf(String stopId) {
    if (plan == null) return null;
    String servedBy = null;
    for (VehiclePlan v : plan.vehicles()) {
      for (RouteStop s : v.stops()) {
        if (!s.stopId().equals(stopId)) continue;
        if (!isServed(v.vehicleId(), stopId)) return v.vehicleId();
        servedBy = v.vehicleId();
      }
    }
    return servedBy;
  }

  /** Whether a stop at the pickup point has lost all its orders before being served. */
  boolean hasEmptyStopAt(String pickupPointId) {
    if (plan == null) return false;
    for (VehiclePlan v : plan.vehicles()) {
      for (RouteStop stop : v.stops()) {
        if (stop.stopId().startsWith(pickupPointId)
            && stop.orderIds().isEmpty()
            && !isServed(v.vehicleId(), stop.stopId())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the plan still has that order on that vehicle's stop. */
  boolean carries(DispatchRegion.OrderDelivery d) {
    VehiclePlan v = planOf(d.vehicleId());
    return v != null
        && v.stops().stream()
            .anyMatch(r -> r.stopId().equals(d.stopId()) && r.orderIds().contains(d.orderId()));
  }

  /** Why a cutoff cannot be planned now, or null. */
  DomainError cutoffRefusal(String regionId, DispatchRegion.Cutoff c) {
    if (config == null) {
      return new DomainError.Conflict(
          "region " + regionId + " has no depot yet; configure it first");
    }
    if (c.windowEndMs() <= c.windowStartMs() || c.windowEndMs() <= c.departAtMs()) {
      return new DomainError.Invalid(
          "the window must end after it starts and after departure", "windowEnd");
    }
    if (activeVehicles().isEmpty()) {
      return new DomainError.Conflict("region " + regionId + " has no vehicles");
    }
    if (freeVehicles().isEmpty()) {
      return new DomainError.Conflict(
          "every vehicle of region "
              + regionId
              + " is still delivering; cut off again when one is back");
    }
    return null;
  }

  /** What a vehicle's report means: stops it no longer has to visit are served; a breakdown. */
  List<Event> eventsOf(DispatchRegion.VehicleUpdate u) {
    List<Event> events = new ArrayList<>();
    VehiclePlan p = planOf(u.vehicleId());
    if (p != null && p.routeVersion() == u.routeVersion()) {
      Set<String> remaining = Set.copyOf(u.remainingStopIds());
      for (RouteStop stop : p.stops()) {
        if (!remaining.contains(stop.stopId()) && !isServed(u.vehicleId(), stop.stopId())) {
          events.add(new StopServed(stop.stopId(), u.vehicleId()));
        }
      }
    }
    if (u.status() == Vehicle.Status.BROKEN_DOWN && !unavailable.contains(u.vehicleId())) {
      events.add(new VehicleUnavailable(u.vehicleId(), "breakdown"));
    }
    return events;
  }

  List<String> activeVehicles() {
    return vehicles.keySet().stream().filter(v -> !unavailable.contains(v)).sorted().toList();
  }

  /** Active vehicles with nothing left to deliver on their current route. */
  List<String> freeVehicles() {
    return activeVehicles().stream()
        .filter(
            v -> {
              VehiclePlan p = planOf(v);
              return p == null || remainingIds(p).isEmpty();
            })
        .toList();
  }

  RegionState apply(Event event) {
    if (event instanceof RegionConfigured e) {
      return new RegionState(e, orders, vehicles, plan, served, unavailable, cutoffs);
    } else if (event instanceof OrderAdded e) {
      RegionOrder o =
          new RegionOrder(
              e.orderId(), e.pickupPointId(), e.lat(), e.lng(), e.units(), false, e.urgent());
      return withOrders(pmap(orders).plus(e.orderId(), o));
    } else if (event instanceof OrderRemoved e) {
      return new RegionState(
          config,
          pmap(orders).minus(e.orderId()),
          vehicles,
          withoutOrder(plan, orders.get(e.orderId())),
          served,
          unavailable,
          cutoffs);
    } else if (event instanceof VehicleJoined e) {
      return new RegionState(
          config,
          orders,
          pmap(vehicles).plus(e.vehicleId(), e.capacity()),
          plan,
          served,
          pset(unavailable).minus(e.vehicleId()),
          cutoffs);
    } else if (event instanceof PlanCommitted e) {
      return committed(e);
    } else if (event instanceof StopServed e) {
      return stopServed(e);
    } else if (event instanceof VehicleUnavailable e) {
      return new RegionState(
          config, orders, vehicles, plan, served, pset(unavailable).plus(e.vehicleId()), cutoffs);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private RegionState withOrders(OrderedPMap<String, RegionOrder> next) {
    return new RegionState(config, next, vehicles, plan, served, unavailable, cutoffs);
  }

  /**
   * The new plan's stops carry only orders still open (one withdrawn while the plan was solved is
   * left out) and mark them dispatched; vehicles with a new route forget their served stops.
   */
  private RegionState committed(PlanCommitted e) {
    OrderedPMap<String, RegionOrder> open = pmap(orders);
    List<VehiclePlan> vehiclePlans = new ArrayList<>();
    OrderedPSet<ServedStop> stillServed = pset(served);
    for (VehiclePlan v : e.vehicles()) {
      VehiclePlan before = planOf(v.vehicleId());
      boolean kept = before != null && before.routeVersion() == v.routeVersion();
      if (kept) {
        vehiclePlans.add(v);
        continue;
      }
      for (ServedStop s : served) {
        if (s.vehicleId().equals(v.vehicleId())) stillServed = stillServed.minus(s);
      }
      List<RouteStop> stops = new ArrayList<>();
      for (RouteStop stop : v.stops()) {
        OrderedPMap<String, RegionOrder> current = open;
        List<String> live = stop.orderIds().stream().filter(id -> current.get(id) != null).toList();
        for (String id : live) open = open.plus(id, open.get(id).asDispatched());
        stops.add(live.size() == stop.orderIds().size() ? stop : stop.withOrderIds(live));
      }
      vehiclePlans.add(new VehiclePlan(v.vehicleId(), v.routeVersion(), stops, v.wave()));
    }
    for (ServedStop s : served) {
      if (e.vehicles().stream().noneMatch(v -> v.vehicleId().equals(s.vehicleId()))) {
        stillServed = stillServed.minus(s);
      }
    }
    OrderedPSet<String> recent = pset(cutoffs);
    if (!e.cutoffId().isEmpty()) recent = recent.plus(e.cutoffId());
    while (recent.size() > CUTOFFS_KEPT) recent = recent.minus(recent.iterator().next());
    PlanCommitted plan =
        new PlanCommitted(
            e.planVersion(), vehiclePlans, e.droppedStopIds(), e.cause(), e.atMs(), e.cutoffId());
    return new RegionState(config, open, vehicles, plan, stillServed, unavailable, recent);
  }

  /** The stop's orders are delivered: they leave the open orders. */
  private RegionState stopServed(StopServed e) {
    OrderedPMap<String, RegionOrder> open = pmap(orders);
    VehiclePlan v = planOf(e.vehicleId());
    if (v != null) {
      for (RouteStop stop : v.stops()) {
        if (stop.stopId().equals(e.stopId())) {
          for (String id : stop.orderIds()) open = open.minus(id);
        }
      }
    }
    return new RegionState(
        config,
        open,
        vehicles,
        plan,
        pset(served).plus(new ServedStop(e.vehicleId(), e.stopId())),
        unavailable,
        cutoffs);
  }

  /**
   * A withdrawn order is no longer handed over at its stop. Only the stops at its pickup point are
   * looked at (a regular stop has the point's id, an urgent one starts with it), so the cost does
   * not grow with the open orders.
   */
  private static PlanCommitted withoutOrder(PlanCommitted plan, RegionOrder order) {
    if (plan == null || order == null || !order.dispatched()) return plan;
    String point = order.pickupPointId();
    List<VehiclePlan> vehiclePlans = new ArrayList<>(plan.vehicles());
    boolean found = false;
    for (int i = 0; i < vehiclePlans.size(); i++) {
      VehiclePlan v = vehiclePlans.get(i);
      List<RouteStop> stops = null;
      for (int j = 0; j < v.stops().size(); j++) {
        RouteStop stop = v.stops().get(j);
        if (!stop.stopId().startsWith(point) || !stop.orderIds().contains(order.orderId()))
          continue;
        if (stops == null) stops = new ArrayList<>(v.stops());
        stops.set(
            j,
            stop.withOrderIds(
                stop.orderIds().stream().filter(id -> !id.equals(order.orderId())).toList()));
      }
      if (stops != null) {
        vehiclePlans.set(i, new VehiclePlan(v.vehicleId(), v.routeVersion(), stops, v.wave()));
        found = true;
      }
    }
    if (!found) return plan;
    return new PlanCommitted(
        plan.planVersion(),
        vehiclePlans,
        plan.droppedStopIds(),
        plan.cause(),
        plan.atMs(),
        plan.cutoffId());
  }

  private static <K, V> OrderedPMap<K, V> pmap(Map<K, V> m) {
    return m instanceof OrderedPMap<K, V> p ? p : OrderedPMap.from(m);
  }

  private static <T> OrderedPSet<T> pset(Set<T> s) {
    return s instanceof OrderedPSet<T> p ? p : OrderedPSet.from(s);
  }
}
