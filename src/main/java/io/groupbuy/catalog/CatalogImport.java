package io.groupbuy.catalog;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.Sku;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the assortment and pickup points from the public data sets (no actor code): SKUs from CUMCM
 * 2023 C {@code items.csv} with the latest {@code wholesale_prices_train.csv} price as cost; pickup
 * points from LaDe-P {@code pickup_tasks_train.csv}, one per (city, AOI), at the mean task
 * coordinate.
 */
public final class CatalogImport {
  private CatalogImport() {}

  public static List<Sku> skus(Path vegetablesDir) {
    Map<String, String[]> latestPrice = new HashMap<>(); // item -> [date, price]
    forEachRow(
        vegetablesDir.resolve("wholesale_prices_train.csv"),
        3,
        row -> {
          String[] seen = latestPrice.get(row[1]);
          if (seen == null || seen[0].compareTo(row[0]) < 0)
            latestPrice.put(row[1], new String[] {row[0], row[2]});
        });
    List<Sku> skus = new ArrayList<>();
    forEachRow(
        vegetablesDir.resolve("items.csv"),
        4,
        row -> {
          String[] price = latestPrice.get(row[0]);
          double cost = price == null ? 0.0 : Double.parseDouble(price[1]);
          skus.add(new Sku(row[0], row[1], row[3], cost));
        });
    return skus;
  }

  public static List<PickupPoint> pickupPoints(Path ladeDir) {
    Path file = ladeDir.resolve("pickup_tasks_train.csv");
    Map<String, double[]> sums = new LinkedHashMap<>(); // key -> [lat sum, lng sum, count]
    Map<String, String> cityOf = new HashMap<>();
    forEachRowWithHeader(
        file,
        (header, row) -> {
          String city = row[header.get("city")];
          String aoi = row[header.get("aoi_id")];
          String lat = row[header.get("lat")];
          String lng = row[header.get("lng")];
          if (city.isBlank() || aoi.isBlank() || lat.isBlank() || lng.isBlank()) return;
          String id = "pp-" + city.toLowerCase(Locale.ROOT) + "-" + aoi;
          double[] s = sums.computeIfAbsent(id, k -> new double[3]);
          s[0] += Double.parseDouble(lat);
          s[1] += Double.parseDouble(lng);
          s[2] += 1;
          cityOf.put(id, city);
        });
    List<PickupPoint> points = new ArrayList<>();
    sums.forEach(
        (id, s) -> {
          String city = cityOf.get(id);
          points.add(
              new PickupPoint(
                  id,
                  city + " AOI " + id.substring(id.lastIndexOf('-') + 1),
                  city,
                  round(s[0] / s[2]),
                  round(s[1] / s[2]),
                  warehouseFor(city)));
        });
    return points;
  }

  /** One regional warehouse per city. */
  public static String warehouseFor(String city) {
    return "wh-" + city.toLowerCase(Locale.ROOT);
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  private interface RowConsumer {
    void accept(String[] row);
  }

  private interface HeaderRowConsumer {
    void accept(Map<String, Integer> header, String[] row);
  }

  private static void forEachRow(Path file, int minColumns, RowConsumer consumer) {
    forEachRowWithHeader(
        file,
        (header, row) -> {
          if (row.length >= minColumns) consumer.accept(row);
        });
  }

  // The data sets are plain CSV without quoted commas (checked for these files), so a split is
  // enough.
  private static void forEachRowWithHeader(Path file, HeaderRowConsumer consumer) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null) return;
      String[] names = first.replace("\uFEFF", "").split(",", -1);
      Map<String, Integer> header = new HashMap<>();
      for (int i = 0; i < names.length; i++) header.put(names[i].trim(), i);
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        String[] row = line.split(",", -1);
        if (row.length < names.length) continue;
        consumer.accept(header, row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }
}
