package io.groupbuy.coupon;

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
 * A coupon campaign, entity id the campaign id: its terms (what a coupon takes off, for which
 * segment, how many per user) and a budget of discount it never exceeds. Coupons are issued to
 * users (idempotent per issue id, within the per-user limit), redeemed by an order (idempotent per
 * order; refused once the budget is spent, so concurrent redemptions from any node never overspend
 * it: one entity decides them one after another) and released when the order is cancelled, which
 * gives the budget back. Behind a group-commit front, so a rush of redemptions costs one journal
 * write per batch.
 */
public final class Campaign
    extends EventSourcedBehaviorWithEnforcedReplies<
        Campaign.Command, Campaign.Event, CampaignState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Campaign");

  /**
   * What a coupon of the campaign gives: {@code amountFen} off an order whose subtotal reaches
   * {@code thresholdFen} (满X减Y), or, with {@code percentOff} > 0, that share of the subtotal up to
   * {@code capFen}; {@code targetSegment} null for everyone. With {@code minPropensity} above 0,
   * only users whose probability of buying {@code targetSku} in their next order (the ranker's,
   * from their orders) reaches it get a coupon.
   */
  public record Terms(
      String name,
      long thresholdFen,
      long amountFen,
      int percentOff,
      long capFen,
      long budgetFen,
      int perUserLimit,
      String targetSegment,
      String targetSku,
      Double minPropensity)
      implements CborSerializable {

    /** Optional in requests: absent is 0, no propensity target. */
    public Terms {
      minPropensity = minPropensity == null ? 0.0 : minPropensity;
    }

    public Terms(
        String name,
        long thresholdFen,
        long amountFen,
        int percentOff,
        long capFen,
        long budgetFen,
        int perUserLimit,
        String targetSegment) {
      this(
          name,
          thresholdFen,
          amountFen,
          percentOff,
          capFen,
          budgetFen,
          perUserLimit,
          targetSegment,
          null,
          0.0);
    }

    /** Issuing asks for the user's propensity to buy {@code targetSku}. */
    public boolean byPropensity() {
      return minPropensity > 0;
    }

    /** Why the terms cannot be used, or null. */
    public String problem() {
      if (name == null || name.isBlank()) return "name is required";
      if (thresholdFen < 0) return "thresholdFen must be >= 0";
      if (percentOff < 0 || percentOff > 90) return "percentOff must be 0 to 90";
      if (percentOff == 0 && amountFen <= 0) return "amountFen must be > 0 (or give percentOff)";
      if (percentOff > 0 && capFen <= 0) return "capFen must be > 0 with percentOff";
      if (budgetFen <= 0) return "budgetFen must be > 0";
      if (perUserLimit < 1) return "perUserLimit must be >= 1";
      if (minPropensity < 0 || minPropensity >= 1 || Double.isNaN(minPropensity))
        return "minPropensity must be 0 (no propensity target) or a probability below 1";
      if (minPropensity > 0 && (targetSku == null || targetSku.isBlank()))
        return "targetSku is required with minPropensity";
      return null;
    }

    /** The discount on an order of this subtotal, 0 if it does not reach the threshold. */
    public long discountOn(long subtotalFen) {
      if (subtotalFen < thresholdFen || subtotalFen <= 0) return 0;
      long off = percentOff > 0 ? Math.min(capFen, subtotalFen * percentOff / 100) : amountFen;
      return Math.min(off, subtotalFen);
    }
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /** Creates the campaign; the same terms again are no change, other terms a conflict. */
  public record Define(Terms terms, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /**
   * Issues a coupon to a user in {@code userSegment} (the caller looked it up; null if the user has
   * no session) and, for a campaign by propensity, with the user's probability of buying its SKU
   * next ({@code propensity}; null when not known: no orders the ranker knows of). The same {@code
   * issueId} again answers the same coupon.
   */
  public record Issue(
      String issueId,
      String userId,
      String userSegment,
      Double propensity,
      ActorRef<StatusReply<Coupon>> replyTo)
      implements Command {
    public Issue(
        String issueId, String userId, String userSegment, ActorRef<StatusReply<Coupon>> replyTo) {
      this(issueId, userId, userSegment, null, replyTo);
    }
  }

  /**
   * Redeems a coupon for an order of {@code subtotalFen}; answers the discount. {@code userId}: the
   * order's customer, who must hold the coupon; null when an operator redeems for whoever holds it.
   */
  public record Redeem(
      String couponId,
      String userId,
      String orderId,
      long subtotalFen,
      ActorRef<StatusReply<Coupon>> replyTo)
      implements Command {}

  /**
   * Gives a redeemed coupon back (its order was cancelled or rejected). Also valid before the
   * order's redemption landed: the order then may not redeem the coupon any more.
   */
  public record Release(String couponId, String orderId, ActorRef<StatusReply<Coupon>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  record Batch(List<Command> commands, long number, ActorRef<Command> front)
      implements Command, NoSerializationVerificationNeeded {}

  record BatchWritten(long number) implements Command {}

  record Recovered() implements Command, NoSerializationVerificationNeeded {}

  // ---- replies ----

  /** A coupon: {@code orderId} and {@code discountFen} set while it is redeemed. */
  public record Coupon(
      String couponId, String campaignId, String userId, String orderId, long discountFen)
      implements CborSerializable {}

  public record Summary(
      String campaignId,
      Terms terms,
      int issued,
      int redeemed,
      long budgetUsedFen,
      long budgetLeftFen)
      implements CborSerializable {}

  // ---- events ----
  public sealed interface Event extends ProtoPersisted {}

  public record CampaignDefined(Terms terms) implements Event {}

  public record CouponIssued(String issueId, String couponId, String userId) implements Event {}

  public record CouponRedeemed(String couponId, String orderId, long discountFen)
      implements Event {}

  public record CouponReleased(String couponId, String orderId, long discountFen)
      implements Event {}

  public static void init(
      ActorSystem<?> system, GroupCommitFront.Settings batch, IntConsumer batchSizes) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> withFront(ctx.getEntityId(), batch, batchSizes)));
  }

  public static Behavior<Command> withFront(
      String campaignId, GroupCommitFront.Settings batch, IntConsumer batchSizes) {
    return GroupCommitFront.create(
        Command.class,
        "campaign " + campaignId,
        front -> new Campaign(campaignId, front),
        GroupCommitFront.allBatched(
            Batch::new,
            BatchWritten::new,
            BatchWritten.class,
            BatchWritten::number,
            Recovered.class,
            Campaign::refuse),
        batch,
        batchSizes);
  }

  /** Answers a command the full front refused: the caller should come back. */
  private static void refuse(Command command, String reason) {
    if (command instanceof Define d) d.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Issue i) i.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Redeem r) r.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Release r) r.replyTo().tell(StatusReply.error(reason));
    else if (command instanceof Get g) g.replyTo().tell(StatusReply.error(reason));
  }

  /** Alone, every command written by itself (tests). */
  public static Behavior<Command> create(String campaignId) {
    return new Campaign(campaignId, null);
  }

  private final String campaignId;
  private final ActorRef<Command> front;

  private Campaign(String campaignId, ActorRef<Command> front) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), campaignId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.campaignId = campaignId;
    this.front = front;
  }

  @Override
  public CampaignState emptyState() {
    return CampaignState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(500, 2);
  }

  @Override
  public SignalHandler<CampaignState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              if (front != null) front.tell(new Recovered());
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CampaignState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Batch.class, (s, b) -> decide(s, b.commands(), b.number()))
        .onCommand(BatchWritten.class, (s, c) -> Effect().noReply())
        .onAnyCommand((s, c) -> decide(s, List.of(c), -1));
  }

  @Override
  public EventHandler<CampaignState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CampaignState::apply);
  }

  /** Each command against what the ones before it left; one write; then the answers. */
  private ReplyEffect<Event, CampaignState> decide(
      CampaignState s, List<Command> commands, long number) {
    List<Event> events = new ArrayList<>();
    List<Runnable> answers = new ArrayList<>();
    CampaignState current = s;
    for (Command c : commands) {
      CampaignRules.Decision d = CampaignRules.decide(campaignId, current, c);
      for (Event e : d.events()) current = current.apply(e);
      events.addAll(d.events());
      CampaignState after = current;
      answers.add(() -> answer(c, d.refusal(), after));
    }
    Runnable answerAll =
        () -> {
          answers.forEach(Runnable::run);
          if (number >= 0) front.tell(new BatchWritten(number));
        };
    if (events.isEmpty()) {
      answerAll.run();
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(next -> answerAll.run()).thenNoReply();
  }

  private void answer(Command c, DomainError refusal, CampaignState after) {
    if (c instanceof Define d) {
      d.replyTo()
          .tell(
              refusal != null
                  ? DomainError.reply(refusal)
                  : StatusReply.success(after.summary(campaignId)));
    } else if (c instanceof Get g) {
      g.replyTo()
          .tell(
              refusal != null
                  ? DomainError.reply(refusal)
                  : StatusReply.success(after.summary(campaignId)));
    } else if (c instanceof Issue i) {
      i.replyTo()
          .tell(
              refusal != null
                  ? DomainError.reply(refusal)
                  : StatusReply.success(
                      after.coupon(campaignId, after.couponOfIssue(i.issueId()))));
    } else if (c instanceof Redeem r) {
      r.replyTo()
          .tell(
              refusal != null
                  ? DomainError.reply(refusal)
                  : StatusReply.success(after.coupon(campaignId, r.couponId())));
    } else if (c instanceof Release r) {
      r.replyTo()
          .tell(
              refusal != null
                  ? DomainError.reply(refusal)
                  : StatusReply.success(after.coupon(campaignId, r.couponId())));
    }
  }
}
