package io.groupbuy.order;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The order table ({@code order_archive}): one row per archived order, its state in the journal's
 * protobuf form, kept for {@code groupbuy.order.archive-ttl}. Read and written at the journal's
 * consistency, so that a ledger on another node finds what this one wrote.
 *
 * <p>Rows are spread over {@code shards} partitions by the order id's hash, the same hash that
 * picks an order's ledger: with a number of shards that is a multiple of the number of ledgers, a
 * ledger's orders fall into shards / ledgers partitions, and the orders a ledger archives together
 * go as one unlogged batch (one mutation) per partition. A look-up reads one row of one partition.
 * The number of shards is fixed once orders are archived.
 */
public final class CassandraOrderArchive implements OrderArchive {
  private static final String PROFILE = "pekko-persistence-cassandra-profile";

  /** Rows of one partition per batch: a few kB, well under Cassandra's batch size warning. */
  private static final int ROWS_PER_BATCH = 16;

  private final CassandraSession session;
  private final String table;
  private final Duration ttl;
  private final int shards;
  private volatile CompletionStage<PreparedStatement> insert;
  private volatile CompletionStage<PreparedStatement> select;

  public CassandraOrderArchive(ActorSystem<?> system, Duration ttl, int shards) {
    if (shards < 1)
      throw new IllegalArgumentException("groupbuy.order.archive-shards must be >= 1");
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.table =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace")
            + ".order_archive";
    this.ttl = ttl;
    this.shards = shards;
  }

  /** The partition of an order: its id's hash, as for its ledger ({@link OrderLedger#ledgerOf}). */
  int shardOf(String orderId) {
    return Math.floorMod(orderId.hashCode(), shards);
  }

  /** Creates the table if missing (the keyspace must exist: the journal's). */
  public CompletionStage<Void> createTable() {
    return session
        .executeDDL(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " (shard int, order_id text, customer_id text, state blob,"
                + " PRIMARY KEY (shard, order_id))"
                + " WITH default_time_to_live = "
                + ttl.toSeconds())
        .thenApply(done -> null);
  }

  @Override
  public CompletionStage<Optional<Order.State>> find(String orderId) {
    select = prepared(select, "SELECT state FROM " + table + " WHERE shard = ? AND order_id = ?");
    return select
        .thenCompose(
            ps ->
                session.selectOne(
                    ps.bind(shardOf(orderId), orderId).setExecutionProfileName(PROFILE)))
        .thenApply(row -> row.map(CassandraOrderArchive::state));
  }

  @Override
  public CompletionStage<?> putAll(Map<String, Order.State> orders) {
    insert =
        prepared(
            insert,
            "INSERT INTO " + table + " (shard, order_id, customer_id, state) VALUES (?, ?, ?, ?)");
    return insert.thenCompose(
        ps -> {
          Map<Integer, List<BatchStatementBuilder>> partitions = new HashMap<>();
          orders.forEach(
              (orderId, state) -> {
                int shard = shardOf(orderId);
                ByteBuffer bytes = ByteBuffer.wrap(OrderProtobuf.stateBytes(state));
                String customer = state.details() == null ? "" : state.details().customerId();
                List<BatchStatementBuilder> batches =
                    partitions.computeIfAbsent(shard, k -> new ArrayList<>());
                if (batches.isEmpty()
                    || batches.get(batches.size() - 1).getStatementsCount() >= ROWS_PER_BATCH) {
                  batches.add(BatchStatement.builder(BatchType.UNLOGGED));
                }
                batches
                    .get(batches.size() - 1)
                    .addStatement(ps.bind(shard, orderId, customer, bytes));
              });
          CompletableFuture<?>[] writes =
              partitions.values().stream()
                  .flatMap(List::stream)
                  .map(
                      b ->
                          session
                              .executeWriteBatch(b.setExecutionProfileName(PROFILE).build())
                              .toCompletableFuture())
                  .toArray(CompletableFuture[]::new);
          return CompletableFuture.allOf(writes);
        });
  }

  /** Prepared once; again after a failure (Cassandra was not reachable then). */
  private CompletionStage<PreparedStatement> prepared(
      CompletionStage<PreparedStatement> before, String cql) {
    if (before != null && !before.toCompletableFuture().isCompletedExceptionally()) return before;
    return session.prepare(cql);
  }

  private static Order.State state(Row row) {
    ByteBuffer buffer = row.getByteBuffer("state");
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    try {
      return OrderProtobuf.stateFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("order table: unreadable state", e);
    }
  }
}
