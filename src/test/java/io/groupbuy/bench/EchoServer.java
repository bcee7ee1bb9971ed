package io.groupbuy.bench;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The baseline of the GPS ingestion benchmark: a bare pekko-http WebSocket server that echoes every
 * text frame and counts them ({@code GET /count}). Same library, same JVM settings as a node,
 * nothing else.
 *
 * <p>{@code java ... io.groupbuy.bench.EchoServer PORT}
 */
public final class EchoServer extends AllDirectives {
  private final AtomicLong frames = new AtomicLong();

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "echo",
            ConfigFactory.parseString(
                    "pekko.loglevel = WARNING\npekko.http.server.idle-timeout = 120s")
                .withFallback(ConfigFactory.defaultReference()));
    EchoServer server = new EchoServer();
    Materializer materializer = Materializer.createMaterializer(system);
    Http.get(system)
        .newServerAt("127.0.0.1", port)
        .bind(server.routes(materializer))
        .thenRun(() -> System.out.println("echo server ready on port " + port));
  }

  Route routes(Materializer materializer) {
    return concat(
        path(
            "echo",
            () ->
                handleWebSocketMessages(
                    Flow.<Message>create()
                        .filter(Message::isText)
                        .mapAsync(
                            1,
                            m ->
                                m.asTextMessage().isStrict()
                                    ? CompletableFuture.completedFuture(m)
                                    : m.asTextMessage()
                                        .toStrict(5_000, materializer)
                                        .thenApply(strict -> (Message) strict))
                        .map(
                            m -> {
                              frames.incrementAndGet();
                              return m;
                            }))),
        path("count", () -> get(() -> complete(String.valueOf(frames.get())))));
  }
}
