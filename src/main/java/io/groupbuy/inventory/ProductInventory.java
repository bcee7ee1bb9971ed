package io.groupbuy.inventory;

import com.typesafe.config.Config;
import io.groupbuy.platform.CborSerializable;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.ProtoPersisted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Stock of one SKU in one warehouse; entity id {@code sku@warehouse}.
 *
 * <p>Lifecycle: stock is received (idempotent per receipt id), reserved by orders, then either
 * released (cancellation or rejection) or committed (handed to delivery). Invariant: {@code
 * available = onHand - reserved >= 0} at all times, so the SKU is never oversold, whatever the
 * concurrency or retries: every command is processed one at a time by this entity and every
 * reservation is checked against what is left. Reserve, release and commit are idempotent per order
 * id; a reservation attempt after its order's release is refused, so a delayed retry can never hold
 * stock for a dead order. When projected stock (available plus the open replenishment) falls under
 * the reorder point, one {@link ReplenishmentRequested} is emitted; at most one is open until stock
 * is received.
 */
public final class ProductInventory
    extends EventSourcedBehaviorWithEnforcedReplies<
        ProductInventory.Command, ProductInventory.Event, StockState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ProductInventory");

  /**
   * How many receipt and order ids are remembered for idempotency; older ones are forgotten first.
   */
  static final int ID_MEMORY = 2000;

  public static String entityId(String sku, String warehouseId) {
    return sku + "@" + warehouseId;
  }

  // ---- commands: each names its reply ----
  public sealed interface Command extends CborSerializable {}

  /** A command answered with the {@link Stock} after it, or with a {@link DomainError}. */
  public sealed interface StockCommand extends Command {
    ActorRef<StatusReply<Stock>> replyTo();
  }

  /**
   * Adds stock; replies with the new {@link Stock}. A repeated receipt id has no further effect.
   * {@code listPriceFen} (the catalog's cost times the list markup, 0 if unknown) becomes the
   * selling price unless an operator set one.
   */
  public record ReceiveStock(
      String receiptId, int quantity, long listPriceFen, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /**
   * Sets the selling price in this warehouse ({@code priceFen} > 0), or goes back to the list price
   * ({@code priceFen} 0). A repeated {@code changeId} has no further effect, so a delayed retry
   * cannot undo a later change. Orders already placed keep their prices.
   */
  public record SetPrice(String changeId, long priceFen, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /** Holds stock for an order; replies with {@link Stock} or a refusal, "sold out". */
  public record Reserve(String orderId, int quantity, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /** Returns an order's reservation to available stock; replies with {@link Stock}. */
  public record Release(String orderId, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /**
   * Turns an order's reservation into a sale that leaves the warehouse; replies with {@link Stock}.
   */
  public record Commit(String orderId, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /** Sets min/max stock and the reorder point; replies with {@link Stock}. */
  public record SetBounds(
      int minStock, int maxStock, int reorderPoint, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /**
   * The review of a closed day: the units sold that day and what had been forecast for it. Sales
   * ahead of forecast for some days in a row request replenishment at once (once per run of such
   * days); stock covering many days of recent sales suggests a time-limited discount ({@link
   * StockRules.ReviewRules}, from {@code groupbuy.inventory.review}). A day already reviewed, or
   * older than the last, has no effect. Replies with {@link Stock}.
   */
  public record ReviewDay(
      String day, int sold, double forecast, ActorRef<StatusReply<Stock>> replyTo)
      implements StockCommand {}

  /** Replies with the current {@link Stock}. */
  public record GetStock(ActorRef<Stock> replyTo) implements Command {}

  /**
   * Internal, from the entity's front ({@link InventoryFront}): commands that arrived while the
   * previous batch was being written; {@code written} hears {@link BatchWritten} once every one is
   * answered.
   */
  record Batch(List<Command> commands, long number, ActorRef<Command> written)
      implements Command, NoSerializationVerificationNeeded {}

  /** Internal: the batch of that number is written and answered. */
  record BatchWritten(long number) implements Command {}

  /** Internal, from the entity to its front: it has recovered (started, or restarted). */
  record Recovered() implements Command, NoSerializationVerificationNeeded {}

  // ---- replies ----
  public record Stock(
      String sku,
      String warehouseId,
      long priceFen,
      PriceSource priceSource,
      long listPriceFen,
      int onHand,
      int available,
      int reserved,
      long committed,
      long received,
      int minStock,
      int maxStock,
      int reorderPoint,
      int replenishmentOpen,
      String reviewedDay,
      int aheadDays,
      String promotionSuggestedUntil,
      int promotionPercent)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  /** {@code listPriceFen} 0: none given (so in events written before prices). */
  public record StockReceived(String receiptId, int quantity, long listPriceFen) implements Event {
    public StockReceived(String receiptId, int quantity) {
      this(receiptId, quantity, 0);
    }
  }

  /** {@code priceFen} 0: back to the list price. */
  public record PriceSet(String changeId, long priceFen) implements Event {}

  /** Where the selling price comes from. */
  public enum PriceSource {
    /** Set by an operator. */
    OPERATOR,
    /** The catalog's cost times the list markup, as of the last receipt. */
    LIST,
    /** Neither: the SKU cannot be sold here until one is set. */
    NONE
  }

  public record StockReserved(String orderId, int quantity) implements Event {}

  public record ReservationReleased(String orderId, int quantity) implements Event {}

  public record ReservationCommitted(String orderId, int quantity) implements Event {}

  public record BoundsSet(int minStock, int maxStock, int reorderPoint) implements Event {}

  public record ReplenishmentRequested(String requestId, int quantity, int projectedAvailable)
      implements Event {}

  /** A closed day reviewed: its sales, its forecast, and whether the sales ran ahead of it. */
  public record DayReviewed(String day, int sold, double forecast, boolean ahead)
      implements Event {}

  /**
   * Turnover is low: a discount of {@code discountPercent} is suggested from {@code day} to {@code
   * validUntil} (inclusive), for pricing to act on.
   */
  public record PromotionSuggested(
      String day, int discountPercent, String validUntil, double daysOfCover) implements Event {}

  /**
   * The daily review's memory: the last day reviewed ("" before the first), the days in a row that
   * sales ran ahead of forecast, the latest days' sales (oldest first, at most {@value
   * StockRules#SALES_MEMORY}), and the last promotion suggested ("" for none), until when and its
   * discount (0 if unknown).
   */
  public record Review(
      String lastDay,
      int aheadStreak,
      List<Integer> recentSold,
      String lastPromotionDay,
      String promotionUntil,
      int promotionPercent) {
    public static final Review NONE = new Review("", 0, List.of(), "", "", 0);

    Review reviewed(String day, int sold, boolean ahead) {
      List<Integer> recent = new java.util.ArrayList<>(recentSold);
      recent.add(sold);
      while (recent.size() > StockRules.SALES_MEMORY) recent.remove(0);
      return new Review(
          day,
          ahead ? aheadStreak + 1 : 0,
          List.copyOf(recent),
          lastPromotionDay,
          promotionUntil,
          promotionPercent);
    }

    Review promoted(String day, String until, int percent) {
      return new Review(lastDay, aheadStreak, recentSold, day, until, percent);
    }
  }

  public record Bounds(int minStock, int maxStock, int reorderPoint) {
    static final Bounds NONE = new Bounds(0, 0, 0);
  }

  /**
   * The selling price here: an operator's ({@code setFen} > 0), else the list price; with the
   * latest change ids, so that a change retried late is not applied again.
   */
  public record Price(long listFen, long setFen, List<String> recentChanges) {
    static final Price NONE = new Price(0, 0, List.of());
    static final int CHANGE_MEMORY = 50;

    public Price {
      recentChanges = List.copyOf(recentChanges);
    }

    public long priceFen() {
      return setFen > 0 ? setFen : listFen;
    }

    public PriceSource source() {
      return setFen > 0 ? PriceSource.OPERATOR : listFen > 0 ? PriceSource.LIST : PriceSource.NONE;
    }

    Price withList(long fen) {
      return fen > 0 ? new Price(fen, setFen, recentChanges) : this;
    }

    Price set(String changeId, long fen) {
      List<String> changes = new ArrayList<>(recentChanges);
      changes.add(changeId);
      if (changes.size() > CHANGE_MEMORY) changes = changes.subList(1, changes.size());
      return new Price(listFen, fen, changes);
    }
  }

  /**
   * The sharded entities, each behind its {@link InventoryFront} (batching as {@code batch} says:
   * {@code groupbuy.inventory.batch}); {@code batchSizes} hears how many commands each write
   * carries.
   */
  public static void init(ActorSystem<?> system, Config batch, IntConsumer batchSizes) {
    GroupCommitFront.Settings settings = GroupCommitFront.Settings.fromConfig(batch);
    ClusterSharding.get(system)
        .init(
            Entity.of(
                ENTITY_KEY, ctx -> InventoryFront.create(ctx.getEntityId(), settings, batchSizes)));
  }

  /** The sharded entity with its front, outside sharding (tests). */
  public static Behavior<Command> withFront(String entityId, Config batch, IntConsumer sizes) {
    return InventoryFront.create(entityId, GroupCommitFront.Settings.fromConfig(batch), sizes);
  }

  public static Behavior<Command> create(String entityId) {
    return create(entityId, null);
  }

  /** The entity behind its front, which it tells when it has recovered. */
  static Behavior<Command> create(String entityId, ActorRef<Command> front) {
    return Behaviors.setup(
        context ->
            new ProductInventory(
                entityId,
                front,
                StockRules.ReviewRules.fromConfig(context.getSystem().settings().config())));
  }

  private final String sku;
  private final String warehouseId;
  private final StockRules rules;
  private final ActorRef<Command> front; // null when alone

  private ProductInventory(
      String entityId, ActorRef<Command> front, StockRules.ReviewRules review) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    int at = entityId.lastIndexOf('@');
    if (at <= 0 || at == entityId.length() - 1) {
      throw new IllegalArgumentException(
          "inventory entity id must be sku@warehouse, got " + entityId);
    }
    this.sku = entityId.substring(0, at);
    this.warehouseId = entityId.substring(at + 1);
    this.rules = new StockRules(sku, warehouseId, review);
    this.front = front;
  }

  @Override
  public SignalHandler<StockState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              if (front != null) front.tell(new Recovered());
            })
        .build();
  }

  @Override
  public StockState emptyState() {
    return StockState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, StockState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(StockCommand.class, this::onOne)
        .onCommand(GetStock.class, (s, c) -> Effect().reply(c.replyTo(), stock(s)))
        .onCommand(Batch.class, this::onBatch)
        .onCommand(BatchWritten.class, (s, c) -> Effect().noReply())
        .build();
  }

  private ReplyEffect<Event, StockState> onOne(StockState s, StockCommand c) {
    StockRules.Decision d = rules.decide(s, c);
    if (d.refusal() != null) return Effect().reply(c.replyTo(), DomainError.reply(d.refusal()));
    if (d.events().isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(stock(s)));
    return Effect()
        .persist(d.events())
        .thenReply(c.replyTo(), next -> StatusReply.success(stock(next)));
  }

  /**
   * Group commit: every command of the batch is decided in turn against what the ones before it
   * left, all their events are persisted in one write, and only then does each caller hear its own
   * answer (a refusal needs no write, but waits too, so answers keep the order of the commands).
   */
  private ReplyEffect<Event, StockState> onBatch(StockState s, Batch batch) {
    List<Event> events = new ArrayList<>();
    List<Runnable> answers = new ArrayList<>(batch.commands().size());
    StockState current = s;
    for (Command c : batch.commands()) {
      if (c instanceof GetStock g) {
        Stock seen = stock(current);
        answers.add(() -> g.replyTo().tell(seen));
      } else if (c instanceof StockCommand sc) {
        StockRules.Decision d = rules.decide(current, sc);
        for (Event e : d.events()) current = current.apply(e);
        events.addAll(d.events());
        StatusReply<Stock> answer =
            d.refusal() != null
                ? DomainError.reply(d.refusal())
                : StatusReply.success(stock(current));
        answers.add(() -> sc.replyTo().tell(answer));
      }
    }
    Runnable answerAll =
        () -> {
          answers.forEach(Runnable::run);
          batch.written().tell(new BatchWritten(batch.number()));
        };
    if (events.isEmpty()) {
      answerAll.run();
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(next -> answerAll.run()).thenNoReply();
  }

  @Override
  public EventHandler<StockState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(StockState::apply);
  }

  private Stock stock(StockState s) {
    Bounds b = s.bounds();
    return new Stock(
        sku,
        warehouseId,
        s.price().priceFen(),
        s.price().source(),
        s.price().listFen(),
        s.onHand(),
        s.available(),
        s.reservedTotal(),
        s.committedTotal(),
        s.received(),
        b.minStock(),
        b.maxStock(),
        b.reorderPoint(),
        s.openReplenishmentQuantity(),
        s.review().lastDay().isEmpty() ? null : s.review().lastDay(),
        s.review().aheadStreak(),
        s.review().promotionUntil().isEmpty() ? null : s.review().promotionUntil(),
        s.review().promotionPercent());
  }
}
