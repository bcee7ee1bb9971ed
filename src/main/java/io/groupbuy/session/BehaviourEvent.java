package io.groupbuy.session;

import java.util.Optional;

/**
 * One thing a user did in the app, as the client reports it: {@code tsMs} is the client's time of
 * the action (epoch milliseconds); {@code sku}, {@code page} and {@code durationMs} are optional
 * ({@code null} when absent). {@code category} is not the client's: the server sets it from the
 * catalog when the event arrives, so that a session replaying its journal sees the category the SKU
 * had then.
 */
public record BehaviourEvent(
    String eventId,
    String userId,
    long tsMs,
    BehaviourEvent.Action action,
    String sku,
    String page,
    Long durationMs,
    String category) {

  /** As the client reports it, before the server looks up the category. */
  public BehaviourEvent(
      String eventId,
      String userId,
      long tsMs,
      Action action,
      String sku,
      String page,
      Long durationMs) {
    this(eventId, userId, tsMs, action, sku, page, durationMs, null);
  }

  public BehaviourEvent withCategory(String category) {
    return new BehaviourEvent(eventId, userId, tsMs, action, sku, page, durationMs, category);
  }

  /** What the user did. */
  public enum Action {
    VIEW,
    CLICK,
    CART,
    UNCART,
    ORDER,
    COUPON_USE
  }

  /** Why an event is refused before it reaches any user's session. */
  public enum Rejection {
    MISSING_EVENT_ID,
    MISSING_USER,
    MISSING_ACTION,
    MISSING_TIMESTAMP,
    NEGATIVE_DURATION,
    /** An action this version does not know. */
    UNKNOWN_ACTION,
    /** An event or user id of other characters than A-Z a-z 0-9 . _ : - or over 100 long. */
    INVALID_ID,
    /** A page name over 200 characters. */
    PAGE_TOO_LONG,
    /** A SKU the catalog does not have. */
    UNKNOWN_SKU
  }

  /**
   * The first rule of cleaning, which needs no history: an event without an id, a user, an action
   * or a time cannot be attributed or deduplicated.
   */
  public static Optional<Rejection> check(
      String eventId, String userId, Action action, Long tsMs, Long durationMs) {
    if (eventId == null || eventId.isBlank()) return Optional.of(Rejection.MISSING_EVENT_ID);
    if (userId == null || userId.isBlank()) return Optional.of(Rejection.MISSING_USER);
    if (action == null) return Optional.of(Rejection.MISSING_ACTION);
    if (tsMs == null) return Optional.of(Rejection.MISSING_TIMESTAMP);
    if (durationMs != null && durationMs < 0) return Optional.of(Rejection.NEGATIVE_DURATION);
    return Optional.empty();
  }
}
