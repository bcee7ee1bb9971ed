package io.groupbuy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.http.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A small JSON client of the public API, used by the simulator, the catalog loader and the
 * benchmarks.
 */
public final class ApiClient {
  /**
   * A response: status, parsed JSON body (null when the body is not JSON), and the Retry-After
   * header (null if absent).
   */
  public record Reply(int status, JsonNode body, String raw, String retryAfter) {
    public Reply(int status, JsonNode body, String raw) {
      this(status, body, raw, null);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http;
  private final String baseUrl;

  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public CompletableFuture<Reply> send(String method, String path, String token, Object body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      byte[] bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : toJson(body);
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              JsonNode json = null;
              try {
                if (!r.body().isEmpty()) json = JsonSupport.MAPPER.readTree(r.body());
              } catch (IOException notJson) {
                // leave json null; the raw body is still there
              }
              return new Reply(
                  r.statusCode(),
                  json,
                  r.body(),
                  r.headers().firstValue("Retry-After").orElse(null));
            });
  }

  public Reply call(String method, String path, String token, Object body) {
    return send(method, path, token, body).join();
  }

  /**
   * Calls an idempotent endpoint, retrying a lost connection or a 502/503/504 with exponential
   * backoff (0.5 s doubling to 8 s) for up to {@code attempts} tries; returns the first other
   * answer, or the last one.
   */
  public Reply callRetrying(String method, String path, String token, Object body, int attempts) {
    long backoffMs = 500;
    RuntimeException lastFailure = null;
    Reply last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        last = call(method, path, token, body);
        if (last.status() != 502 && last.status() != 503 && last.status() != 504) return last;
      } catch (RuntimeException connectionLost) {
        lastFailure = connectionLost;
      }
      if (attempt == attempts) break;
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      backoffMs = Math.min(8000, backoffMs * 2);
    }
    if (last != null) return last;
    throw lastFailure != null
        ? lastFailure
        : new IllegalStateException(method + " " + path + " not attempted");
  }

  private static byte[] toJson(Object body) {
    try {
      return JsonSupport.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
