package io.groupbuy.routing;

import io.groupbuy.routing.VrptwProblem.Stop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Solomon / Gehring–Homberger VRPTW text files: a name line, {@code VEHICLE} with {@code
 * NUMBER CAPACITY}, then {@code CUSTOMER} rows {@code CUST NO. XCOORD. YCOORD. DEMAND READY TIME
 * DUE DATE SERVICE TIME}; row 0 is the depot. Header words are located by content, so spacing and
 * blank lines do not matter.
 */
public final class SolomonFormat {
  private SolomonFormat() {}

  public static VrptwProblem read(Path file) {
    try {
      return parse(
          file.getFileName().toString().replaceFirst("\\.[^.]*$", ""), Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  static VrptwProblem parse(String fallbackName, List<String> lines) {
    String name = fallbackName;
    int vehicles = -1;
    int capacity = -1;
    List<Stop> stops = new ArrayList<>();
    boolean inVehicle = false;
    boolean inCustomers = false;
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty()) continue;
      String upper = line.toUpperCase();
      if (name.equals(fallbackName)
          && stops.isEmpty()
          && vehicles < 0
          && !upper.startsWith("VEHICLE")
          && !inVehicle
          && !inCustomers
          && !Character.isDigit(line.charAt(0))) {
        name = line;
        continue;
      }
      if (upper.startsWith("VEHICLE")) {
        inVehicle = true;
        continue;
      }
      if (upper.startsWith("CUSTOMER")) {
        inVehicle = false;
        inCustomers = true;
        continue;
      }
      if (!Character.isDigit(line.charAt(0)) && line.charAt(0) != '-') continue; // column titles
      String[] f = line.split("\\s+");
      if (inVehicle && f.length >= 2) {
        vehicles = Integer.parseInt(f[0]);
        capacity = Integer.parseInt(f[1]);
      } else if (inCustomers) {
        if (f.length < 7)
          throw new IllegalArgumentException("customer row needs 7 numbers: " + line);
        stops.add(
            new Stop(
                Integer.parseInt(f[0]),
                Double.parseDouble(f[1]),
                Double.parseDouble(f[2]),
                Integer.parseInt(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                Double.parseDouble(f[6])));
      }
    }
    if (vehicles < 0 || stops.size() < 2) {
      throw new IllegalArgumentException(
          fallbackName + ": not a Solomon-format file (VEHICLE and CUSTOMER sections)");
    }
    return new VrptwProblem(
        name,
        stops.get(0),
        stops.subList(1, stops.size()),
        vehicles,
        capacity,
        VrptwProblem.Distance.EUCLIDEAN);
  }
}
