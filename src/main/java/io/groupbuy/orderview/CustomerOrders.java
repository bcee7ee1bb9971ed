package io.groupbuy.orderview;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.groupbuy.order.Order;
import io.groupbuy.orderview.ViewChanges.OrderRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * A customer's own orders, newest first. One partition holds the orders placed on one day by the
 * customers of one bucket (a hash of the customer id), clustered by customer, then newest first. So
 * a projection run writes one mutation per bucket and day it touches rather than one per customer,
 * and a page is read day by day, back from today to the history horizon.
 *
 * <p>Partitioned by customer alone, every order cost a write of its own: with 5,000 customers in
 * turn, 1.05 write statements per order in {@code bench/order-throughput}, a third of all.
 */
public final class CustomerOrders {
  static final String TABLE = "customer_day_orders";
  private static final String COLUMNS =
      "order_id, placed_at, status, pickup_point_id, warehouse_id, lines, delivery_date,"
          + " vehicle_id, total_fen";

  public record CustomerOrder(
      String orderId,
      long placedAtEpochMs,
      String status,
      String pickupPointId,
      String warehouseId,
      Map<String, Integer> lines,
      String deliveryDate,
      String vehicleId,
      Long totalFen) {}

  public record CustomerPage(List<CustomerOrder> orders, String next) {}

  /** Where a page ends: the last order shown. */
  public record Cursor(long placedAtEpochMs, String orderId) {
    public String token() {
      return placedAtEpochMs + "_" + orderId;
    }

    /** Empty when the token is not one this store gave out. */
    public static Optional<Cursor> parse(String token) {
      int cut = token.indexOf('_');
      if (cut < 1) return Optional.empty();
      try {
        return Optional.of(
            new Cursor(Long.parseLong(token.substring(0, cut)), token.substring(cut + 1)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * {@code buckets} customer buckets a day (fixed once rows exist: a change needs {@code
   * bin/rebuild-order-views --replace}); pages reach back {@code historyDays} days.
   */
  public record Settings(int buckets, int historyDays) {
    public Settings {
      if (buckets < 1) throw new IllegalArgumentException("customer-buckets must be at least 1");
      if (historyDays < 1)
        throw new IllegalArgumentException("customer-history-days must be at least 1");
    }

    public static Settings fromConfig(com.typesafe.config.Config c) {
      return new Settings(c.getInt("customer-buckets"), c.getInt("customer-history-days"));
    }
  }

  private final CassandraSession session;
  private final String table;
  private final ZoneId zone;
  private final Settings settings;
  private final Function<String, CompletionStage<PreparedStatement>> prepare;

  CustomerOrders(
      CassandraSession session,
      String table,
      ZoneId zone,
      Settings settings,
      Function<String, CompletionStage<PreparedStatement>> prepare) {
    this.session = session;
    this.table = table;
    this.zone = zone;
    this.settings = settings;
    this.prepare = prepare;
  }

  String createTable() {
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " (bucket int, day text, customer_id text, placed_at bigint, order_id text, status text,"
        + " pickup_point_id text, warehouse_id text, lines map<text, int>,"
        + " delivery_date text, vehicle_id text, total_fen bigint,"
        + " PRIMARY KEY ((bucket, day), customer_id, placed_at, order_id))"
        + " WITH CLUSTERING ORDER BY (customer_id ASC, placed_at DESC, order_id DESC)";
  }

  /** The bucket of a customer: a hash that stays the same across JVMs and versions. */
  public int bucketOf(String customerId) {
    return Math.floorMod(customerId.hashCode(), settings.buckets());
  }

  /** The day an order is filed under: the day it was placed, in the platform's time zone. */
  public LocalDate dayOf(long placedAtEpochMs) {
    return Instant.ofEpochMilli(placedAtEpochMs).atZone(zone).toLocalDate();
  }

  /** The partition a row goes to, as a key for grouping a run's statements. */
  String partitionKey(Order.Details d) {
    return "c|" + bucketOf(d.customerId()) + "|" + dayOf(d.placedAtEpochMs());
  }

  /** The three statements a row may need, prepared. */
  record Prepared(PreparedStatement insert, PreparedStatement vehicle, PreparedStatement total) {}

  CompletionStage<Prepared> prepared() {
    String key =
        " WHERE bucket = ? AND day = ? AND customer_id = ? AND placed_at = ? AND order_id = ?";
    CompletionStage<PreparedStatement> insert =
        prepare.apply(
            "INSERT INTO "
                + table
                + " (bucket, day, customer_id, placed_at, order_id, status, pickup_point_id,"
                + " warehouse_id, lines, delivery_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    CompletionStage<PreparedStatement> vehicle =
        prepare.apply("UPDATE " + table + " SET vehicle_id = ?" + key);
    CompletionStage<PreparedStatement> total =
        prepare.apply("UPDATE " + table + " SET total_fen = ?" + key);
    return insert.thenCompose(i -> vehicle.thenCombine(total, (v, t) -> new Prepared(i, v, t)));
  }

  /**
   * The statements that file the row, all in its one partition. The vehicle and the total are
   * written only by a run that names them, so that how events fall into runs cannot change the row.
   */
  List<BoundStatement> statements(
      Prepared p, OrderRow r, Map<String, Integer> lines, String deliveryDate) {
    Order.Details d = r.details();
    int bucket = bucketOf(d.customerId());
    String day = dayOf(d.placedAtEpochMs()).toString();
    long placed = d.placedAtEpochMs();
    List<BoundStatement> out = new ArrayList<>(3);
    out.add(
        p.insert()
            .bind(
                bucket,
                day,
                d.customerId(),
                placed,
                r.orderId(),
                r.status().name(),
                d.pickupPointId(),
                d.warehouseId(),
                lines,
                deliveryDate));
    if (r.vehicleId() != null)
      out.add(p.vehicle().bind(r.vehicleId(), bucket, day, d.customerId(), placed, r.orderId()));
    if (r.totalFen() != null)
      out.add(p.total().bind(r.totalFen(), bucket, day, d.customerId(), placed, r.orderId()));
    return out;
  }

  /**
   * A page of the customer's orders, newest first; {@code after} is the previous page's next. The
   * days are read back from today (or the cursor's day) in rounds of 1, 2, 4, … days at once, so a
   * customer who ordered today costs one read and one with no orders at all a handful of rounds.
   */
  public CompletionStage<CustomerPage> page(String customerId, int limit, Optional<Cursor> after) {
    return page(customerId, limit, after, Instant.now());
  }

  CompletionStage<CustomerPage> page(
      String customerId, int limit, Optional<Cursor> after, Instant now) {
    // a minute ahead: another node's clock may run a little ahead of this one's past midnight
    LocalDate latest = dayOf(now.toEpochMilli() + 60_000);
    // a cursor is the client's to send: one dated in the future reads no more days than a first
    // page
    LocalDate newest =
        after
            .map(c -> dayOf(c.placedAtEpochMs()))
            .filter(day -> day.isBefore(latest))
            .orElse(latest);
    LocalDate oldest = dayOf(now.toEpochMilli()).minusDays(settings.historyDays() - 1L);
    return readFrom(customerId, limit, after, newest, oldest, 1, new ArrayList<>())
        .thenApply(
            found -> {
              List<CustomerOrder> orders = found.subList(0, Math.min(limit, found.size()));
              String next = null;
              if (found.size() > limit) {
                CustomerOrder last = orders.get(orders.size() - 1);
                next = new Cursor(last.placedAtEpochMs(), last.orderId()).token();
              }
              return new CustomerPage(List.copyOf(orders), next);
            });
  }

  private CompletionStage<List<CustomerOrder>> readFrom(
      String customerId,
      int limit,
      Optional<Cursor> after,
      LocalDate day,
      LocalDate oldest,
      int round,
      List<CustomerOrder> found) {
    if (found.size() > limit || day.isBefore(oldest))
      return CompletableFuture.completedFuture(found);
    int wanted = limit + 1 - found.size();
    List<CompletableFuture<List<Row>>> reads = new ArrayList<>();
    LocalDate d = day;
    for (int i = 0; i < round && !d.isBefore(oldest); i++, d = d.minusDays(1)) {
      reads.add(readDay(customerId, d, wanted, after).toCompletableFuture());
    }
    LocalDate nextDay = d;
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              for (CompletableFuture<List<Row>> read : reads) {
                for (Row r : read.join()) found.add(order(r));
              }
              return readFrom(customerId, limit, after, nextDay, oldest, round * 2, found);
            });
  }

  private CompletionStage<List<Row>> readDay(
      String customerId, LocalDate day, int limit, Optional<Cursor> after) {
    String select =
        "SELECT "
            + COLUMNS
            + " FROM "
            + table
            + " WHERE bucket = ? AND day = ? AND customer_id = ?";
    int bucket = bucketOf(customerId);
    if (after.isPresent() && dayOf(after.get().placedAtEpochMs()).equals(day)) {
      return session.selectAll(
          select + " AND (placed_at, order_id) < (?, ?) LIMIT ?",
          bucket,
          day.toString(),
          customerId,
          after.get().placedAtEpochMs(),
          after.get().orderId(),
          limit);
    }
    return session.selectAll(select + " LIMIT ?", bucket, day.toString(), customerId, limit);
  }

  private static CustomerOrder order(Row r) {
    return new CustomerOrder(
        r.getString("order_id"),
        r.getLong("placed_at"),
        r.getString("status"),
        r.getString("pickup_point_id"),
        r.getString("warehouse_id"),
        r.getMap("lines", String.class, Integer.class),
        r.getString("delivery_date"),
        r.getString("vehicle_id"),
        r.isNull("total_fen") ? null : r.getLong("total_fen"));
  }
}
