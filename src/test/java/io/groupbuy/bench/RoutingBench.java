package io.groupbuy.bench;

import com.google.ortools.Loader;
import io.groupbuy.routing.RouteChecker;
import io.groupbuy.routing.SolomonFormat;
import io.groupbuy.routing.VrptwProblem;
import io.groupbuy.routing.VrptwSolution;
import io.groupbuy.routing.VrptwSolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Solves Solomon / Gehring–Homberger VRPTW files with each solver at the same time limit and
 * compares them with the best known solutions. Every solution is verified by {@link RouteChecker}
 * (exact distances) before it is counted.
 *
 * <p>BKS: the hierarchical columns ({@code bks_vehicles}, {@code bks_distance}: fewest vehicles,
 * then distance, exact Euclidean distances) of a {@code bks.csv} beside the instances, if there is
 * one. Distance gaps are reported only on instances solved with the BKS vehicle count; the
 * distance-only BKS ({@code dist_only_distance}) is shown too.
 *
 * <p>{@code bench/routing [--time-limit SECONDS] [--routes-out DIR] [--bks FILE] [--solvers
 * groupbuy,ortools-plain,jsprit] FILE_OR_DIR...}
 */
public final class RoutingBench {
  private RoutingBench() {}

  record Bks(int vehicles, double distance, double distanceOnly) {}

  record Result(String solver, VrptwSolution solution, List<String> violations) {}

  public static void main(String[] args) throws IOException {
    double seconds = 10;
    Path routesOut = null;
    Path bksFile = null;
    List<String> only = null;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--time-limit" -> seconds = Double.parseDouble(args[++i]);
        case "--routes-out" -> routesOut = Path.of(args[++i]);
        case "--bks" -> bksFile = Path.of(args[++i]);
        case "--solvers" -> only = List.of(args[++i].split(","));
        default -> inputs.add(Path.of(args[i]));
      }
    }
    if (inputs.isEmpty()) inputs.add(Path.of("../shared/data/solomon"));
    for (Path in : inputs) {
      if (!Files.exists(in)) {
        System.err.println(
            "no such file or directory: "
                + in
                + "\nusage: bench/routing [--time-limit SECONDS] [--routes-out DIR] [--bks FILE] FILE_OR_DIR...");
        System.exit(2);
      }
    }
    List<Path> files = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        try (Stream<Path> s = Files.list(in)) {
          s.filter(f -> f.toString().toLowerCase().endsWith(".txt")).sorted().forEach(files::add);
        }
        if (bksFile == null && Files.exists(in.resolve("bks.csv"))) bksFile = in.resolve("bks.csv");
      } else {
        files.add(in);
        if (bksFile == null && Files.exists(in.resolveSibling("bks.csv")))
          bksFile = in.resolveSibling("bks.csv");
      }
    }
    Map<String, Bks> bks = bksFile == null ? Map.of() : readBks(bksFile);
    Duration limit = Duration.ofMillis(Math.round(seconds * 1000));
    Map<String, Function<VrptwProblem, VrptwSolution>> solvers = new LinkedHashMap<>();
    solvers.put("groupbuy", p -> VrptwSolver.solve(p, VrptwSolver.Options.hierarchical(limit)));
    // the plain OR-Tools model with the objective it would be given for this task: vehicles first
    solvers.put(
        "ortools-plain", p -> VrptwSolver.solve(p, VrptwSolver.Options.plainVehiclesFirst(limit)));
    double fixedCost = VrptwSolver.Options.hierarchical(limit).vehicleFixedCost();
    solvers.put("jsprit", p -> JspritSolver.solve(p, limit, fixedCost));
    if (only != null) solvers.keySet().retainAll(only);

    // the native solver loads on first use (about half a second): not inside anyone's wall time
    Loader.loadNativeLibraries();
    System.out.printf(
        "VRPTW benchmark: %d instance(s), %.1f s per instance per solver, BKS from %s%n",
        files.size(), seconds, bksFile == null ? "(none)" : bksFile);
    System.out.printf(
        "%-10s %-14s %4s %10s %5s %9s %9s %9s %8s%n",
        "instance",
        "solver",
        "veh",
        "distance",
        "drop",
        "bks veh",
        "gap hier",
        "gap dist",
        "wall s");
    // solver -> [vehicles, gapSum, gapCount, distGapSum, n, worst wall / limit]
    Map<String, double[]> totals = new LinkedHashMap<>();
    int bksVehicles = 0;
    int done = 0;
    for (Path file : files) {
      VrptwProblem p = SolomonFormat.read(file);
      Bks best = bks.get(p.name().toUpperCase());
      if (best != null) bksVehicles += best.vehicles();
      done++;
      for (var solver : solvers.entrySet()) {
        long started = System.nanoTime();
        VrptwSolution s = solver.getValue().apply(p);
        double wall = (System.nanoTime() - started) / 1e9;
        List<String> violations = RouteChecker.violations(p, s);
        if (!violations.isEmpty()) {
          System.out.printf(
              "%-10s %-14s INFEASIBLE: %s%n", p.name(), solver.getKey(), violations.get(0));
          continue;
        }
        double[] t = totals.computeIfAbsent(solver.getKey(), k -> new double[6]);
        t[0] += s.vehicles();
        t[5] = Math.max(t[5], wall / seconds);
        String gapHier = "-";
        String gapDist = "-";
        if (best != null && !Double.isNaN(best.distanceOnly())) {
          double distGap = 100 * (s.distance() - best.distanceOnly()) / best.distanceOnly();
          gapDist = String.format("%+.2f%%", distGap);
          t[3] += distGap;
          t[4]++;
        }
        if (best != null) {
          if (s.vehicles() == best.vehicles()) {
            double g = 100 * (s.distance() - best.distance()) / best.distance();
            gapHier = String.format("%+.2f%%", g);
            t[1] += g;
            t[2]++;
          }
        }
        System.out.printf(
            "%-10s %-14s %4d %10.2f %5d %9s %9s %9s %8.1f%n",
            p.name(),
            solver.getKey(),
            s.vehicles(),
            s.distance(),
            s.dropped().size(),
            best == null ? "-" : String.valueOf(best.vehicles()),
            gapHier,
            gapDist,
            wall);
        if (routesOut != null) {
          Files.createDirectories(routesOut);
          Files.writeString(
              routesOut.resolve(p.name() + "." + solver.getKey() + ".txt"), s.toText());
        }
      }
      System.out.printf("  [%d/%d done]%n", done, files.size());
    }
    System.out.println();
    System.out.printf(
        "%-14s %9s %12s %22s %20s %16s%n",
        "solver",
        "vehicles",
        "vs BKS veh",
        "mean gap hier (n)",
        "mean gap dist-only",
        "worst wall/limit");
    for (var e : totals.entrySet()) {
      double[] t = e.getValue();
      System.out.printf(
          "%-14s %9.0f %+11.1f%% %15s (%2.0f) %19s %15.3f%n",
          e.getKey(),
          t[0],
          bksVehicles == 0 ? 0 : 100 * (t[0] - bksVehicles) / bksVehicles,
          t[2] == 0 ? "-" : String.format("%+.2f%%", t[1] / t[2]),
          t[2],
          t[4] == 0 ? "-" : String.format("%+.2f%%", t[3] / t[4]),
          t[5]);
    }
    if (bksVehicles > 0) System.out.printf("BKS total vehicles: %d%n", bksVehicles);
  }

  static Map<String, Bks> readBks(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",");
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.length; i++) col.put(header[i].trim(), i);
    Map<String, Bks> out = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length < 3 || f[0].isBlank()) continue;
      // the distance-only column is optional: many published tables give only the hierarchical best
      Integer distOnly = col.get("dist_only_distance");
      out.put(
          f[col.get("instance")].trim().toUpperCase(),
          new Bks(
              Integer.parseInt(f[col.get("bks_vehicles")].trim()),
              Double.parseDouble(f[col.get("bks_distance")].trim()),
              distOnly == null || f[distOnly].isBlank()
                  ? Double.NaN
                  : Double.parseDouble(f[distOnly].trim())));
    }
    return out;
  }
}
