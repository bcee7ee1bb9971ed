package io.groupbuy.http;

import com.datastax.oss.driver.api.core.DriverException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.groupbuy.http.Auth.Principal;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Failures;
import io.groupbuy.platform.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.AuthorizationFailedRejection;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.RequestEntityExpectedRejection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.ValidationRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Shared pieces of every route class: credentials, JSON errors, and mapping of failures to
 * statuses.
 */
public abstract class ApiDirectives extends AllDirectives {
  protected final Auth auth;
  protected final Metrics metrics;

  private final List<Endpoint> endpoints = new ArrayList<>();

  protected ApiDirectives(Auth auth, Metrics metrics) {
    this.auth = auth;
    this.metrics = metrics;
  }

  /** The API's routes as declared by this class. */
  public abstract Route routes();

  /** The endpoints {@link #routes()} serves, in the order they were declared. */
  public List<Endpoint> endpoints() {
    if (endpoints.isEmpty()) routes();
    return List.copyOf(endpoints);
  }

  /**
   * Serves {@code method template} (for example {@code POST /orders/{orderId}/cancel}) with the
   * handler given the path parameters. Every route is declared this way, so {@link #endpoints()} is
   * what the node serves. A request whose path fits but whose method does not is rejected as a
   * method rejection (405 once no other route takes it).
   */
  protected Route endpoint(
      HttpMethod method, String template, Function<Endpoint.Params, Route> handler) {
    Endpoint endpoint = new Endpoint(method, template);
    if (!endpoints.contains(endpoint)) endpoints.add(endpoint);
    return extractRequest(
        request ->
            endpoint
                .match(request.getUri().pathSegments())
                .map(
                    params ->
                        request.method().equals(method)
                            ? handler.apply(new Endpoint.Params(params))
                            : reject(Rejections.method(method)))
                .orElseGet(this::reject));
  }

  /** Runs {@code inner} with the caller's principal, or answers 401. */
  protected Route authenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header ->
            auth.verifyHeader(header.orElse(null))
                .map(inner)
                .orElseGet(
                    () ->
                        respondWithHeader(
                            WWWAuthenticate.create(HttpChallenge.create("Bearer", "groupbuy")),
                            () ->
                                error(
                                    StatusCodes.UNAUTHORIZED,
                                    header.isPresent()
                                        ? "invalid-credentials"
                                        : "missing-credentials",
                                    header.isPresent()
                                        ? "the bearer token is invalid or expired; ask for a new one"
                                        : "send an Authorization: Bearer <token> header",
                                    "Authorization"))));
  }

  /** Runs {@code inner} for operators only: 401 without credentials, 403 for other roles. */
  protected Route operator(Function<Principal, Route> inner) {
    return authenticated(
        p ->
            p.isOperator()
                ? inner.apply(p)
                : error(
                    StatusCodes.FORBIDDEN,
                    "forbidden",
                    "this operation needs an operator token",
                    "Authorization"));
  }

  protected Route error(StatusCode status, String code, String message, String field) {
    metrics.countHttpError(status.intValue());
    if (status.intValue() == 503) {
      return respondWithHeader(
          RETRY_AFTER,
          () -> complete(status, new ApiError(code, message, field), JsonSupport.json()));
    }
    return complete(status, new ApiError(code, message, field), JsonSupport.json());
  }

  /**
   * The retry hint on every 503: the same request (same idempotency key) may be sent again after
   * this.
   */
  static final RetryAfter RETRY_AFTER = RetryAfter.create(2L);

  protected <T> Route json(StatusCode status, T body) {
    return complete(status, body, JsonSupport.json());
  }

  /**
   * Completes with the value, or maps the failure (validation, entity error, timeout) to its
   * status.
   */
  protected <T> Route onResult(CompletionStage<T> result, Function<T, Route> success) {
    return onComplete(
        result,
        attempt ->
            attempt.isSuccess() ? success.apply(attempt.get()) : failure(attempt.failed().get()));
  }

  protected Route failure(Throwable t) {
    Throwable cause = Failures.unwrap(t);
    if (cause instanceof ApiError.Failure f) {
      return error(StatusCodes.get(f.status), f.error.code(), f.error.message(), f.error.field());
    }
    if (cause instanceof TimeoutException) {
      return error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "timeout",
          "no answer in time; retry the same request (it is idempotent)",
          null);
    }
    if (cause instanceof DriverException) {
      return error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "storage-unavailable",
          "the database did not answer; retry the same request shortly",
          null);
    }
    if (cause instanceof DomainError.Failure f) {
      return domainError(f.error());
    }
    return error(
        StatusCodes.INTERNAL_SERVER_ERROR, "internal-error", "unexpected failure: " + cause, null);
  }

  /** The one place where a domain error becomes an HTTP status. */
  protected Route domainError(DomainError e) {
    StatusCode status =
        switch (e.kind()) {
          case NOT_FOUND -> StatusCodes.NOT_FOUND;
          case CONFLICT, REJECTED -> StatusCodes.CONFLICT;
          case INVALID -> StatusCodes.UNPROCESSABLE_ENTITY;
        };
    return error(status, e.code(), e.message(), e.field());
  }

  /**
   * Bad input at the protocol level (not JSON, wrong type, too large, unknown route) as JSON
   * errors.
   */
  public static RejectionHandler rejectionHandler(Metrics metrics) {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r -> {
              Throwable cause = r.getCause();
              for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c instanceof EntityStreamSizeException size) {
                  return plain(
                      metrics,
                      StatusCodes.PAYLOAD_TOO_LARGE,
                      "payload-too-large",
                      "request body larger than " + size.limit() + " bytes",
                      null);
                }
              }
              String field = null;
              for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                  field =
                      m.getPath().stream()
                          .map(
                              ref ->
                                  ref.getFieldName() != null
                                      ? ref.getFieldName()
                                      : "[" + ref.getIndex() + "]")
                          .collect(Collectors.joining("."))
                          .replace(".[", "[");
                  break;
                }
              }
              String detail = cause == null ? r.message() : Failures.rootLine(cause);
              return plain(
                  metrics,
                  StatusCodes.BAD_REQUEST,
                  "malformed-json",
                  "request body is not valid: " + detail,
                  field);
            })
        .handle(
            ValidationRejection.class,
            r -> plain(metrics, StatusCodes.BAD_REQUEST, "invalid", r.message(), null))
        .handle(
            RequestEntityExpectedRejection.class,
            r ->
                plain(
                    metrics,
                    StatusCodes.BAD_REQUEST,
                    "missing-body",
                    "this request needs a JSON body",
                    null))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r ->
                plain(
                    metrics,
                    StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-content-type",
                    "send the body as application/json",
                    "Content-Type"))
        .handle(
            MissingQueryParamRejection.class,
            r ->
                plain(
                    metrics,
                    StatusCodes.BAD_REQUEST,
                    "missing-parameter",
                    "query parameter " + r.parameterName() + " is required",
                    r.parameterName()))
        .handle(
            MalformedQueryParamRejection.class,
            r ->
                plain(
                    metrics,
                    StatusCodes.BAD_REQUEST,
                    "malformed-parameter",
                    r.errorMsg(),
                    r.parameterName()))
        .handle(
            AuthorizationFailedRejection.class,
            r -> plain(metrics, StatusCodes.FORBIDDEN, "forbidden", "not allowed", null))
        .handleAll(
            MethodRejection.class,
            rs ->
                plain(
                    metrics,
                    StatusCodes.METHOD_NOT_ALLOWED,
                    "method-not-allowed",
                    "use one of "
                        + rs.stream()
                            .map(m -> m.supported().name())
                            .collect(Collectors.joining(", ")),
                    null))
        .handleNotFound(
            plain(
                metrics,
                StatusCodes.NOT_FOUND,
                "no-such-route",
                "no such endpoint; see GET /openapi.yaml",
                null))
        .build();
  }

  public static ExceptionHandler exceptionHandler(Metrics metrics) {
    return ExceptionHandler.newBuilder()
        .match(
            ApiError.Failure.class,
            f ->
                plain(
                    metrics,
                    StatusCodes.get(f.status),
                    f.error.code(),
                    f.error.message(),
                    f.error.field()))
        .match(
            EntityStreamSizeException.class,
            e ->
                plain(
                    metrics,
                    StatusCodes.PAYLOAD_TOO_LARGE,
                    "payload-too-large",
                    "request body larger than " + e.limit() + " bytes",
                    null))
        .matchAny(
            e ->
                plain(
                    metrics,
                    StatusCodes.INTERNAL_SERVER_ERROR,
                    "internal-error",
                    "unexpected failure: " + e,
                    null))
        .build();
  }

  /**
   * A fixed JSON error route; the error is counted each time the route runs, not when it is built.
   */
  static Route plain(
      Metrics metrics, StatusCode status, String code, String message, String field) {
    final byte[] body;
    try {
      body = JsonSupport.MAPPER.writeValueAsBytes(new ApiError(code, message, field));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    AllDirectives d = new AllDirectives() {};
    return d.extractRequestContext(
        ctx -> {
          metrics.countHttpError(status.intValue());
          HttpResponse response =
              HttpResponse.create()
                  .withStatus(status)
                  .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
          return d.complete(status.intValue() == 503 ? response.addHeader(RETRY_AFTER) : response);
        });
  }
}
