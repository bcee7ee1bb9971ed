package io.groupbuy.platform;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.typesafe.config.Config;
import io.groupbuy.platform.FenceTable.FenceRow;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The journal fence: only members of the one cluster that holds the fence row may write to the
 * journal.
 *
 * <p>Two clusters formed on one journal (a restarted seed that joined itself, a partition healed
 * the wrong way, an operator's mistake) would each run their own copy of every entity and both
 * would sell the same stock. The fence stops the second one: a singleton of each cluster ({@link
 * FenceKeeper}) claims one row in Cassandra with a lightweight transaction and renews it every
 * {@code renew-interval}, listing the members it can reach. A new cluster can take the row only
 * when it has expired ({@code ttl} after the last renewal, i.e. the old cluster is gone) or when
 * its holder listed the claimant (a new singleton of the same cluster).
 *
 * <p>Each node reads the row every {@code check-interval} and may write for {@code validity} after
 * a read that listed it, measured on the monotonic clock; {@link FencedCassandraJournal} refuses
 * every write outside that window. A node frozen (SIGSTOP, a long GC pause) or cut off therefore
 * stops writing within {@code validity}, before the rest of the cluster has downed it and restarted
 * its entities elsewhere (failure detection plus {@code stable-after} plus the removal margin).
 * docs/operations.md lists the failure modes.
 */
public final class JournalFence implements Extension {
  /** The extension's id: one fence per actor system. */
  public static final class Id extends AbstractExtensionId<JournalFence>
      implements ExtensionIdProvider {
    public static final Id INSTANCE = new Id();

    @Override
    public JournalFence createExtension(ExtendedActorSystem system) {
      return new JournalFence(system);
    }

    @Override
    public Id lookup() {
      return INSTANCE;
    }
  }

  /** The {@code groupbuy.journal-fence} section. */
  public record Settings(
      boolean enabled,
      String name,
      Duration checkInterval,
      Duration validity,
      Duration renewInterval,
      Duration ttl,
      DefaultConsistencyLevel serial,
      DefaultConsistencyLevel write) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getBoolean("enabled"),
          c.getString("name"),
          c.getDuration("check-interval"),
          c.getDuration("validity"),
          c.getDuration("renew-interval"),
          c.getDuration("ttl"),
          DefaultConsistencyLevel.valueOf(c.getString("serial-consistency")),
          DefaultConsistencyLevel.valueOf(c.getString("write-consistency")));
    }
  }

  /** Why this node may not write, for error replies, readiness and logs. */
  public record Refusal(String reason) {}

  private final ExtendedActorSystem system;
  private final Settings settings;
  private final LoggingAdapter log;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean checking = new AtomicBoolean();
  // A deadline on the monotonic clock; "now" means expired (compared by difference, so it must stay
  // near now).
  private volatile long validUntilNanos = System.nanoTime();
  private volatile boolean everValid;
  private volatile String problem =
      "the journal fence has not been checked yet (the node is starting)";
  private volatile boolean lastCheckValid;
  private volatile long lastOtherClusterLogNanos =
      System.nanoTime() - Duration.ofHours(1).toNanos();
  private volatile FenceTable table;

  private JournalFence(ExtendedActorSystem system) {
    this.system = system;
    this.settings =
        Settings.fromConfig(system.settings().config().getConfig("groupbuy.journal-fence"));
    this.log = Logging.getLogger(system, JournalFence.class);
  }

  public static JournalFence get(ActorSystem<?> system) {
    return Id.INSTANCE.get(Adapter.toClassic(system));
  }

  public static JournalFence get(org.apache.pekko.actor.ActorSystem classic) {
    return Id.INSTANCE.get(classic);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * This node's identity in the fence row: its address and the incarnation number a restart
   * changes.
   */
  public String self() {
    var unique = Cluster.get(Adapter.toTyped(system)).selfMember().uniqueAddress();
    return unique.address().toString() + "#" + unique.longUid();
  }

  /**
   * Starts checking the row, and the cluster's singleton that claims and renews it. Call once the
   * fence table exists (the journal keyspace's schema) and the node has started joining its
   * cluster.
   */
  public void start() {
    if (!settings.enabled() || !started.compareAndSet(false, true)) return;
    String keyspace =
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace");
    var session =
        CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra").underlying();
    table =
        new FenceTable(
            session,
            keyspace,
            settings.name(),
            settings.ttl(),
            settings.serial(),
            settings.write());
    ActorSystem<?> typed = Adapter.toTyped(system);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO, settings.checkInterval(), this::check, system.dispatcher());
    ClusterSingleton.get(typed)
        .init(
            SingletonActor.of(
                FenceKeeper.create(
                    table,
                    settings,
                    this::self,
                    () -> Cluster.get(typed).state(),
                    this::reportOtherCluster),
                "journal-fence"));
    // The last member to leave on purpose frees the row, so a full restart need not wait for it to
    // expire.
    AtomicBoolean lastMember = new AtomicBoolean();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeClusterShutdown(),
        "journal-fence-last-member",
        () -> {
          var state = Cluster.get(typed).state();
          long others =
              StreamSupport.stream(state.getMembers().spliterator(), false)
                  .filter(
                      m ->
                          !m.uniqueAddress()
                              .equals(Cluster.get(typed).selfMember().uniqueAddress()))
                  .filter(
                      m ->
                          m.status() == MemberStatus.up()
                              || m.status() == MemberStatus.leaving()
                              || m.status() == MemberStatus.joining()
                              || m.status() == MemberStatus.weaklyUp())
                  .count();
          lastMember.set(others == 0);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    String me = self();
    shutdown.addTask(
        CoordinatedShutdown.PhaseClusterExitingDone(),
        "journal-fence-release",
        () -> {
          if (!lastMember.get()) return CompletableFuture.completedFuture(Done.getInstance());
          return table
              .release(me)
              .handle(
                  (released, failure) -> {
                    if (failure == null && released)
                      log.info("Journal fence released: this was the cluster's last member");
                    return Done.getInstance();
                  });
        });
  }

  /**
   * Completes with true once this node may write, or with false after {@code max}: the node starts
   * its entities after this, so that sharding's own stores do not fail their first writes while the
   * fence is being claimed.
   */
  public CompletionStage<Boolean> awaitWritable(Duration max) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + max.toNanos();
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          if (canWrite()) {
            result.complete(true);
          } else if (System.nanoTime() - deadline > 0) {
            result.complete(false);
          } else {
            system.scheduler().scheduleOnce(Duration.ofMillis(100), poll[0], system.dispatcher());
          }
        };
    poll[0].run();
    return result;
  }

  /** Whether this node may write to the journal now. */
  public boolean canWrite() {
    return !settings.enabled() || System.nanoTime() - validUntilNanos < 0;
  }

  /** Empty when writes may go ahead; otherwise why not. */
  public Optional<Refusal> refusal() {
    if (canWrite()) return Optional.empty();
    return Optional.of(new Refusal(problem));
  }

  /**
   * Whether this node has held a valid fence since it started (readiness waits for the first one).
   */
  public boolean everValid() {
    return !settings.enabled() || everValid;
  }

  private void check() {
    if (table == null || !checking.compareAndSet(false, true)) return;
    long startedAt = System.nanoTime();
    CompletionStage<Optional<FenceRow>> read;
    try {
      read = table.read();
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    read.whenComplete(
        (row, failure) -> {
          try {
            if (failure != null) {
              problem =
                  "the journal fence cannot be read (Cassandra unavailable?): "
                      + Failures.describeRoot(failure)
                      + "; writes resume once it can";
              return;
            }
            evaluate(row, startedAt);
          } finally {
            checking.set(false);
          }
        });
  }

  private void evaluate(Optional<FenceRow> row, long startedAt) {
    String me = self();
    MemberStatus status = Cluster.get(Adapter.toTyped(system)).selfMember().status();
    boolean member =
        status == MemberStatus.up()
            || status == MemberStatus.leaving()
            || status == MemberStatus.exiting();
    boolean listed = row.isPresent() && row.get().members().contains(me);
    if (member && listed) {
      validUntilNanos = startedAt + settings.validity().toNanos();
      if (!lastCheckValid)
        log.info("Journal fence held: this node ({}) may write to the journal", me);
      lastCheckValid = true;
      everValid = true;
      return;
    }
    validUntilNanos = System.nanoTime();
    if (!member) {
      problem = "this node is not an active cluster member (status " + status + ")";
    } else if (row.isEmpty()) {
      problem =
          "no cluster holds the journal fence yet (this cluster's fence keeper has not claimed it)";
    } else if (row.get().members().stream()
            .anyMatch(m -> m.startsWith(me.substring(0, me.indexOf('#') + 1)))
        || row.get().holder().startsWith(me.substring(0, me.indexOf('#') + 1))) {
      problem =
          "the journal fence lists an earlier incarnation of this node's address, not this one: another "
              + "cluster (holder "
              + row.get().holder()
              + ", members "
              + FenceTable.sorted(row.get().members())
              + ") owns the journal. Restart this node with that cluster's members as seed nodes";
    } else {
      problem =
          "another cluster owns the journal (holder "
              + row.get().holder()
              + ", members "
              + FenceTable.sorted(row.get().members())
              + ") or this node is not yet listed by its own cluster";
    }
    if (lastCheckValid && CoordinatedShutdown.get(system).getShutdownReason().isEmpty()) {
      log.warning("Journal fence lost: {}. Writes are refused until it is regained.", problem);
    }
    lastCheckValid = false;
  }

  /**
   * Called by the keeper when another cluster holds the row: an error in the log, at most every 30
   * s.
   */
  void reportOtherCluster(FenceRow row) {
    long now = System.nanoTime();
    if (now - lastOtherClusterLogNanos < Duration.ofSeconds(30).toNanos()) return;
    lastOtherClusterLogNanos = now;
    log.error(
        "Another cluster owns this journal (fence holder {}, members {}, renewed {}). This node's cluster "
            + "will not write to it: every write is refused until that cluster is gone and the fence expires "
            + "({} after its last renewal). If this node belongs to that cluster, stop it and start it with that "
            + "cluster's members as seed nodes (cluster-config/run-local-cluster.sh restart <i>).",
        row.holder(),
        FenceTable.sorted(row.members()),
        row.renewedAt(),
        settings.ttl());
  }
}
