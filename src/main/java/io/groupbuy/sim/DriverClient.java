package io.groupbuy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.groupbuy.http.JsonSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A driver's app over the real WebSocket: frames received are queued as JSON, frames sent are JSON
 * objects. Used by the city simulator, the load tests and the integration tests.
 */
public final class DriverClient implements AutoCloseable {
  private final WebSocket socket;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private DriverClient(WebSocket socket) {
    this.socket = socket;
  }

  /**
   * Connects as the driver of {@code vehicleId}; fails with the HTTP status if the server refuses
   * the upgrade.
   */
  public static DriverClient connect(String baseUrl, String vehicleId, String token) {
    String ws =
        baseUrl.replaceFirst("^http", "ws")
            + "/drivers/socket?vehicleId="
            + URLEncoder.encode(vehicleId, StandardCharsets.UTF_8);
    Holder holder = new Holder();
    try {
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(URI.create(ws), holder.listener)
              .join();
      holder.client = new DriverClient(socket);
      holder.ready.complete(null);
      return holder.client;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        throw new Refused(h.getResponse().statusCode(), String.valueOf(h.getResponse().body()));
      }
      throw new IllegalStateException("WebSocket failed: " + e.getCause(), e.getCause());
    }
  }

  /** The server refused the upgrade with an HTTP status (401, 403, 404, ...). */
  public static final class Refused extends RuntimeException {
    public final int status;

    public Refused(int status, String body) {
      super("WebSocket upgrade refused with HTTP " + status + ": " + body);
      this.status = status;
    }
  }

  /** Routes frames to the client once it exists (the listener is created first). */
  private static final class Holder {
    volatile DriverClient client;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final StringBuilder partial = new StringBuilder();
    final WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              String text = partial.toString();
              partial.setLength(0);
              ready.thenRun(
                  () -> {
                    try {
                      client.received.add(JsonSupport.MAPPER.readTree(text));
                    } catch (Exception e) {
                      client.received.add(
                          JsonSupport.MAPPER
                              .createObjectNode()
                              .put("type", "unparseable")
                              .put("raw", text));
                    }
                  });
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ready.thenRun(() -> client.closed.complete(statusCode));
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            ready.thenRun(() -> client.closed.complete(-1));
          }
        };
  }

  public void send(Map<String, ?> frame) {
    sendRaw(JsonSupport.MAPPER.valueToTree(frame).toString());
  }

  public synchronized void sendRaw(String text) {
    socket.sendText(text, true).join();
  }

  /** The next frame of {@code type} within the timeout, skipping others; null if none came. */
  public JsonNode next(String type, Duration timeout) {
    return next(f -> type.equals(f.path("type").asText()), timeout);
  }

  public JsonNode next(Predicate<JsonNode> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return null;
        JsonNode f = received.poll(left, TimeUnit.NANOSECONDS);
        if (f == null) return null;
        if (wanted.test(f)) return f;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The close code the server sent, once it closed (-1 on a transport error). */
  public CompletableFuture<Integer> closed() {
    return closed;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    socket.abort();
  }
}
