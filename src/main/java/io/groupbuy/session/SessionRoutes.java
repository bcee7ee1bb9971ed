package io.groupbuy.session;

import com.google.protobuf.InvalidProtocolBufferException;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import io.groupbuy.recommend.SkuRecommender;
import io.groupbuy.session.BehaviourIntake.RawEvent;
import io.groupbuy.session.proto.BehaviourAction;
import io.groupbuy.session.proto.BehaviourBatch;
import io.groupbuy.session.proto.BehaviourEventProto;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * The behaviour API. {@code POST /behaviour}: an upload of events, JSON ({@code {"events": [...]}})
 * or protobuf ({@code application/x-protobuf}, a {@code BehaviourBatch} of {@code
 * protobuf/session.proto}), from an operator's collector (any users) or a customer's app (the
 * customer's own events only). {@code GET /users/{userId}/session}: the session's segment, features
 * and cleaning counts, for operators and for the user.
 */
public final class SessionRoutes extends ApiDirectives {
  private static final String PROTOBUF = "application/x-protobuf";

  /** An upload as JSON; {@code ts}: the client's time of the action, epoch milliseconds. */
  public record UploadRequest(List<RawEvent> events) {}

  /** A session as the API shows it. */
  public record SessionView(String userId, SessionState.View session) {}

  /**
   * Recommendations as the API shows them: {@code model} the item-CF model's source, {@code
   * rankedBy} what ordered them ({@code wide-deep: ...} or {@code item-cf}).
   */
  public record RecommendationsView(
      String userId, String model, String rankedBy, List<SkuRecommender.Recommendation> items) {}

  private final ActorSystem<?> system;
  private final BehaviourIntake intake;
  private final Recommendations recommendations;
  private final java.util.function.Function<String, List<String>> skusInCategory;
  private static final int MAX_K = 100;
  private final int maxBatch;
  private final long bodyLimit;
  private final Duration timeout;

  public SessionRoutes(
      ActorSystem<?> system,
      BehaviourIntake intake,
      Recommendations recommendations,
      int maxBatch,
      long bodyLimit,
      Duration timeout,
      Auth auth,
      Metrics metrics,
      java.util.function.Function<String, List<String>> skusInCategory) {
    super(auth, metrics);
    this.system = system;
    this.intake = intake;
    this.recommendations = recommendations;
    this.skusInCategory = skusInCategory;
    this.maxBatch = maxBatch;
    this.bodyLimit = bodyLimit;
    this.timeout = timeout;
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.POST,
            "/behaviour",
            path ->
                authenticated(
                    p ->
                        withSizeLimit(
                            bodyLimit,
                            () ->
                                extractRequestEntity(
                                    e ->
                                        e.getContentType().mediaType().toString().equals(PROTOBUF)
                                            ? entity(
                                                Unmarshaller.entityToByteString(),
                                                bytes -> protobuf(p, bytes))
                                            : entity(
                                                JsonSupport.body(UploadRequest.class),
                                                req -> json(p, req)))))),
        endpoint(
            HttpMethods.GET,
            "/users/{userId}/propensity",
            path ->
                ownUser(
                    path.get("userId"),
                    "propensity",
                    userId ->
                        parameterOptional(
                            "sku",
                            sku ->
                                parameterOptional(
                                    "category",
                                    category ->
                                        propensity(
                                            userId, sku.orElse(null), category.orElse(null)))))),
        endpoint(
            HttpMethods.GET,
            "/users/{userId}/recommendations",
            path ->
                ownUser(
                    path.get("userId"),
                    "recommendations",
                    userId -> parameterOptional("k", k -> recommend(userId, k.orElse(null))))),
        endpoint(
            HttpMethods.GET,
            "/users/{userId}/session",
            path -> ownUser(path.get("userId"), "session", this::session)));
  }

  /** A valid user id, read by an operator or by that user; else 400 or 403. */
  private Route ownUser(
      String userId, String what, java.util.function.Function<String, Route> inner) {
    if (!BehaviourIntake.ID.matcher(userId).matches()) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid",
          "userId must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          "userId");
    }
    return authenticated(
        p ->
            p.isOperator() || p.subject().equals(userId)
                ? inner.apply(userId)
                : error(
                    StatusCodes.FORBIDDEN,
                    "forbidden",
                    "a customer may read only their own " + what,
                    "userId"));
  }

  private java.util.concurrent.CompletionStage<SessionState.View> view(String userId) {
    return ClusterSharding.get(system)
        .entityRefFor(UserSession.ENTITY_KEY, userId)
        .ask(UserSession.GetSession::new, timeout);
  }

  private Route recommend(String userId, String kParam) {
    int k;
    try {
      k = kParam == null ? 10 : Integer.parseInt(kParam);
    } catch (NumberFormatException e) {
      k = -1;
    }
    if (k < 1 || k > MAX_K) {
      return error(
          StatusCodes.BAD_REQUEST, "invalid", "k must be a whole number from 1 to " + MAX_K, "k");
    }
    int wanted = k;
    long start = System.nanoTime();
    return onResult(
        view(userId),
        view ->
            recommendations
                .forSession(view.segment() == null ? null : view, wanted)
                .map(
                    made -> {
                      metrics.recommendationSeconds.observe((System.nanoTime() - start) / 1e9);
                      return made;
                    })
                .map(
                    made ->
                        json(
                            StatusCodes.OK,
                            new RecommendationsView(
                                userId, made.model(), made.rankedBy(), made.items())))
                .orElseGet(
                    () ->
                        error(
                            StatusCodes.SERVICE_UNAVAILABLE,
                            "no-model",
                            "no recommendation model is loaded from "
                                + recommendations.file()
                                + "; build one with bin/recommend-train",
                            null)));
  }

  /**
   * P(the user buys the SKU, or any SKU of the category, in their next order), from the ranker in
   * use; one of {@code sku} and {@code category} is null.
   */
  public record PropensityView(
      String userId, String sku, String category, double probability, String rankedBy) {}

  private Route propensity(String userId, String sku, String category) {
    if ((sku == null) == (category == null)) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid",
          "give one of sku and category: GET /users/{id}/propensity?sku=... or ?category=...",
          sku == null ? "sku" : "category");
    }
    String field = sku != null ? "sku" : "category";
    String what = sku != null ? sku : category;
    if (what.isBlank() || what.length() > 100) {
      return error(StatusCodes.BAD_REQUEST, "invalid", field + " must be 1-100 characters", field);
    }
    List<String> skus = sku != null ? List.of(sku) : skusInCategory.apply(category);
    if (skus.isEmpty()) {
      return error(
          StatusCodes.NOT_FOUND, "not-found", "no SKU in category " + category, "category");
    }
    return onResult(
        view(userId),
        view ->
            recommendations
                .propensityOfAny(view.segment() == null ? null : view, skus)
                .map(
                    p ->
                        json(
                            StatusCodes.OK,
                            new PropensityView(
                                userId,
                                sku,
                                category,
                                p,
                                recommendations.rankerSource().orElse(""))))
                .orElseGet(
                    () ->
                        error(
                            StatusCodes.NOT_FOUND,
                            "no-prediction",
                            "no prediction for user "
                                + userId
                                + " and "
                                + field
                                + " "
                                + what
                                + ": the user has no orders, the ranker does not know the SKU, or"
                                + " no ranker is loaded",
                            field)));
  }

  private Route session(String userId) {
    return onResult(
        view(userId),
        view ->
            view.segment() == null
                ? error(
                    StatusCodes.NOT_FOUND,
                    "not-found",
                    "no behaviour recorded for user " + userId,
                    "userId")
                : json(StatusCodes.OK, new SessionView(userId, view)));
  }

  private Route json(Auth.Principal p, UploadRequest req) {
    if (req.events() == null)
      return error(StatusCodes.BAD_REQUEST, "missing-field", "events is required", "events");
    return upload(p, req.events());
  }

  private Route protobuf(Auth.Principal p, ByteString bytes) {
    BehaviourBatch batch;
    try {
      batch = BehaviourBatch.parseFrom(bytes.toArray());
    } catch (InvalidProtocolBufferException e) {
      return error(
          StatusCodes.BAD_REQUEST,
          "malformed-protobuf",
          "the body is not a BehaviourBatch (protobuf/session.proto): " + e.getMessage(),
          null);
    }
    return upload(p, batch.getEventsList().stream().map(SessionRoutes::raw).toList());
  }

  private Route upload(Auth.Principal p, List<RawEvent> events) {
    if (events.size() > maxBatch) {
      return error(
          StatusCodes.PAYLOAD_TOO_LARGE,
          "batch-too-large",
          events.size() + " events in one upload; send at most " + maxBatch,
          "events");
    }
    if (!p.isOperator()
        && events.stream()
            .anyMatch(e -> e != null && e.userId() != null && !e.userId().equals(p.subject()))) {
      return error(
          StatusCodes.FORBIDDEN,
          "forbidden",
          "a customer may upload only their own events (userId " + p.subject() + ")",
          "userId");
    }
    return onResult(intake.ingest(events), r -> json(StatusCodes.OK, r));
  }

  private static RawEvent raw(BehaviourEventProto e) {
    return new RawEvent(
        e.getEventId().isEmpty() ? null : e.getEventId(),
        e.getUserId().isEmpty() ? null : e.getUserId(),
        e.hasTsMs() ? e.getTsMs() : null,
        action(e.getAction()),
        e.hasSku() ? e.getSku() : null,
        e.hasPage() ? e.getPage() : null,
        e.hasDurationMs() ? e.getDurationMs() : null);
  }

  /** Absent is null; a number this version does not know goes on as a name it will refuse. */
  private static String action(BehaviourAction a) {
    if (a == BehaviourAction.BEHAVIOUR_ACTION_UNSPECIFIED) return null;
    BehaviourEvent.Action known = SessionProtobuf.action(a);
    return Objects.requireNonNullElse(
        known == null ? null : known.name().toLowerCase(Locale.ROOT), "unrecognized");
  }
}
