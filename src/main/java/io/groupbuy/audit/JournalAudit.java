package io.groupbuy.audit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.order.Order;
import io.groupbuy.order.OrderLedger;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads every inventory's and every order's events from the journal and audits them with {@link
 * StockLedger}.
 *
 * <p>Run it from a shell ({@code bin/audit}, exit status 1 when anything is flagged) or on a node
 * ({@code GET /ops/audit}, which also sets the {@code groupbuy_audit_*} gauges). It reads the
 * journal as it is, so it also sees what a second cluster wrote.
 */
public final class JournalAudit {
  private JournalAudit() {}

  static final String INVENTORY_PREFIX = ProductInventory.ENTITY_KEY.name() + "|";
  static final String ORDER_PREFIX = Order.ENTITY_KEY.name() + "|";
  static final String LEDGER_PREFIX = OrderLedger.ENTITY_KEY.name() + "|";

  /**
   * Audits the journal of the system's configured keyspace; {@code progress} gets the number of
   * entities read.
   */
  public static CompletionStage<AuditReport> run(ActorSystem<?> system, LongConsumer progress) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    StockLedger ledger = new StockLedger();
    AtomicLong entities = new AtomicLong();
    return journal
        .currentPersistenceIds()
        .filter(
            id ->
                id.startsWith(INVENTORY_PREFIX)
                    || id.startsWith(ORDER_PREFIX)
                    || id.startsWith(LEDGER_PREFIX))
        .mapAsyncUnordered(
            8,
            id ->
                journal
                    .currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)
                    .map(EventEnvelope::event)
                    .runWith(Sink.seq(), system)
                    .thenApply(events -> Pair.create(id, events)))
        .runForeach(
            entity -> {
              feed(ledger, entity.first(), entity.second());
              long n = entities.incrementAndGet();
              if (n % 1000 == 0) progress.accept(n);
            },
            system)
        .thenApply(done -> ledger.report());
  }

  private static void feed(StockLedger ledger, String persistenceId, List<Object> events) {
    if (persistenceId.startsWith(INVENTORY_PREFIX)) {
      String entityId = persistenceId.substring(INVENTORY_PREFIX.length());
      for (Object e : events) {
        if (e instanceof ProductInventory.Event event) ledger.inventoryEvent(entityId, event);
      }
    } else if (persistenceId.startsWith(LEDGER_PREFIX)) {
      // archiving and restoring an order changes no stock: only the entries count
      for (Object e : events) {
        if (e instanceof OrderLedger.Entry entry) ledger.orderEvent(entry.orderId(), entry.event());
      }
    } else {
      String orderId = persistenceId.substring(ORDER_PREFIX.length());
      for (Object e : events) {
        if (e instanceof Order.Event event) ledger.orderEvent(orderId, event);
      }
    }
  }

  /**
   * {@code JournalAudit [--contact-points host:port,...] [--keyspace name] [--datacenter dc]
   * [--max-findings N]}: prints the audit and exits 0 when clean, 1 when anything is flagged, 2
   * when the journal cannot be read.
   */
  public static void main(String[] args) {
    Config overrides =
        ConfigFactory.parseString(
            """
        pekko.actor.provider = local
        pekko.loglevel = WARNING
        pekko.persistence.cassandra.journal.keyspace-autocreate = false
        """);
    int maxFindings = 50;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--contact-points" ->
            overrides =
                overrides.withValue(
                    "datastax-java-driver.basic.contact-points",
                    ConfigValueFactory.fromIterable(
                        Arrays.stream(required(args[i], value).split(","))
                            .map(String::trim)
                            .toList()));
        case "--keyspace" ->
            overrides =
                overrides.withValue(
                    "pekko.persistence.cassandra.journal.keyspace",
                    ConfigValueFactory.fromAnyRef(required(args[i], value)));
        case "--datacenter" ->
            overrides =
                overrides.withValue(
                    "datastax-java-driver.basic.load-balancing-policy.local-datacenter",
                    ConfigValueFactory.fromAnyRef(required(args[i], value)));
        case "--max-findings" -> maxFindings = Integer.parseInt(required(args[i], value));
        default -> {
          System.err.println(
              "unknown option "
                  + args[i]
                  + "; usage: bin/audit [--contact-points host:port,...] "
                  + "[--keyspace groupbuy] [--datacenter datacenter1] [--max-findings 50]");
          System.exit(2);
        }
      }
      i++;
    }
    Config config = overrides.withFallback(ConfigFactory.load()).resolve();
    System.out.println(
        "Auditing journal keyspace "
            + config.getString("pekko.persistence.cassandra.journal.keyspace")
            + " at "
            + config.getStringList("datastax-java-driver.basic.contact-points")
            + " ...");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "audit", config);
    int status;
    try {
      long start = System.nanoTime();
      AuditReport report =
          run(system, n -> System.out.println("  ... " + n + " entities read"))
              .toCompletableFuture()
              .get(1, TimeUnit.HOURS);
      System.out.print(report.render(maxFindings));
      System.out.printf("audited in %.1f s%n", (System.nanoTime() - start) / 1e9);
      status = report.clean() ? 0 : 1;
    } catch (Exception e) {
      System.err.println(
          "the audit could not read the journal: "
              + e
              + " (is Cassandra reachable at the contact points, and the keyspace right?)");
      status = 2;
    } finally {
      system.terminate();
    }
    System.exit(status);
  }

  private static String required(String option, String value) {
    if (value == null) throw new IllegalArgumentException(option + " needs a value");
    return value;
  }
}
