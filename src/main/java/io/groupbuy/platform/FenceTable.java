package io.groupbuy.platform;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The journal fence's one row in Cassandra: which cluster member holds the journal and which
 * members may write to it.
 *
 * <p>Every change is a lightweight transaction (Paxos), and every read is a serial read, so two
 * clusters that race for the row see one winner. The row is written with a TTL: when its holder
 * stops renewing it (the whole cluster is gone), it disappears and a new cluster can take it. Plain
 * Java over the driver's session; no actors.
 */
public final class FenceTable {
  /**
   * The row as last committed: the holder's unique address, the members it vouched for, and when it
   * was taken.
   */
  public record FenceRow(String holder, Set<String> members, Instant since, Instant renewedAt) {
    public FenceRow {
      members = Set.copyOf(members);
    }
  }

  /** What one claim attempt found. */
  public enum Claim {
    /** The caller held the row and renewed it. */
    RENEWED,
    /** The row was free (never written, or expired); the caller created it. */
    CREATED,
    /**
     * The previous holder was of the caller's own cluster (it listed the caller); the caller took
     * over.
     */
    TAKEN_OVER,
    /** Another cluster holds the row: the caller is not among its members. */
    HELD_BY_OTHER,
    /** Another claim won the race in between; try again. */
    LOST_RACE
  }

  public record ClaimResult(Claim claim, Optional<FenceRow> rowBefore) {}

  private final CompletionStage<CqlSession> session;
  private final String table;
  private final String name;
  private final Duration ttl;
  private final ConsistencyLevel serial;
  private final ConsistencyLevel write;

  public FenceTable(
      CompletionStage<CqlSession> session,
      String keyspace,
      String name,
      Duration ttl,
      ConsistencyLevel serial,
      ConsistencyLevel write) {
    this.session = session;
    this.table = keyspace + ".cluster_fence";
    this.name = name;
    this.ttl = ttl;
    this.serial = serial;
    this.write = write;
  }

  public static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS "
        + keyspace
        + ".cluster_fence (name text PRIMARY KEY, holder text, "
        + "members set<text>, since timestamp, renewed_at timestamp)";
  }

  /**
   * Reads the committed row (a serial read: it also completes any claim left half-way by a crashed
   * holder).
   */
  public CompletionStage<Optional<FenceRow>> read() {
    SimpleStatement select =
        SimpleStatement.newInstance(
                "SELECT holder, members, since, renewed_at FROM " + table + " WHERE name = ?", name)
            .setConsistencyLevel(serial);
    return session
        .thenCompose(s -> s.executeAsync(select))
        .thenApply(
            rs ->
                Optional.ofNullable(rs.one())
                    .filter(row -> !row.isNull("holder"))
                    .map(FenceTable::toRow));
  }

  /**
   * Claims the row for {@code self} vouching for {@code members}: renews it if {@code self} holds
   * it, creates it if it is free, takes it over if its holder listed {@code self} as a member (the
   * same cluster, a new singleton), and otherwise leaves it alone.
   */
  public CompletionStage<ClaimResult> claim(String self, Set<String> members) {
    return read()
        .thenCompose(
            before -> {
              if (before.isEmpty()) {
                return insertIfAbsent(self, members)
                    .thenApply(ok -> new ClaimResult(ok ? Claim.CREATED : Claim.LOST_RACE, before));
              }
              FenceRow row = before.get();
              if (row.holder().equals(self)) {
                return updateIfHolder(self, self, members, row.since())
                    .thenApply(ok -> new ClaimResult(ok ? Claim.RENEWED : Claim.LOST_RACE, before));
              }
              if (row.members().contains(self)) {
                return updateIfHolder(row.holder(), self, members, Instant.now())
                    .thenApply(
                        ok -> new ClaimResult(ok ? Claim.TAKEN_OVER : Claim.LOST_RACE, before));
              }
              return CompletableFuture.completedFuture(
                  new ClaimResult(Claim.HELD_BY_OTHER, before));
            });
  }

  /**
   * Deletes the row if {@code self} still holds it: the last member of a cluster leaving on
   * purpose.
   */
  public CompletionStage<Boolean> release(String self) {
    SimpleStatement delete =
        SimpleStatement.newInstance(
                "DELETE FROM " + table + " WHERE name = ? IF holder = ?", name, self)
            .setSerialConsistencyLevel(serial)
            .setConsistencyLevel(write);
    return session.thenCompose(s -> s.executeAsync(delete)).thenApply(AsyncResultSet::wasApplied);
  }

  private CompletionStage<Boolean> insertIfAbsent(String self, Set<String> members) {
    Instant now = Instant.now();
    SimpleStatement insert =
        SimpleStatement.newInstance(
                "INSERT INTO "
                    + table
                    + " (name, holder, members, since, renewed_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?",
                name,
                self,
                members,
                now,
                now,
                ttlSeconds())
            .setSerialConsistencyLevel(serial)
            .setConsistencyLevel(write);
    return session.thenCompose(s -> s.executeAsync(insert)).thenApply(AsyncResultSet::wasApplied);
  }

  // Every column is rewritten with the TTL, so the row lives exactly as long as its last renewal
  // says.
  private CompletionStage<Boolean> updateIfHolder(
      String expectedHolder, String self, Set<String> members, Instant since) {
    SimpleStatement update =
        SimpleStatement.newInstance(
                "UPDATE "
                    + table
                    + " USING TTL ? SET holder = ?, members = ?, since = ?, renewed_at = ? WHERE name = ? IF holder = ?",
                ttlSeconds(),
                self,
                members,
                since,
                Instant.now(),
                name,
                expectedHolder)
            .setSerialConsistencyLevel(serial)
            .setConsistencyLevel(write);
    return session.thenCompose(s -> s.executeAsync(update)).thenApply(AsyncResultSet::wasApplied);
  }

  private int ttlSeconds() {
    return (int) Math.max(1, ttl.toSeconds());
  }

  private static FenceRow toRow(Row row) {
    Set<String> members = row.getSet("members", String.class);
    return new FenceRow(
        row.getString("holder"),
        members == null ? Set.of() : new TreeSet<>(members),
        row.getInstant("since"),
        row.getInstant("renewed_at"));
  }

  static List<String> sorted(Set<String> members) {
    return List.copyOf(new TreeSet<>(members));
  }
}
