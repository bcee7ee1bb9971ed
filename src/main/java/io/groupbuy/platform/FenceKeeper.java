package io.groupbuy.platform;

import io.groupbuy.platform.FenceTable.Claim;
import io.groupbuy.platform.FenceTable.ClaimResult;
import io.groupbuy.platform.FenceTable.FenceRow;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * The cluster singleton that claims the journal fence row and renews it, vouching for the members
 * it can reach.
 *
 * <p>Members that are unreachable from here are left out of the row, so a frozen or cut-off node
 * loses its right to write at its next check, long before the cluster downs it and restarts its
 * entities elsewhere. Joining and weakly-up members host no shards yet and are listed once up.
 */
final class FenceKeeper {
  private FenceKeeper() {}

  sealed interface Msg {}

  private enum Tick implements Msg {
    INSTANCE
  }

  private record Claimed(ClaimResult result, Throwable failure) implements Msg {}

  static Behavior<Msg> create(
      FenceTable table,
      JournalFence.Settings settings,
      Supplier<String> self,
      Supplier<CurrentClusterState> clusterState,
      Consumer<FenceRow> onOtherCluster) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      Tick.INSTANCE, Duration.ZERO, settings.renewInterval());
                  return new FenceKeeper.Running(ctx, table, self, clusterState, onOtherCluster)
                      .idle();
                }));
  }

  /**
   * Members that may write: up, leaving or exiting (still handing over shards), and reachable from
   * here.
   */
  static Set<String> writers(CurrentClusterState state) {
    Set<Member> unreachable = state.getUnreachable();
    Set<String> writers = new TreeSet<>();
    for (Member m : state.getMembers()) {
      MemberStatus s = m.status();
      boolean active =
          s == MemberStatus.up() || s == MemberStatus.leaving() || s == MemberStatus.exiting();
      if (active && !unreachable.contains(m)) {
        writers.add(m.uniqueAddress().address().toString() + "#" + m.uniqueAddress().longUid());
      }
    }
    return writers;
  }

  private static final class Running {
    private final ActorContext<Msg> ctx;
    private final FenceTable table;
    private final Supplier<String> self;
    private final Supplier<CurrentClusterState> clusterState;
    private final Consumer<FenceRow> onOtherCluster;
    private Claim last;

    Running(
        ActorContext<Msg> ctx,
        FenceTable table,
        Supplier<String> self,
        Supplier<CurrentClusterState> clusterState,
        Consumer<FenceRow> onOtherCluster) {
      this.ctx = ctx;
      this.table = table;
      this.self = self;
      this.clusterState = clusterState;
      this.onOtherCluster = onOtherCluster;
    }

    /** Waiting for the next tick. */
    Behavior<Msg> idle() {
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.INSTANCE, this::claim)
          .onMessage(Claimed.class, c -> Behaviors.same())
          .build();
    }

    /**
     * A claim is in flight: ticks meanwhile are skipped, so slow Cassandra never piles claims up.
     */
    private Behavior<Msg> claiming() {
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.INSTANCE, Behaviors::same)
          .onMessage(Claimed.class, this::onClaimed)
          .build();
    }

    private Behavior<Msg> claim() {
      Set<String> members = writers(clusterState.get());
      String me = self.get();
      members.add(me);
      ctx.pipeToSelf(table.claim(me, members), Claimed::new);
      return claiming();
    }

    private Behavior<Msg> onClaimed(Claimed c) {
      if (c.failure() != null) {
        ctx.getLog()
            .warn(
                "Journal fence claim failed (retrying every tick): {}",
                Failures.describeRoot(c.failure()));
        last = null;
        return idle();
      }
      Claim claim = c.result().claim();
      switch (claim) {
        case CREATED ->
            ctx.getLog().info("Journal fence created by this cluster's keeper ({})", self.get());
        case TAKEN_OVER ->
            ctx.getLog()
                .info(
                    "Journal fence taken over from {} (same cluster)",
                    c.result().rowBefore().map(FenceRow::holder).orElse("?"));
        case HELD_BY_OTHER -> c.result().rowBefore().ifPresent(onOtherCluster);
        case LOST_RACE -> ctx.getLog().info("Journal fence claim lost a race; retrying");
        case RENEWED -> {
          if (last != Claim.RENEWED && last != Claim.CREATED && last != Claim.TAKEN_OVER) {
            ctx.getLog().info("Journal fence renewed by this cluster's keeper ({})", self.get());
          }
        }
        default -> {}
      }
      last = claim;
      return idle();
    }
  }
}
