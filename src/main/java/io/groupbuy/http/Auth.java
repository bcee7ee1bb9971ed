package io.groupbuy.http;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Issues and checks the bearer tokens of the public API: HMAC-SHA256 signed JWTs carrying a subject
 * and a role. Every route checks credentials through this one class.
 *
 * <p>A client sends the same token with every request, so a verified token is remembered (bounded,
 * least recently used first out) until it expires: the signature is checked once per token, not
 * once per request. Tokens that fail are not remembered, so garbage cannot fill the cache.
 */
public final class Auth {
  /** Clock skew accepted on a token's expiry, by the verifier and by the cache alike. */
  static final long LEEWAY_SECONDS = 5;

  public enum Role {
    CUSTOMER,
    OPERATOR,
    DRIVER
  }

  /** Who is calling: a customer id, an operator name or a driver's vehicle id, with the role. */
  public record Principal(String subject, Role role) {
    public boolean isOperator() {
      return role == Role.OPERATOR;
    }
  }

  /** {@code usableUntilMs} is exclusive, as the verifier's own check of the expiry. */
  private record Verified(Principal principal, long usableUntilMs) {}

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final String issuer;
  private final Clock clock;
  private final Cache<String, Verified> verified;

  public Auth(String secret, String issuer) {
    this(secret, issuer, 50_000, Clock.systemUTC());
  }

  /**
   * @param cachedTokens how many verified tokens to remember; 0 verifies every request
   */
  public Auth(String secret, String issuer, int cachedTokens, Clock clock) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("groupbuy.auth.secret must be at least 32 characters");
    }
    if (cachedTokens < 0) {
      throw new IllegalArgumentException("groupbuy.auth.cached-tokens must be >= 0");
    }
    this.algorithm = Algorithm.HMAC256(secret);
    this.issuer = issuer;
    this.clock = clock;
    this.verifier =
        ((JWTVerifier.BaseVerification)
                JWT.require(algorithm)
                    .withIssuer(issuer)
                    .withClaimPresence("exp")
                    .acceptLeeway(LEEWAY_SECONDS))
            .build(clock);
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(cachedTokens)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .expireAfter(new UntilUnusable())
            .build();
  }

  public String issue(String subject, Role role, Duration validFor) {
    Instant now = clock.instant();
    return JWT.create()
        .withIssuer(issuer)
        .withSubject(subject)
        .withClaim("role", role.name().toLowerCase(Locale.ROOT))
        .withIssuedAt(now)
        .withExpiresAt(now.plus(validFor))
        .sign(algorithm);
  }

  /** The principal of a valid {@code Authorization: Bearer …} header value, or empty. */
  public Optional<Principal> verifyHeader(String headerValue) {
    if (headerValue == null || !headerValue.regionMatches(true, 0, "Bearer ", 0, 7))
      return Optional.empty();
    return verify(headerValue.substring(7).trim());
  }

  public Optional<Principal> verify(String token) {
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      // the cache evicts expired entries lazily; an entry past its time must not answer
      if (clock.millis() < known.usableUntilMs()) return Optional.of(known.principal());
      verified.invalidate(token);
    }
    try {
      DecodedJWT jwt = verifier.verify(token);
      String role = jwt.getClaim("role").asString();
      if (jwt.getSubject() == null || jwt.getSubject().isBlank() || role == null)
        return Optional.empty();
      Principal principal =
          new Principal(jwt.getSubject(), Role.valueOf(role.toUpperCase(Locale.ROOT)));
      long usableUntil = jwt.getExpiresAtAsInstant().toEpochMilli() + LEEWAY_SECONDS * 1000;
      verified.put(token, new Verified(principal, usableUntil));
      return Optional.of(principal);
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Verified tokens remembered now (for tests and metrics). */
  public long cachedTokens() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  /** Each entry lives until its token stops being accepted. */
  private final class UntilUnusable implements Expiry<String, Verified> {
    @Override
    public long expireAfterCreate(String token, Verified v, long currentTime) {
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, v.usableUntilMs() - clock.millis()));
    }

    @Override
    public long expireAfterUpdate(
        String token, Verified v, long currentTime, long currentDuration) {
      return expireAfterCreate(token, v, currentTime);
    }

    @Override
    public long expireAfterRead(String token, Verified v, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
