package io.groupbuy.orderview;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.groupbuy.order.OrderLedger;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Rebuilds the order read models from the journal. By default into a second set of tables (suffix
 * {@code _rebuild}), then compares them with the live ones row by row: exit 0 when they are equal,
 * 1 when they differ. With {@code --replace} the live tables are emptied and rewritten, for use
 * while no node runs (a running projection would go on from its stored offset).
 */
public final class OrderViewRebuild {
  private OrderViewRebuild() {}

  public static final String SUFFIX = "_rebuild";

  /** The result of a comparison: rows in each, and the keys that differ (at most 20). */
  public record Comparison(int live, int rebuilt, List<String> differing, int differences) {
    public boolean equal() {
      return differences == 0;
    }
  }

  /**
   * Writes every ledger's events, in runs, into {@code into}; {@code progress} hears events read.
   */
  public static CompletionStage<Long> rebuild(
      ActorSystem<?> system, OrderViewStore into, LongConsumer progress) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    String prefix = OrderLedger.ENTITY_KEY.name() + "|";
    AtomicLong events = new AtomicLong();
    return into.truncate()
        .thenCompose(
            truncated ->
                journal
                    .currentPersistenceIds()
                    .filter(id -> id.startsWith(prefix))
                    .mapAsync(
                        1,
                        id ->
                            journal
                                .currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)
                                .map(EventEnvelope::event)
                                .filter(OrderLedger.Event.class::isInstance)
                                .map(OrderLedger.Event.class::cast)
                                .grouped(2000)
                                .mapAsync(
                                    1,
                                    run -> {
                                      progress.accept(events.addAndGet(run.size()));
                                      return into.write(ViewChanges.of(run));
                                    })
                                .runWith(Sink.ignore(), system))
                    .runWith(Sink.ignore(), system))
        .thenApply(done -> events.get());
  }

  public static CompletionStage<Comparison> compare(OrderViewStore live, OrderViewStore rebuilt) {
    return live.dump()
        .thenCompose(
            a ->
                rebuilt
                    .dump()
                    .thenApply(
                        b -> {
                          TreeSet<String> keys = new TreeSet<>(a.keySet());
                          keys.addAll(b.keySet());
                          List<String> differing =
                              keys.stream().filter(k -> !equal(a, b, k)).toList();
                          return new Comparison(
                              a.size(),
                              b.size(),
                              differing.subList(0, Math.min(20, differing.size())),
                              differing.size());
                        }));
  }

  private static boolean equal(Map<String, String> a, Map<String, String> b, String key) {
    return a.containsKey(key) && a.get(key).equals(b.get(key));
  }

  public static OrderViewStore store(ActorSystem<?> system, String suffix) {
    Config c = system.settings().config();
    return new OrderViewStore(
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra"),
        c.getString("pekko.persistence.cassandra.journal.keyspace"),
        suffix,
        ZoneId.of(c.getString("groupbuy.time-zone")),
        CustomerOrders.Settings.fromConfig(c.getConfig("groupbuy.order.views")));
  }

  /**
   * {@code OrderViewRebuild [--replace] [--contact-points host:port,...] [--keyspace name]
   * [--datacenter dc]}.
   */
  public static void main(String[] args) {
    Config overrides =
        ConfigFactory.parseString(
            "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                + "pekko.persistence.cassandra.journal.keyspace-autocreate = false\n");
    boolean replace = false;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      String path =
          switch (args[i]) {
            case "--contact-points" -> "datastax-java-driver.basic.contact-points";
            case "--keyspace" -> "pekko.persistence.cassandra.journal.keyspace";
            case "--datacenter" ->
                "datastax-java-driver.basic.load-balancing-policy.local-datacenter";
            case "--replace" -> null;
            default -> {
              System.err.println(
                  "unknown option "
                      + args[i]
                      + "; usage: bin/rebuild-order-views [--replace] [--contact-points host:port,...]"
                      + " [--keyspace groupbuy] [--datacenter datacenter1]");
              System.exit(2);
              yield null;
            }
          };
      if (path == null) {
        replace = true;
        continue;
      }
      if (value == null) {
        System.err.println(args[i] + " needs a value");
        System.exit(2);
      }
      overrides =
          overrides.withValue(
              path,
              args[i].equals("--contact-points")
                  ? ConfigValueFactory.fromIterable(
                      Arrays.stream(value.split(",")).map(String::trim).toList())
                  : ConfigValueFactory.fromAnyRef(value));
      i++;
    }
    Config config = overrides.withFallback(ConfigFactory.load()).resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "rebuild", config);
    int status;
    try {
      long start = System.nanoTime();
      OrderViewStore live = store(system, "");
      OrderViewStore target = replace ? live : store(system, SUFFIX);
      System.out.println(
          (replace ? "Rewriting the live order read models" : "Rebuilding the order read models")
              + " of keyspace "
              + config.getString("pekko.persistence.cassandra.journal.keyspace")
              + " from the journal ...");
      target.createTables().toCompletableFuture().get(1, TimeUnit.MINUTES);
      long events =
          rebuild(
                  system,
                  target,
                  n -> {
                    if (n % 20_000 < 2000) System.out.println("  ... " + n + " events read");
                  })
              .toCompletableFuture()
              .get(2, TimeUnit.HOURS);
      System.out.printf(
          "%d events replayed in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
      if (replace) {
        status = 0;
      } else {
        Comparison c = compare(live, target).toCompletableFuture().get(30, TimeUnit.MINUTES);
        System.out.printf(
            "live rows: %d, rebuilt rows: %d, differing: %d%n",
            c.live(), c.rebuilt(), c.differences());
        c.differing().forEach(k -> System.out.println("  differs: " + k));
        System.out.println(
            c.equal()
                ? "The live read models equal the journal."
                : "The live read models differ (a projection behind, or rows lost): "
                    + "run with --replace while the cluster is stopped to rewrite them.");
        status = c.equal() ? 0 : 1;
      }
    } catch (Exception e) {
      System.err.println(
          "the rebuild failed: " + e + " (is Cassandra reachable at the contact points?)");
      status = 2;
    } finally {
      system.terminate();
    }
    System.exit(status);
  }
}
