package io.groupbuy.platform;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The keyspaces and tables of the journal and snapshot store, as the Cassandra plugin defines them
 * for the configured keyspace names and replication. Dev and test nodes create them at start
 * ({@code groupbuy.cassandra.create-schema}); production operators print them ({@code
 * CassandraSchema} main) and apply them with cqlsh before the first start.
 */
public final class CassandraSchema {
  private CassandraSchema() {}

  public static List<String> statements(ActorSystem<?> system) {
    var classic = Adapter.toClassic(system);
    var statements =
        new KeyspaceAndTableStatements(
            classic, "pekko.persistence.cassandra", PluginSettings.apply(classic));
    List<String> all = new ArrayList<>();
    all.add(statements.createJournalKeyspaceStatement());
    all.addAll(statements.getCreateJournalTablesStatements());
    all.add(
        FenceTable.createTableStatement(
            system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace")));
    all.add(statements.createSnapshotKeyspaceStatement());
    all.addAll(statements.getCreateSnapshotTablesStatements());
    return all;
  }

  public static CompletionStage<Done> create(ActorSystem<?> system) {
    var session = CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra");
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    for (String statement : statements(system)) {
      chain = chain.thenCompose(d -> session.executeDDL(statement));
    }
    return chain;
  }

  /**
   * Prints the schema for the configured keyspaces (apply it with cqlsh before a production node
   * starts).
   */
  public static void main(String[] args) {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "schema",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    try {
      statements(system).forEach(s -> System.out.println(s.strip() + ";\n"));
      System.out.println(
          "-- plus the catalog tables that every node creates if missing (see catalog/Catalog.java)");
    } finally {
      system.terminate();
    }
  }
}
