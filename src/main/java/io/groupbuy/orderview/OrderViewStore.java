package io.groupbuy.orderview;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.groupbuy.order.Order;
import io.groupbuy.orderview.ViewChanges.OrderRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The order read models in Cassandra: a customer's orders (newest first, paged), the orders a
 * pickup point hands out on a delivery date, and confirmed demand per SKU, warehouse and day. Rows
 * are keyed by order id within their partition and written with the order's latest status, so every
 * write is an idempotent upsert or delete. The rows of one partition in a run go in one unlogged
 * batch: one mutation each.
 *
 * <p>A {@code suffix} names a second set of tables, which a rebuild fills from the journal to be
 * compared with the live one.
 */
public final class OrderViewStore {
  private static final String PROFILE = "pekko-persistence-cassandra-profile";

  /**
   * Confirmed demand, one partition per warehouse and day with a row per SKU and order: a run of a
   * ledger's events writes one mutation per warehouse and day it touches rather than one per SKU.
   * It replaced {@code confirmed_demand}, partitioned per SKU, which a rebuild does not fill.
   */
  static final String DEMAND = "daily_demand";

  public record PickupOrder(
      String orderId, String customerId, String status, Map<String, Integer> lines) {}

  public record Demand(String sku, String warehouseId, String day, long units, int orders) {}

  private final CassandraSession session;
  private final String keyspace;
  private final String suffix;
  private final ZoneId zone;
  private final Map<String, CompletionStage<PreparedStatement>> prepared =
      new ConcurrentHashMap<>();

  private final CustomerOrders customers;

  public OrderViewStore(
      CassandraSession session,
      String keyspace,
      String suffix,
      ZoneId zone,
      CustomerOrders.Settings customerSettings) {
    this.session = session;
    this.keyspace = keyspace;
    this.suffix = suffix;
    this.zone = zone;
    this.customers =
        new CustomerOrders(
            session, table(CustomerOrders.TABLE), zone, customerSettings, this::prepare);
  }

  /** The customers' own orders. */
  public CustomerOrders customers() {
    return customers;
  }

  private String table(String name) {
    return keyspace + "." + name + suffix;
  }

  public CompletionStage<Done> createTables() {
    return session
        .executeDDL(customers.createTable())
        .thenCompose(
            d ->
                session.executeDDL(
                    "CREATE TABLE IF NOT EXISTS "
                        + table("pickup_point_orders")
                        + " (pickup_point_id text, delivery_date text, order_id text,"
                        + " customer_id text, status text, lines map<text, int>,"
                        + " PRIMARY KEY ((pickup_point_id, delivery_date), order_id))"))
        .thenCompose(
            d ->
                session.executeDDL(
                    "CREATE TABLE IF NOT EXISTS "
                        + table(DEMAND)
                        + " (warehouse_id text, day text, sku text, order_id text, quantity int,"
                        + " PRIMARY KEY ((warehouse_id, day), sku, order_id))"));
  }

  /** The date the order is handed out: the day after its cutoff (next-day pickup). */
  public LocalDate deliveryDate(Order.Details d) {
    return Instant.ofEpochMilli(d.cutoffEpochMs()).atZone(zone).toLocalDate().plusDays(1);
  }

  /**
   * The sales day the order's demand counts in: the day of its cutoff, so a day's demand is what
   * the next delivery date hands out. It is the day the order was placed, but for orders placed
   * after the day's cutoff, which count in the next day.
   */
  public LocalDate demandDay(Order.Details d) {
    return Instant.ofEpochMilli(d.cutoffEpochMs()).atZone(zone).toLocalDate();
  }

  /** Writes the rows: one unlogged batch per partition touched. */
  public CompletionStage<Done> write(List<OrderRow> rows) {
    if (rows.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    CompletionStage<PreparedStatement> pickup =
        prepare(
            "INSERT INTO "
                + table("pickup_point_orders")
                + " (pickup_point_id, delivery_date, order_id, customer_id, status, lines)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
    CompletionStage<PreparedStatement> pickupDelete =
        prepare(
            "DELETE FROM "
                + table("pickup_point_orders")
                + " WHERE pickup_point_id = ? AND delivery_date = ? AND order_id = ?");
    CompletionStage<PreparedStatement> demand =
        prepare(
            "INSERT INTO "
                + table(DEMAND)
                + " (warehouse_id, day, sku, order_id, quantity) VALUES (?, ?, ?, ?, ?)");
    CompletionStage<PreparedStatement> demandDelete =
        prepare(
            "DELETE FROM "
                + table(DEMAND)
                + " WHERE warehouse_id = ? AND day = ? AND sku = ? AND order_id = ?");
    return customers
        .prepared()
        .thenCompose(
            c ->
                pickup.thenCompose(
                    p ->
                        pickupDelete.thenCompose(
                            pd ->
                                demand.thenCompose(
                                    dm ->
                                        demandDelete.thenCompose(
                                            dd -> writeAll(rows, c, p, pd, dm, dd))))));
  }

  private CompletionStage<Done> writeAll(
      List<OrderRow> rows,
      CustomerOrders.Prepared customer,
      PreparedStatement pickup,
      PreparedStatement pickupDelete,
      PreparedStatement demand,
      PreparedStatement demandDelete) {
    Map<String, List<BoundStatement>> partitions = new LinkedHashMap<>();
    for (OrderRow r : rows) {
      Order.Details d = r.details();
      Map<String, Integer> lines = lines(d);
      String delivery = deliveryDate(d).toString();
      partitions
          .computeIfAbsent(customers.partitionKey(d), k -> new ArrayList<>())
          .addAll(customers.statements(customer, r, lines, delivery));
      String pickupKey = "p|" + d.pickupPointId() + "|" + delivery;
      if (r.confirmed()) {
        partitions
            .computeIfAbsent(pickupKey, k -> new ArrayList<>())
            .add(
                pickup.bind(
                    d.pickupPointId(),
                    delivery,
                    r.orderId(),
                    d.customerId(),
                    r.status().name(),
                    lines));
      } else if (r.withdrawn()) {
        partitions
            .computeIfAbsent(pickupKey, k -> new ArrayList<>())
            .add(pickupDelete.bind(d.pickupPointId(), delivery, r.orderId()));
      }
      String day = demandDay(d).toString();
      String demandKey = "d|" + d.warehouseId() + "|" + day;
      for (var line : lines.entrySet()) {
        if (r.confirmed()) {
          partitions
              .computeIfAbsent(demandKey, k -> new ArrayList<>())
              .add(demand.bind(d.warehouseId(), day, line.getKey(), r.orderId(), line.getValue()));
        } else if (r.withdrawn()) {
          partitions
              .computeIfAbsent(demandKey, k -> new ArrayList<>())
              .add(demandDelete.bind(d.warehouseId(), day, line.getKey(), r.orderId()));
        }
      }
    }
    List<CompletableFuture<Done>> writes = new ArrayList<>();
    for (List<BoundStatement> statements : partitions.values()) {
      if (statements.size() == 1) {
        writes.add(
            session
                .executeWrite(statements.get(0).setExecutionProfileName(PROFILE))
                .toCompletableFuture());
      } else {
        BatchStatementBuilder b = BatchStatement.builder(BatchType.UNLOGGED);
        statements.forEach(b::addStatement);
        writes.add(
            session
                .executeWriteBatch(b.setExecutionProfileName(PROFILE).build())
                .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(v -> Done.getInstance());
  }

  private static Map<String, Integer> lines(Order.Details d) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    d.lines().forEach(l -> lines.merge(l.sku(), l.quantity(), Integer::sum));
    return lines;
  }

  /** The orders a pickup point hands out on the date, by order id. */
  public CompletionStage<List<PickupOrder>> pickupPointOrders(
      String pickupPointId, LocalDate date) {
    return session
        .selectAll(
            "SELECT order_id, customer_id, status, lines FROM "
                + table("pickup_point_orders")
                + " WHERE pickup_point_id = ? AND delivery_date = ?",
            pickupPointId,
            date.toString())
        .thenApply(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new PickupOrder(
                                r.getString("order_id"),
                                r.getString("customer_id"),
                                r.getString("status"),
                                r.getMap("lines", String.class, Integer.class)))
                    .toList());
  }

  /** Confirmed units of the SKU at the warehouse on the day, net of cancellations. */
  public CompletionStage<Demand> demand(String sku, String warehouseId, LocalDate day) {
    return session
        .selectAll(
            "SELECT order_id, quantity FROM "
                + table(DEMAND)
                + " WHERE warehouse_id = ? AND day = ? AND sku = ?",
            warehouseId,
            day.toString(),
            sku)
        .thenApply(
            rows ->
                new Demand(
                    sku,
                    warehouseId,
                    day.toString(),
                    rows.stream().mapToLong(r -> r.getInt("quantity")).sum(),
                    rows.size()));
  }

  /** Confirmed units per SKU at the warehouse on the sales day (one partition read). */
  public CompletionStage<Map<String, Long>> unitsBySku(String warehouseId, LocalDate day) {
    return session
        .selectAll(
            "SELECT sku, quantity FROM " + table(DEMAND) + " WHERE warehouse_id = ? AND day = ?",
            warehouseId,
            day.toString())
        .thenApply(
            rows -> {
              Map<String, Long> units = new java.util.TreeMap<>();
              for (Row r : rows)
                units.merge(r.getString("sku"), (long) r.getInt("quantity"), Long::sum);
              return units;
            });
  }

  /**
   * Confirmed units of a SKU at a warehouse on each day from {@code from} to {@code to} inclusive
   * (one partition read a day, all at once).
   */
  public CompletionStage<long[]> dailyUnits(
      String warehouseId, String sku, LocalDate from, LocalDate to) {
    int days = (int) java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
    List<CompletableFuture<Demand>> reads = new ArrayList<>();
    for (int d = 0; d < days; d++)
      reads.add(demand(sku, warehouseId, from.plusDays(d)).toCompletableFuture());
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              long[] units = new long[days];
              for (int d = 0; d < days; d++) units[d] = reads.get(d).join().units();
              return units;
            });
  }

  /** Every row of the three tables, as text, for comparing a rebuild with the live models. */
  public CompletionStage<Map<String, String>> dump() {
    Map<String, String> all = new HashMap<>();
    return dumpInto(all, CustomerOrders.TABLE, "bucket, day, customer_id, placed_at, order_id")
        .thenCompose(
            d -> dumpInto(all, "pickup_point_orders", "pickup_point_id, delivery_date, order_id"))
        .thenCompose(d -> dumpInto(all, DEMAND, "warehouse_id, day, sku, order_id"))
        .thenApply(d -> all);
  }

  private CompletionStage<Done> dumpInto(Map<String, String> all, String name, String key) {
    return session
        .selectAll("SELECT * FROM " + table(name))
        .thenApply(
            rows -> {
              for (Row r : rows) {
                StringBuilder k = new StringBuilder(name);
                for (String column : key.split(", ")) k.append('|').append(r.getObject(column));
                StringBuilder v = new StringBuilder();
                for (var def : r.getColumnDefinitions()) {
                  v.append(def.getName().asInternal())
                      .append('=')
                      .append(r.getObject(def.getName()))
                      .append(';');
                }
                all.put(k.toString(), v.toString());
              }
              return Done.getInstance();
            });
  }

  /** Empties the tables (before a rebuild into them). */
  public CompletionStage<Done> truncate() {
    return session
        .executeDDL("TRUNCATE " + table(CustomerOrders.TABLE))
        .thenCompose(d -> session.executeDDL("TRUNCATE " + table("pickup_point_orders")))
        .thenCompose(d -> session.executeDDL("TRUNCATE " + table(DEMAND)));
  }

  private CompletionStage<PreparedStatement> prepare(String cql) {
    return prepared.compute(
        cql,
        (k, before) ->
            before != null && !before.toCompletableFuture().isCompletedExceptionally()
                ? before
                : session.prepare(cql));
  }
}
