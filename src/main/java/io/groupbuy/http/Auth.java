package io.groupbuy.http;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Issues and checks the bearer tokens of the public API: HMAC-SHA256 signed JWTs carrying a subject
 * and a role. Every route checks credentials through this one class.
 */
public final class Auth {
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

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final String issuer;

  public Auth(String secret, String issuer) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("groupbuy.auth.secret must be at least 32 characters");
    }
    this.algorithm = Algorithm.HMAC256(secret);
    this.issuer = issuer;
    this.verifier =
        JWT.require(algorithm).withIssuer(issuer).withClaimPresence("exp").acceptLeeway(5).build();
  }

  public String issue(String subject, Role role, Duration validFor) {
    Instant now = Instant.now();
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
    try {
      DecodedJWT jwt = verifier.verify(token);
      String role = jwt.getClaim("role").asString();
      if (jwt.getSubject() == null || jwt.getSubject().isBlank() || role == null)
        return Optional.empty();
      return Optional.of(
          new Principal(jwt.getSubject(), Role.valueOf(role.toUpperCase(Locale.ROOT))));
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
