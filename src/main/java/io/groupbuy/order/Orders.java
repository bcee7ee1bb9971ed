package io.groupbuy.order;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * How the rest of the system addresses an order by its id: through its ledger ({@code
 * groupbuy.order.ledgers} > 0), or as an entity of its own (0).
 */
public final class Orders {
  private final ClusterSharding sharding;
  private final int ledgers;

  public Orders(ActorSystem<?> system, int ledgers) {
    this.sharding = ClusterSharding.get(system);
    this.ledgers = ledgers;
  }

  public static Orders fromConfig(ActorSystem<?> system) {
    return new Orders(system, system.settings().config().getInt("groupbuy.order.ledgers"));
  }

  public boolean inLedgers() {
    return ledgers > 0;
  }

  /** Asks the order; the answer is its reply's value, or the failure it was refused with. */
  public <T> CompletionStage<T> ask(
      String orderId, Function<ActorRef<StatusReply<T>>, Order.Command> command, Duration timeout) {
    if (ledgers == 0) {
      return sharding
          .entityRefFor(Order.ENTITY_KEY, orderId)
          .askWithStatus(command::apply, timeout);
    }
    return sharding
        .entityRefFor(OrderLedger.ENTITY_KEY, OrderLedger.ledgerOf(orderId, ledgers))
        .askWithStatus(r -> new OrderLedger.ToOrder(orderId, command.apply(r)), timeout);
  }
}
