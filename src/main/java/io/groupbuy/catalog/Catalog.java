package io.groupbuy.catalog;

import io.groupbuy.catalog.CatalogData.PickupPoint;
import io.groupbuy.catalog.CatalogData.Sku;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * SKUs and pickup points, stored in Cassandra and cached on every node. Lookups are served from
 * memory; a miss reads the one row from Cassandra, so an entry written through another node is seen
 * at once. Lists are refreshed every 30 s and after each write through this node.
 */
public final class Catalog {
  private final CassandraSession session;
  private final String keyspace;
  private volatile Map<String, Sku> skus = Map.of();
  private volatile Map<String, PickupPoint> pickupPoints = Map.of();
  private volatile Set<String> warehouses;
  private final String defaultWarehouse;

  public Catalog(ActorSystem<?> system, String defaultWarehouse) {
    this.defaultWarehouse = defaultWarehouse;
    this.warehouses = Set.of(defaultWarehouse);
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.keyspace =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace");
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            () -> reload(),
            system.executionContext());
  }

  /** Creates the catalog tables if missing (the keyspace must exist: the journal's). */
  public CompletionStage<Void> createTables() {
    return session
        .executeDDL(
            "CREATE TABLE IF NOT EXISTS "
                + keyspace
                + ".catalog_sku ("
                + "sku text PRIMARY KEY, name text, category text, cost double)")
        .thenCompose(
            d ->
                session.executeDDL(
                    "CREATE TABLE IF NOT EXISTS "
                        + keyspace
                        + ".pickup_point ("
                        + "id text PRIMARY KEY, name text, city text, lat double, lng double, warehouse_id text)"))
        .thenCompose(d -> reload())
        .thenApply(d -> null);
  }

  public CompletionStage<Integer> putSkus(List<Sku> list) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (Sku s : list) {
      writes.add(
          session
              .executeWrite(
                  "INSERT INTO "
                      + keyspace
                      + ".catalog_sku (sku, name, category, cost) "
                      + "VALUES (?, ?, ?, ?)",
                  s.sku(),
                  s.name(),
                  s.category(),
                  s.cost())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(d -> reload())
        .thenApply(d -> list.size());
  }

  public CompletionStage<Integer> putPickupPoints(List<PickupPoint> list) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (PickupPoint p : list) {
      writes.add(
          session
              .executeWrite(
                  "INSERT INTO "
                      + keyspace
                      + ".pickup_point "
                      + "(id, name, city, lat, lng, warehouse_id) VALUES (?, ?, ?, ?, ?, ?)",
                  p.id(),
                  p.name(),
                  p.city(),
                  p.lat(),
                  p.lng(),
                  p.warehouseId())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(d -> reload())
        .thenApply(d -> list.size());
  }

  public CompletionStage<Void> reload() {
    CompletionStage<Map<String, Sku>> s =
        session
            .selectAll("SELECT sku, name, category, cost FROM " + keyspace + ".catalog_sku")
            .thenApply(
                rows -> {
                  Map<String, Sku> m = new HashMap<>();
                  rows.forEach(
                      r ->
                          m.put(
                              r.getString("sku"),
                              new Sku(
                                  r.getString("sku"),
                                  r.getString("name"),
                                  r.getString("category"),
                                  r.getDouble("cost"))));
                  return m;
                });
    CompletionStage<Map<String, PickupPoint>> p =
        session
            .selectAll(
                "SELECT id, name, city, lat, lng, warehouse_id "
                    + "FROM "
                    + keyspace
                    + ".pickup_point")
            .thenApply(
                rows -> {
                  Map<String, PickupPoint> m = new HashMap<>();
                  rows.forEach(
                      r ->
                          m.put(
                              r.getString("id"),
                              new PickupPoint(
                                  r.getString("id"),
                                  r.getString("name"),
                                  r.getString("city"),
                                  r.getDouble("lat"),
                                  r.getDouble("lng"),
                                  r.getString("warehouse_id"))));
                  return m;
                });
    return s.thenCombine(
        p,
        (sm, pm) -> {
          skus = Map.copyOf(sm);
          pickupPoints = Map.copyOf(pm);
          var ws = new HashSet<String>();
          ws.add(defaultWarehouse);
          pm.values().forEach(pp -> ws.add(pp.warehouseId()));
          warehouses = Set.copyOf(ws);
          return null;
        });
  }

  /**
   * Every SKU id and every warehouse, read afresh from Cassandra (for jobs that go over the whole
   * assortment).
   */
  public CompletionStage<Map.Entry<List<String>, List<String>>> skusAndWarehouses() {
    return reload()
        .thenApply(
            d ->
                Map.entry(
                    skus.keySet().stream().sorted().toList(),
                    warehouses.stream().sorted().toList()));
  }

  /**
   * A SKU; a miss reads its row from Cassandra, so an entry written through another node is found
   * at once.
   */
  public CompletionStage<Optional<Sku>> sku(String id) {
    Sku hit = skus.get(id);
    if (hit != null) return CompletableFuture.completedFuture(Optional.of(hit));
    return session
        .selectOne(
            "SELECT sku, name, category, cost FROM " + keyspace + ".catalog_sku WHERE sku = ?", id)
        .thenApply(
            row ->
                row.map(
                    r -> {
                      Sku sku =
                          new Sku(
                              r.getString("sku"),
                              r.getString("name"),
                              r.getString("category"),
                              r.getDouble("cost"));
                      Map<String, Sku> copy = new HashMap<>(skus);
                      copy.put(sku.sku(), sku);
                      skus = Map.copyOf(copy);
                      return sku;
                    }));
  }

  /** A pickup point; a miss reads its row from Cassandra, as for SKUs. */
  public CompletionStage<Optional<PickupPoint>> pickupPoint(String id) {
    PickupPoint hit = pickupPoints.get(id);
    if (hit != null) return CompletableFuture.completedFuture(Optional.of(hit));
    return session
        .selectOne(
            "SELECT id, name, city, lat, lng, warehouse_id FROM "
                + keyspace
                + ".pickup_point WHERE id = ?",
            id)
        .thenApply(
            row ->
                row.map(
                    r -> {
                      PickupPoint point =
                          new PickupPoint(
                              r.getString("id"),
                              r.getString("name"),
                              r.getString("city"),
                              r.getDouble("lat"),
                              r.getDouble("lng"),
                              r.getString("warehouse_id"));
                      Map<String, PickupPoint> copy = new HashMap<>(pickupPoints);
                      copy.put(point.id(), point);
                      pickupPoints = Map.copyOf(copy);
                      var ws = new HashSet<>(warehouses);
                      ws.add(point.warehouseId());
                      warehouses = Set.copyOf(ws);
                      return point;
                    }));
  }

  /**
   * Whether a warehouse serves a pickup point (or is the default). A miss waits for a reload that
   * starts after it, so pickup points written through another node count; misses share reloads, at
   * most one running and one queued.
   */
  public CompletionStage<Boolean> hasWarehouse(String id) {
    if (warehouses.contains(id)) return CompletableFuture.completedFuture(true);
    return freshReload().thenApply(d -> warehouses.contains(id));
  }

  private final Object reloadLock = new Object();
  private CompletableFuture<Void> reloadInFlight = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> reloadQueued;

  private CompletionStage<Void> freshReload() {
    synchronized (reloadLock) {
      if (reloadQueued != null) return reloadQueued;
      CompletableFuture<Void> queued = new CompletableFuture<>();
      reloadQueued = queued;
      reloadInFlight.whenComplete(
          (done, failure) -> {
            synchronized (reloadLock) {
              if (reloadQueued == queued) reloadQueued = null;
              reloadInFlight = queued;
            }
            reload()
                .whenComplete(
                    (d, e) -> {
                      if (e != null) queued.completeExceptionally(e);
                      else queued.complete(null);
                    });
          });
      return queued;
    }
  }

  /** Whether the SKU is in the catalog as last loaded (no read of the database). */
  public boolean knownSku(String id) {
    return skus.containsKey(id);
  }

  /** Warehouses that serve at least one pickup point, plus the configured default. */
  public Set<String> warehouses() {
    return warehouses;
  }

  public List<Sku> skuList() {
    return skus.values().stream().sorted(Comparator.comparing(Sku::sku)).toList();
  }

  public List<PickupPoint> pickupPointList() {
    return pickupPoints.values().stream().sorted(Comparator.comparing(PickupPoint::id)).toList();
  }
}
