package io.groupbuy.order;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The order table: one row per archived order, its state in the journal's protobuf form, kept for
 * {@code groupbuy.order.archive-ttl}. Read and written at the journal's consistency, so that a
 * ledger on another node finds what this one wrote.
 */
public final class CassandraOrderArchive implements OrderArchive {
  private static final String PROFILE = "pekko-persistence-cassandra-profile";

  private final CassandraSession session;
  private final String table;
  private final Duration ttl;
  private volatile CompletionStage<PreparedStatement> insert;
  private volatile CompletionStage<PreparedStatement> select;

  public CassandraOrderArchive(ActorSystem<?> system, Duration ttl) {
    this.session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    this.table =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace")
            + ".order_by_id";
    this.ttl = ttl;
  }

  /** Creates the table if missing (the keyspace must exist: the journal's). */
  public CompletionStage<Void> createTable() {
    return session
        .executeDDL(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " (order_id text PRIMARY KEY, customer_id text, state blob)"
                + " WITH default_time_to_live = "
                + ttl.toSeconds())
        .thenApply(done -> null);
  }

  @Override
  public CompletionStage<Optional<Order.State>> find(String orderId) {
    select = prepared(select, "SELECT state FROM " + table + " WHERE order_id = ?");
    return select
        .thenCompose(ps -> session.selectOne(ps.bind(orderId).setExecutionProfileName(PROFILE)))
        .thenApply(row -> row.map(CassandraOrderArchive::state));
  }

  @Override
  public CompletionStage<?> put(String orderId, Order.State state) {
    insert =
        prepared(
            insert, "INSERT INTO " + table + " (order_id, customer_id, state) VALUES (?, ?, ?)");
    ByteBuffer bytes = ByteBuffer.wrap(OrderProtobuf.stateBytes(state));
    String customer = state.details() == null ? "" : state.details().customerId();
    return insert.thenCompose(
        ps ->
            session.executeWrite(
                ps.bind(orderId, customer, bytes).setExecutionProfileName(PROFILE)));
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
