package io.groupbuy.coupon;

import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.ApiError;
import io.groupbuy.http.Auth;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.platform.Metrics;
import io.groupbuy.session.Recommendations;
import io.groupbuy.session.SessionState;
import io.groupbuy.session.UserSession;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The coupon API, for operators: define a campaign ({@code PUT /campaigns/{id}}), read it, issue a
 * coupon to a user (eligibility by the user's live segment), redeem one for an order and release it
 * again. Every write is idempotent: a campaign by its terms, an issue by its issue id, a redemption
 * and a release by the order id.
 */
public final class CouponRoutes extends ApiDirectives {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public record IssueRequest(String issueId, String userId) {}

  /** {@code userId}, if given, must hold the coupon. */
  public record RedeemRequest(String couponId, String userId, String orderId, Long subtotalFen) {}

  public record ReleaseRequest(String couponId, String orderId) {}

  private final ClusterSharding sharding;
  private final Duration timeout;

  private final Recommendations recommendations;

  /**
   * {@code recommendations}: whose ranker gives users' propensities for campaigns by propensity.
   */
  public CouponRoutes(
      ActorSystem<?> system,
      Duration timeout,
      Auth auth,
      Metrics metrics,
      Recommendations recommendations) {
    super(auth, metrics);
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.recommendations = recommendations;
  }

  private EntityRef<Campaign.Command> campaign(String id) {
    return sharding.entityRefFor(Campaign.ENTITY_KEY, id);
  }

  @Override
  public Route routes() {
    return concat(
        endpoint(
            HttpMethods.PUT,
            "/campaigns/{campaignId}",
            path ->
                withCampaign(
                    path.get("campaignId"),
                    id ->
                        entity(
                            JsonSupport.body(Campaign.Terms.class),
                            terms ->
                                onResult(
                                    campaign(id)
                                        .<Campaign.Summary>askWithStatus(
                                            r -> new Campaign.Define(terms, r), timeout),
                                    s -> json(StatusCodes.OK, s))))),
        endpoint(
            HttpMethods.GET,
            "/campaigns/{campaignId}",
            path ->
                withCampaign(
                    path.get("campaignId"),
                    id ->
                        onResult(
                            campaign(id)
                                .<Campaign.Summary>askWithStatus(Campaign.Get::new, timeout),
                            s -> json(StatusCodes.OK, s)))),
        endpoint(
            HttpMethods.POST,
            "/campaigns/{campaignId}/coupons",
            path ->
                withCampaign(
                    path.get("campaignId"),
                    id ->
                        entity(
                            JsonSupport.body(IssueRequest.class),
                            req -> onResult(issue(id, req), c -> json(StatusCodes.OK, c))))),
        endpoint(
            HttpMethods.POST,
            "/campaigns/{campaignId}/redemptions",
            path ->
                withCampaign(
                    path.get("campaignId"),
                    id ->
                        entity(
                            JsonSupport.body(RedeemRequest.class),
                            req -> onResult(redeem(id, req), c -> json(StatusCodes.OK, c))))),
        endpoint(
            HttpMethods.POST,
            "/campaigns/{campaignId}/releases",
            path ->
                withCampaign(
                    path.get("campaignId"),
                    id ->
                        entity(
                            JsonSupport.body(ReleaseRequest.class),
                            req -> onResult(release(id, req), c -> json(StatusCodes.OK, c))))));
  }

  private Route withCampaign(String id, Function<String, Route> inner) {
    if (!ID.matcher(id).matches()) {
      return error(
          StatusCodes.BAD_REQUEST,
          "invalid",
          "campaignId must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          "campaignId");
    }
    return operator(p -> inner.apply(id));
  }

  private static void requireId(String value, String field) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new ApiError.Failure(
          400,
          value == null ? "missing-field" : "invalid",
          field + " must be 1-100 characters of A-Z a-z 0-9 . _ : -",
          field);
    }
  }

  /**
   * Issues after looking up the user's segment in their session and, for a campaign by propensity,
   * their probability of buying its SKU next.
   */
  private CompletionStage<Campaign.Coupon> issue(String campaignId, IssueRequest req) {
    requireId(req.issueId(), "issueId");
    requireId(req.userId(), "userId");
    CompletionStage<Campaign.Summary> campaign =
        campaign(campaignId).askWithStatus(Campaign.Get::new, timeout);
    CompletionStage<SessionState.View> session =
        sharding
            .entityRefFor(UserSession.ENTITY_KEY, req.userId())
            .ask(UserSession.GetSession::new, timeout);
    return campaign
        .thenCombine(session, (summary, view) -> eligibility(summary.terms(), view))
        .thenCompose(
            who ->
                campaign(campaignId)
                    .askWithStatus(
                        r ->
                            new Campaign.Issue(
                                req.issueId(), req.userId(), who.segment(), who.propensity(), r),
                        timeout));
  }

  /** What the campaign decides a user's eligibility on. */
  private record Eligibility(String segment, Double propensity) {}

  private Eligibility eligibility(Campaign.Terms terms, SessionState.View view) {
    if (view.segment() == null) return new Eligibility(null, null); // no session
    Double propensity =
        terms.byPropensity()
            ? recommendations.propensity(view, terms.targetSku()).orElse(null)
            : null;
    return new Eligibility(view.segment().name(), propensity);
  }

  private CompletionStage<Campaign.Coupon> redeem(String campaignId, RedeemRequest req) {
    requireId(req.couponId(), "couponId");
    requireId(req.orderId(), "orderId");
    if (req.userId() != null) requireId(req.userId(), "userId");
    if (req.subtotalFen() == null || req.subtotalFen() < 0) {
      throw new ApiError.Failure(
          400, "invalid", "subtotalFen must be a whole number >= 0", "subtotalFen");
    }
    return campaign(campaignId)
        .askWithStatus(
            r ->
                new Campaign.Redeem(
                    req.couponId(), req.userId(), req.orderId(), req.subtotalFen(), r),
            timeout);
  }

  private CompletionStage<Campaign.Coupon> release(String campaignId, ReleaseRequest req) {
    requireId(req.couponId(), "couponId");
    requireId(req.orderId(), "orderId");
    return campaign(campaignId)
        .askWithStatus(r -> new Campaign.Release(req.couponId(), req.orderId(), r), timeout);
  }
}
