package io.groupbuy.sim;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.PickupPointList;
import io.groupbuy.catalog.CatalogData.Sku;
import io.groupbuy.catalog.CatalogData.SkuList;
import io.groupbuy.catalog.CatalogImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

  public record Loaded(int skus, int pickupPoints) {}

  public static void main(String[] args) {
    String data = "../shared/data";
    String api = "http://127.0.0.1:8080";
    String token = System.getenv("GROUPBUY_OPERATOR_TOKEN");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data" -> data = args[i + 1];
        case "--api" -> api = args[i + 1];
        case "--token" -> token = args[i + 1];
        default -> usage("unknown option " + args[i]);
      }
    }
    if (token == null) usage("an operator token is needed (--token or GROUPBUY_OPERATOR_TOKEN)");
    Loaded loaded = load(Path.of(data), new ApiClient(api), token);
    System.out.printf(
        "Loaded %d SKUs and %d pickup points into %s%n", loaded.skus(), loaded.pickupPoints(), api);
  }

  public static Loaded load(Path dataDir, ApiClient api, String operatorToken) {
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
    return new Loaded(skus.size(), points.size());
  }

  private static void put(ApiClient api, String token, String path, Object body) {
    ApiClient.Reply r = api.call("PUT", path, token, body);
    if (!r.ok())
      throw new IllegalStateException("PUT " + path + " failed: " + r.status() + " " + r.raw());
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: LoadCatalog [--data DIR] [--api URL] [--token OPERATOR_TOKEN]");
    System.exit(2);
  }
}
