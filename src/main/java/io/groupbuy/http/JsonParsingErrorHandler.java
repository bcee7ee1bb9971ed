package io.groupbuy.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests that fail before routing (a 100 KB header, an overlong URI, a broken request line) are
 * answered in the API's JSON error shape too, not in Pekko HTTP's plain text. Configured as {@code
 * pekko.http.server.parsing.error-handler}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String code =
        switch (status.intValue()) {
          case 431 -> "headers-too-large";
          case 413 -> "payload-too-large";
          case 414 -> "uri-too-long";
          case 501 -> "not-implemented";
          case 505 -> "http-version-not-supported";
          default -> "bad-request";
        };
    String detail = info.summary().isEmpty() ? status.reason() : info.summary();
    String field = status.intValue() == 431 ? "headers" : null;
    byte[] body;
    try {
      body =
          JsonSupport.MAPPER.writeValueAsBytes(
              new ApiError(code, detail + "; the request was not processed", field));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return HttpResponse.create()
        .withStatus(status.intValue())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }
}
