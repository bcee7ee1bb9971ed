package io.groupbuy.costs;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Wholesale cost quotes, one per SKU and day, in Cassandra: a partition per SKU, newest day first.
 * A quote written again for the same day replaces it, so a client that retries an upload leaves the
 * same rows.
 */
public final class CostQuotes {
  /** The cost of a SKU's unit on a day, in CNY. */
  public record Quote(LocalDate day, double cost) {}

  private final CassandraSession session;
  private final String table;

  public CostQuotes(ActorSystem<?> system) {
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.table =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace")
            + ".wholesale_cost";
  }

  /** Creates the table if missing (the keyspace must exist: the journal's). */
  public CompletionStage<Void> createTable() {
    return session
        .executeDDL(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " (sku text, day date, cost double, PRIMARY KEY (sku, day))"
                + " WITH CLUSTERING ORDER BY (day DESC)")
        .thenApply(d -> null);
  }

  /**
   * Writes the quotes of one SKU: unlogged batches of {@value #BATCH} rows, each a single
   * partition's.
   */
  public CompletionStage<Integer> put(String sku, List<Quote> quotes) {
    if (quotes.isEmpty()) return CompletableFuture.completedFuture(0);
    return session
        .prepare("INSERT INTO " + table + " (sku, day, cost) VALUES (?, ?, ?)")
        .thenCompose(
            insert -> {
              List<CompletableFuture<?>> writes = new ArrayList<>();
              for (int i = 0; i < quotes.size(); i += BATCH) {
                BatchStatementBuilder b = BatchStatement.builder(BatchType.UNLOGGED);
                for (Quote q : quotes.subList(i, Math.min(quotes.size(), i + BATCH)))
                  b.addStatement(insert.bind(sku, q.day(), q.cost()));
                writes.add(session.executeWriteBatch(b.build()).toCompletableFuture());
              }
              return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            })
        .thenApply(d -> quotes.size());
  }

  private static final int BATCH = 100;

  /** The newest {@code limit} quotes of a SKU, oldest first. */
  public CompletionStage<List<Quote>> latest(String sku, int limit) {
    return session
        .selectAll("SELECT day, cost FROM " + table + " WHERE sku = ? LIMIT ?", sku, limit)
        .thenApply(
            rows -> {
              List<Quote> out = new ArrayList<>(rows.size());
              for (int i = rows.size() - 1; i >= 0; i--)
                out.add(new Quote(rows.get(i).getLocalDate("day"), rows.get(i).getDouble("cost")));
              return out;
            });
  }
}
