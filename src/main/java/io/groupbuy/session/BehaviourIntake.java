package io.groupbuy.session;

import io.groupbuy.platform.Metrics;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.BehaviourEvent.Action;
import io.groupbuy.session.BehaviourEvent.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Behaviour uploads, one path for the JSON and protobuf bodies: each event is checked at the edge
 * (refused with a {@link Rejection} if it cannot be attributed or is malformed), given its SKU's
 * category from the catalog, and the rest go to their users' sessions, one message per user. An
 * upload is answered once every session has persisted its share, so a client that hears nothing (a
 * timeout) sends the same upload again, and the sessions drop what they already have.
 */
public final class BehaviourIntake {
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  static final int MAX_PAGE = 200;

  /** One event as uploaded; absent fields are {@code null}. */
  public record RawEvent(
      String eventId,
      String userId,
      Long ts,
      String action,
      String sku,
      String page,
      Long durationMs) {}

  /** An event refused at the edge: its place in the upload, its id if any, and why. */
  public record Refused(int index, String eventId, Rejection reason) {}

  /**
   * What an upload came to: events accepted into sessions, those the sessions dropped by rule, and
   * those refused at the edge.
   */
  public record Result(int accepted, Map<Rule, Integer> dropped, List<Refused> rejected) {}

  private final ClusterSharding sharding;
  private final Function<String, CompletionStage<Optional<String>>> categoryOf;
  private final Duration timeout;
  private final Metrics metrics;

  /**
   * {@code categoryOf}: a SKU's category ("" if it has none), empty if the catalog does not have
   * the SKU.
   */
  public BehaviourIntake(
      ActorSystem<?> system,
      Function<String, CompletionStage<Optional<String>>> categoryOf,
      Duration timeout,
      Metrics metrics) {
    this.sharding = ClusterSharding.get(system);
    this.categoryOf = categoryOf;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /** Checks, attributes and records an upload. */
  public CompletionStage<Result> ingest(List<RawEvent> raw) {
    List<Refused> rejected = new ArrayList<>();
    List<BehaviourEvent> checked = new ArrayList<>(raw.size());
    List<Integer> indexes = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      RawEvent r = raw.get(i);
      Optional<Rejection> refusal = r == null ? Optional.of(Rejection.MISSING_EVENT_ID) : check(r);
      if (refusal.isPresent()) {
        rejected.add(new Refused(i, r == null ? null : r.eventId(), refusal.get()));
      } else {
        checked.add(
            new BehaviourEvent(
                r.eventId(),
                r.userId(),
                r.ts(),
                action(r.action()),
                r.sku(),
                r.page(),
                r.durationMs()));
        indexes.add(i);
      }
    }
    return categories(checked)
        .thenCompose(
            categories -> {
              Map<String, List<BehaviourEvent>> byUser = new LinkedHashMap<>();
              for (int k = 0; k < checked.size(); k++) {
                BehaviourEvent e = checked.get(k);
                String category = null;
                if (e.sku() != null) {
                  Optional<String> known = categories.get(e.sku());
                  if (known.isEmpty()) {
                    rejected.add(new Refused(indexes.get(k), e.eventId(), Rejection.UNKNOWN_SKU));
                    continue;
                  }
                  category = known.get().isEmpty() ? null : known.get();
                }
                byUser
                    .computeIfAbsent(e.userId(), u -> new ArrayList<>())
                    .add(e.withCategory(category));
              }
              rejected.sort((a, b) -> Integer.compare(a.index(), b.index()));
              rejected.forEach(
                  r ->
                      metrics
                          .behaviourRejected
                          .labelValues(r.reason().name().toLowerCase(Locale.ROOT))
                          .inc());
              return record(byUser, rejected);
            });
  }

  private CompletionStage<Result> record(
      Map<String, List<BehaviourEvent>> byUser, List<Refused> rejected) {
    List<CompletableFuture<UserSession.Recorded>> asks = new ArrayList<>(byUser.size());
    byUser.forEach(
        (userId, events) ->
            asks.add(
                sharding
                    .entityRefFor(UserSession.ENTITY_KEY, userId)
                    .<UserSession.Recorded>askWithStatus(
                        reply -> new UserSession.Record(events, reply), timeout)
                    .toCompletableFuture()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              int accepted = 0;
              Map<Rule, Integer> dropped = new EnumMap<>(Rule.class);
              for (CompletableFuture<UserSession.Recorded> ask : asks) {
                for (Rule verdict : ask.join().verdicts()) {
                  if (verdict == Rule.ACCEPTED) accepted++;
                  else dropped.merge(verdict, 1, Integer::sum);
                }
              }
              return new Result(accepted, dropped, List.copyOf(rejected));
            });
  }

  /** The categories of the SKUs named, each looked up once. */
  private CompletionStage<Map<String, Optional<String>>> categories(List<BehaviourEvent> events) {
    Set<String> skus = new LinkedHashSet<>();
    for (BehaviourEvent e : events) if (e.sku() != null) skus.add(e.sku());
    Map<String, CompletableFuture<Optional<String>>> lookups = new LinkedHashMap<>();
    for (String sku : skus) lookups.put(sku, categoryOf.apply(sku).toCompletableFuture());
    return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, Optional<String>> out = new LinkedHashMap<>();
              lookups.forEach((sku, f) -> out.put(sku, f.join()));
              return out;
            });
  }

  /** The edge's rules: what can be said of one event alone. */
  static Optional<Rejection> check(RawEvent r) {
    Action action = r.action() == null ? null : action(r.action());
    // any action will do here: only whether one was given counts
    Optional<Rejection> missing =
        BehaviourEvent.check(
            r.eventId(),
            r.userId(),
            r.action() == null ? null : Action.VIEW,
            r.ts(),
            r.durationMs());
    if (missing.isPresent()) return missing;
    if (action == null) return Optional.of(Rejection.UNKNOWN_ACTION);
    if (!ID.matcher(r.eventId()).matches() || !ID.matcher(r.userId()).matches())
      return Optional.of(Rejection.INVALID_ID);
    if (r.sku() != null && !ID.matcher(r.sku()).matches())
      return Optional.of(Rejection.UNKNOWN_SKU);
    if (r.page() != null && r.page().length() > MAX_PAGE)
      return Optional.of(Rejection.PAGE_TOO_LONG);
    return Optional.empty();
  }

  /** {@code view}, {@code CLICK}, {@code coupon_use}, {@code coupon-use}: any case; else null. */
  static Action action(String name) {
    String normal = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Action a : Action.values()) if (a.name().equals(normal)) return a;
    return null;
  }
}
