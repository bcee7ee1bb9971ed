package io.groupbuy.bench;

import com.graphhopper.jsprit.core.algorithm.VehicleRoutingAlgorithm;
import com.graphhopper.jsprit.core.algorithm.box.Jsprit;
import com.graphhopper.jsprit.core.algorithm.termination.TimeTermination;
import com.graphhopper.jsprit.core.problem.Location;
import com.graphhopper.jsprit.core.problem.VehicleRoutingProblem;
import com.graphhopper.jsprit.core.problem.job.Job;
import com.graphhopper.jsprit.core.problem.job.Service;
import com.graphhopper.jsprit.core.problem.solution.VehicleRoutingProblemSolution;
import com.graphhopper.jsprit.core.problem.solution.route.VehicleRoute;
import com.graphhopper.jsprit.core.problem.solution.route.activity.TimeWindow;
import com.graphhopper.jsprit.core.problem.solution.route.activity.TourActivity;
import com.graphhopper.jsprit.core.problem.vehicle.VehicleImpl;
import com.graphhopper.jsprit.core.problem.vehicle.VehicleTypeImpl;
import com.graphhopper.jsprit.core.util.Coordinate;
import com.graphhopper.jsprit.core.util.Solutions;
import io.groupbuy.routing.RouteChecker;
import io.groupbuy.routing.VrptwProblem;
import io.groupbuy.routing.VrptwSolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * jsprit's default algorithm on the same problem, one thread, stopped by a time limit: the
 * independent baseline of {@code bench/routing}. Euclidean crow-fly costs with travel time =
 * distance, as in the Solomon convention.
 */
final class JspritSolver {
  private JspritSolver() {}

  static VrptwSolution solve(VrptwProblem p, Duration limit, double vehicleFixedCost) {
    long started = System.nanoTime();
    VrptwProblem.Stop depot = p.depot();
    var type =
        VehicleTypeImpl.Builder.newInstance("vehicle")
            .addCapacityDimension(0, p.capacity())
            .setFixedCost(vehicleFixedCost)
            .setCostPerDistance(1.0)
            .build();
    var builder =
        VehicleRoutingProblem.Builder.newInstance()
            .setFleetSize(VehicleRoutingProblem.FleetSize.FINITE);
    Location depotLocation =
        Location.Builder.newInstance()
            .setId("depot")
            .setCoordinate(Coordinate.newInstance(depot.x(), depot.y()))
            .build();
    for (int v = 0; v < p.maxVehicles(); v++) {
      builder.addVehicle(
          VehicleImpl.Builder.newInstance("v" + v)
              .setStartLocation(depotLocation)
              .setEarliestStart(depot.readyTime())
              .setLatestArrival(depot.dueTime())
              .setType(type)
              .build());
    }
    for (VrptwProblem.Stop c : p.customers()) {
      builder.addJob(
          Service.Builder.newInstance(String.valueOf(c.id()))
              .addSizeDimension(0, c.demand())
              .setLocation(
                  Location.Builder.newInstance()
                      .setId(String.valueOf(c.id()))
                      .setCoordinate(Coordinate.newInstance(c.x(), c.y()))
                      .build())
              .setServiceTime(c.serviceTime())
              .setTimeWindow(TimeWindow.newInstance(c.readyTime(), c.dueTime()))
              .build());
    }
    VehicleRoutingProblem vrp = builder.build();
    VehicleRoutingAlgorithm algorithm =
        Jsprit.Builder.newInstance(vrp)
            .setProperty(Jsprit.Parameter.THREADS, "1")
            .setRandom(new Random(1))
            .buildAlgorithm();
    algorithm.setMaxIterations(Integer.MAX_VALUE);
    TimeTermination termination = new TimeTermination(limit.toMillis());
    algorithm.setPrematureAlgorithmTermination(termination);
    algorithm.addListener(termination);
    VehicleRoutingProblemSolution best = Solutions.bestOf(algorithm.searchSolutions());
    List<List<Integer>> routes = new ArrayList<>();
    for (VehicleRoute route : best.getRoutes()) {
      List<Integer> ids = new ArrayList<>();
      for (TourActivity a : route.getActivities()) {
        if (a instanceof TourActivity.JobActivity job)
          ids.add(Integer.parseInt(job.getJob().getId()));
      }
      if (!ids.isEmpty()) routes.add(ids);
    }
    List<Integer> dropped =
        best.getUnassignedJobs().stream().map(Job::getId).map(Integer::parseInt).toList();
    return new VrptwSolution(
        routes,
        dropped,
        RouteChecker.distance(p, routes),
        (System.nanoTime() - started) / 1_000_000);
  }
}
