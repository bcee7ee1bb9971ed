package io.groupbuy.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.cql.Row;
import io.groupbuy.platform.CassandraLauncher;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what Cassandra itself says it did, per table: coordinator writes (one per mutation of a
 * table: a batch into one partition is one) and reads, from its virtual tables {@code
 * system_views.coordinator_write_latency} and {@code coordinator_read_latency}. Nothing is assumed
 * about what a client sends.
 */
final class WriteCounter implements AutoCloseable {
  /** Counts per keyspace.table. */
  record Counts(Map<String, Long> writes, Map<String, Long> reads) {
    Counts minus(Counts before) {
      return new Counts(diff(writes, before.writes), diff(reads, before.reads));
    }

    long totalWrites() {
      return writes.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalReads() {
      return reads.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
      Map<String, Long> out = new TreeMap<>();
      after.forEach(
          (table, n) -> {
            long d = n - before.getOrDefault(table, 0L);
            if (d > 0) out.put(table, d);
          });
      return out;
    }

    /** Lines of "table writes/unit reads/unit", the busiest tables first. */
    String perUnit(long units, String unit) {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format("      %-44s %10s %10s%n", "table", "writes/" + unit, "reads/" + unit));
      Map<String, Long> tables = new TreeMap<>(writes);
      reads.forEach((t, n) -> tables.putIfAbsent(t, 0L));
      tables.keySet().stream()
          .sorted(
              (x, y) ->
                  Long.compare(
                      writes.getOrDefault(y, 0L) + reads.getOrDefault(y, 0L),
                      writes.getOrDefault(x, 0L) + reads.getOrDefault(x, 0L)))
          .forEach(
              t ->
                  b.append(
                      String.format(
                          "      %-44s %10.2f %10.2f%n",
                          t,
                          writes.getOrDefault(t, 0L) / (double) units,
                          reads.getOrDefault(t, 0L) / (double) units)));
      b.append(
          String.format(
              "      %-44s %10.2f %10.2f%n",
              "all tables", totalWrites() / (double) units, totalReads() / (double) units));
      return b.toString();
    }
  }

  private final CqlSession session;

  WriteCounter(CassandraLauncher.Node cassandra) {
    this.session =
        CqlSession.builder()
            .withConfigLoader(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()))
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.cqlPort()))
            .withLocalDatacenter("datacenter1")
            .build();
  }

  Counts read() {
    return new Counts(
        count("system_views.coordinator_write_latency"),
        count("system_views.coordinator_read_latency"));
  }

  private Map<String, Long> count(String view) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : session.execute("SELECT keyspace_name, table_name, count FROM " + view)) {
      String keyspace = r.getString("keyspace_name");
      // system.batches (logged batches) and system.paxos (lightweight transactions) count; the
      // virtual tables read here do not
      if (keyspace.equals("system_views") || keyspace.equals("system_virtual_schema")) continue;
      out.put(keyspace + "." + r.getString("table_name"), r.getLong("count"));
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
  }
}
