package io.groupbuy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.http.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small JSON client of the public API, used by the simulator, the catalog loader and the benchmarks. */
public final class ApiClient {
  /** A response: status and parsed JSON body (null when the body is not JSON). */
  public record Reply(int status, JsonNode body, String raw) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http;
  private final String baseUrl;

  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public CompletableFuture<Reply> send(String method, String path, String token, Object body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      byte[] bytes = body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : toJson(body);
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      JsonNode json = null;
      try {
        if (!r.body().isEmpty()) json = JsonSupport.MAPPER.readTree(r.body());
      } catch (IOException notJson) {
        // leave json null; the raw body is still there
      }
      return new Reply(r.statusCode(), json, r.body());
    });
  }

  public Reply call(String method, String path, String token, Object body) {
    return send(method, path, token, body).join();
  }

  private static byte[] toJson(Object body) {
    try {
      return JsonSupport.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
