package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.pattern.StatusReply;

/** Reads the typed error an entity answered with. */
public final class Refusals {
  private Refusals() {}

  public static DomainError of(StatusReply<?> reply) {
    assertTrue(reply.isError(), () -> "expected an error, got " + reply);
    Throwable error = reply.getError();
    assertTrue(
        error instanceof DomainError.Failure,
        () -> "expected a DomainError, got " + error.getClass().getName() + ": " + error);
    return ((DomainError.Failure) error).error();
  }

  public static DomainError.Kind kind(StatusReply<?> reply) {
    return of(reply).kind();
  }
}
