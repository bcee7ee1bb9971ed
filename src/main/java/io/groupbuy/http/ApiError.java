package io.groupbuy.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every 4xx/5xx answer: a stable machine code, a message for people, and the offending
 * field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String code, String message, String field) {
  public static ApiError of(String code, String message) {
    return new ApiError(code, message, null);
  }

  /** Thrown by validation to abort a request with a given status. */
  public static final class Failure extends RuntimeException {
    public final int status;
    public final ApiError error;

    public Failure(int status, String code, String message, String field) {
      super(message, null, false, false);
      this.status = status;
      this.error = new ApiError(code, message, field);
    }
  }
}
