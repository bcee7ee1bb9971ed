package io.groupbuy.platform;

import java.util.Objects;
import org.apache.pekko.pattern.StatusReply;

/**
 * Why an entity refused a command, as every feature says it. The HTTP edge maps the kinds to
 * statuses in one place; the saga and the drivers' socket read the same type. It crosses nodes as
 * the protobuf {@code DomainErrorReply} inside a {@link Failure}.
 */
public sealed interface DomainError {

  /** The kinds, so that a switch over them is checked for completeness. */
  enum Kind {
    NOT_FOUND("not-found"),
    CONFLICT("conflict"),
    INVALID("invalid"),
    REJECTED("rejected");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** The stable machine code clients see. */
    public String code() {
      return code;
    }
  }

  Kind kind();

  String message();

  /** The offending field of the command, or null when the error is about the whole command. */
  String field();

  default String code() {
    return kind().code();
  }

  /** The id names nothing that exists. */
  record NotFound(String message, String field) implements DomainError {
    public NotFound {
      Objects.requireNonNull(message);
    }

    public NotFound(String message) {
      this(message, null);
    }

    @Override
    public Kind kind() {
      return Kind.NOT_FOUND;
    }
  }

  /** The command does not fit the entity's current state (cancel a delivered order). */
  record Conflict(String message) implements DomainError {
    public Conflict {
      Objects.requireNonNull(message);
    }

    @Override
    public Kind kind() {
      return Kind.CONFLICT;
    }

    @Override
    public String field() {
      return null;
    }
  }

  /** A value of the command is out of its range, whatever the state. */
  record Invalid(String message, String field) implements DomainError {
    public Invalid {
      Objects.requireNonNull(message);
    }

    public Invalid(String message) {
      this(message, null);
    }

    @Override
    public Kind kind() {
      return Kind.INVALID;
    }
  }

  /** A business rule said no (not enough stock); the same command may succeed later. */
  record Rejected(String message) implements DomainError {
    public Rejected {
      Objects.requireNonNull(message);
    }

    @Override
    public Kind kind() {
      return Kind.REJECTED;
    }

    @Override
    public String field() {
      return null;
    }
  }

  static DomainError of(Kind kind, String message, String field) {
    return switch (kind) {
      case NOT_FOUND -> new NotFound(message, field);
      case CONFLICT -> new Conflict(message);
      case INVALID -> new Invalid(message, field);
      case REJECTED -> new Rejected(message);
    };
  }

  /** The error as an entity's answer to {@code askWithStatus}. */
  static <T> StatusReply<T> reply(DomainError error) {
    return StatusReply.error(new Failure(error));
  }

  /** This error as a failed future's cause. */
  default Failure failure() {
    return new Failure(this);
  }

  /**
   * The carrier through {@link StatusReply} and failed futures. No stack trace: it is an answer,
   * not a bug.
   */
  final class Failure extends RuntimeException {
    private final DomainError error;

    public Failure(DomainError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    public DomainError error() {
      return error;
    }

    @Override
    public String toString() {
      return error.code() + ": " + error.message();
    }
  }
}
