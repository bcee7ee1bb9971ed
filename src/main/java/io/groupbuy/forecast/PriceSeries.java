package io.groupbuy.forecast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Daily wholesale prices per item in the CUMCM 2023 C layout ({@code date,item_code,price} with a
 * header; an item has rows only on days it was bought), made into one daily series per item from
 * its first purchase to the last date in the file: a day without a purchase carries the last price
 * forward (what a buyer would assume), and is marked unobserved so that no error is scored on it.
 */
public final class PriceSeries {
  /** One item's series: values from {@code first}, and which days had a real purchase. */
  public record Item(
      String code, String category, LocalDate first, double[] price, boolean[] observed) {
    /** Index of {@code day} in the series (negative before the first purchase). */
    public int indexOf(LocalDate day) {
      return (int) ChronoUnit.DAYS.between(first, day);
    }

    public LocalDate day(int index) {
      return first.plusDays(index);
    }

    /** Observed days up to and including index {@code last}. */
    public int observedUpTo(int last) {
      int n = 0;
      for (int t = 0; t <= last && t < observed.length; t++) if (observed[t]) n++;
      return n;
    }
  }

  private PriceSeries() {}

  /**
   * Reads the prices; {@code categories} maps item codes to category names (items without one are
   * in category "?"). Rows that are not a date, a code and a positive number fail with the line.
   */
  public static List<Item> read(Path prices, Map<String, String> categories) {
    Map<String, TreeMap<LocalDate, Double>> byItem = new LinkedHashMap<>();
    LocalDate last = null;
    try (BufferedReader in = Files.newBufferedReader(prices, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) throw new IllegalArgumentException(prices + " is empty");
      String line;
      int number = 1;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) continue;
        String[] f = line.split(",");
        try {
          if (f.length < 3) throw new IllegalArgumentException("expected date,item_code,price");
          LocalDate day = LocalDate.parse(f[0].trim());
          double price = Double.parseDouble(f[2].trim());
          if (!(price > 0) || !Double.isFinite(price))
            throw new IllegalArgumentException("price must be positive");
          byItem.computeIfAbsent(f[1].trim(), k -> new TreeMap<>()).merge(day, price, (a, b) -> b);
          if (last == null || day.isAfter(last)) last = day;
        } catch (DateTimeParseException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              prices + " line " + number + " (" + line + "): " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Item> items = new ArrayList<>();
    for (var entry : byItem.entrySet()) {
      TreeMap<LocalDate, Double> rows = entry.getValue();
      LocalDate first = rows.firstKey();
      int days = (int) ChronoUnit.DAYS.between(first, last) + 1;
      double[] price = new double[days];
      boolean[] observed = new boolean[days];
      double carried = rows.firstEntry().getValue();
      for (int t = 0; t < days; t++) {
        Double v = rows.get(first.plusDays(t));
        if (v != null) {
          carried = v;
          observed[t] = true;
        }
        price[t] = carried;
      }
      items.add(
          new Item(
              entry.getKey(),
              categories.getOrDefault(entry.getKey(), "?"),
              first,
              price,
              observed));
    }
    return items;
  }

  /** {@code item_code,item_name,category_code,category_name}: item code to category name. */
  public static Map<String, String> categories(Path items) {
    Map<String, String> out = new HashMap<>();
    if (items == null || !Files.exists(items)) return out;
    try {
      List<String> lines = Files.readAllLines(items, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.split(",");
        if (f.length >= 4) out.put(f[0].trim(), f[3].trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
