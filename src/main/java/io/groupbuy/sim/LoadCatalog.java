package io.groupbuy.sim;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.catalog.CatalogImport;
import io.groupbuy.forecast.PriceSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Command that loads SKUs and pickup points from the data sets into a running node through its
 * operator API.
 *
 * <pre>
 * java -cp … io.groupbuy.sim.LoadCatalog --data ../shared/data --api http://127.0.0.1:8080 --token $OP
 * </pre>
 */
public final class LoadCatalog {
  private static final int BATCH = 200; // keeps each body under the API's 64 KiB limit

  private LoadCatalog() {}

  /** {@code costQuotes}: the wholesale cost quotes written for the SKUs' cost forecasts. */
  public record Loaded(int skus, int pickupPoints, int costQuotes) {}

  /**
   * Each item's newest wholesale prices loaded as cost quotes by default: what a cost forecast fits
   * on (the newest, not the last days of the file: many items were last sold long before its end).
   */
  public static final int COST_QUOTES = 120;

  public static void main(String[] args) {
    String data = "../shared/data";
    String api = "http://127.0.0.1:8080";
    String token = System.getenv("GROUPBUY_OPERATOR_TOKEN");
    int costQuotes = COST_QUOTES;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data" -> data = args[i + 1];
        case "--api" -> api = args[i + 1];
        case "--token" -> token = args[i + 1];
        case "--cost-quotes" -> costQuotes = Integer.parseInt(args[i + 1]);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (token == null) usage("an operator token is needed (--token or GROUPBUY_OPERATOR_TOKEN)");
    if (costQuotes < 0) usage("--cost-quotes must be 0 or more");
    Loaded loaded = load(Path.of(data), new ApiClient(api), token, costQuotes);
    System.out.printf(
        "Loaded %d SKUs, %d pickup points and %d wholesale cost quotes into %s%n",
        loaded.skus(), loaded.pickupPoints(), loaded.costQuotes(), api);
  }

  public static Loaded load(Path dataDir, ApiClient api, String operatorToken) {
    return load(dataDir, api, operatorToken, COST_QUOTES);
  }

  /**
   * Loads the SKUs, the pickup points and, for each SKU, its newest {@code costQuotes} wholesale
   * prices as cost quotes ({@code PUT /costs/{sku}/quotes}).
   */
  public static Loaded load(Path dataDir, ApiClient api, String operatorToken, int costQuotes) {
    Path vegetables = dataDir.resolve("cumcm2023c_vegetables");
    Path lade = dataDir.resolve("lade_pickup_5cities");
    if (!Files.isDirectory(vegetables) || !Files.isDirectory(lade)) {
      throw new IllegalArgumentException(
          "expected cumcm2023c_vegetables/ and lade_pickup_5cities/ under "
              + dataDir.toAbsolutePath()
              + " (use --data DIR)");
    }
    List<Sku> skus = CatalogImport.skus(vegetables);
    List<PickupPoint> points = CatalogImport.pickupPoints(lade);
    for (int i = 0; i < skus.size(); i += BATCH) {
      put(
          api,
          operatorToken,
          "/catalog/skus",
          new SkuList(skus.subList(i, Math.min(skus.size(), i + BATCH))));
    }
    for (int i = 0; i < points.size(); i += BATCH) {
      put(
          api,
          operatorToken,
          "/catalog/pickup-points",
          new PickupPointList(points.subList(i, Math.min(points.size(), i + BATCH))));
    }
    int quotes = 0;
    if (costQuotes > 0) {
      Path prices = vegetables.resolve("wholesale_prices_train.csv");
      Map<String, String> categories = PriceSeries.categories(vegetables.resolve("items.csv"));
      for (PriceSeries.Item item : PriceSeries.read(prices, categories)) {
        List<Map<String, Object>> list = new ArrayList<>();
        newestQuotes(item, costQuotes)
            .forEach((day, cost) -> list.add(Map.of("day", day.toString(), "cost", cost)));
        if (list.isEmpty()) continue;
        put(api, operatorToken, "/costs/" + item.code() + "/quotes", Map.of("quotes", list));
        quotes += list.size();
      }
    }
    return new Loaded(skus.size(), points.size(), quotes);
  }

  /** The item's newest {@code count} observed prices, oldest first, by day. */
  public static java.util.SortedMap<java.time.LocalDate, Double> newestQuotes(
      PriceSeries.Item item, int count) {
    java.util.TreeMap<java.time.LocalDate, Double> newest = new java.util.TreeMap<>();
    for (int t = item.price().length - 1; t >= 0 && newest.size() < count; t--)
      if (item.observed()[t]) newest.put(item.first().plusDays(t), item.price()[t]);
    return newest;
  }

  private static void put(ApiClient api, String token, String path, Object body) {
    ApiClient.Reply r = api.call("PUT", path, token, body);
    if (!r.ok())
      throw new IllegalStateException("PUT " + path + " failed: " + r.status() + " " + r.raw());
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: LoadCatalog [--data DIR] [--api URL] [--token OPERATOR_TOKEN] [--cost-quotes "
            + COST_QUOTES
            + "]");
    System.exit(2);
  }
}
