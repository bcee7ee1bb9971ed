package io.groupbuy.http;

import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.platform.JournalFence;
import io.groupbuy.platform.Metrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Binds the public API with size limits and JSON error handling, and unbinds on coordinated
 * shutdown.
 */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, GroupbuySettings settings, Metrics metrics, Route routes) {
    AllDirectives d = new AllDirectives() {};
    // Built once: the Java DSL calls these suppliers for every request.
    var exceptions = ApiDirectives.exceptionHandler(metrics);
    var rejections = ApiDirectives.rejectionHandler(metrics);
    JournalFence fence = JournalFence.get(system);
    // A node that may not write to the journal (another cluster owns it, or this node's cluster has
    // given up on it,
    // or Cassandra is unreachable) refuses changes at once rather than letting them time out entity
    // by entity.
    Route fenced =
        d.extractMethod(
            method -> {
              if (method == HttpMethods.GET
                  || method == HttpMethods.HEAD
                  || method == HttpMethods.OPTIONS) return routes;
              return fence
                  .refusal()
                  .map(
                      refusal ->
                          ApiDirectives.plain(
                              metrics,
                              StatusCodes.SERVICE_UNAVAILABLE,
                              "journal-fence",
                              "this node may not write now: "
                                  + refusal.reason()
                                  + ". Retry the same request (on another node, "
                                  + "or here shortly); nothing was changed",
                              null))
                  .orElse(routes);
            });
    Route guarded =
        d.handleExceptions(
            exceptions,
            () ->
                d.handleRejections(
                    rejections, () -> d.withSizeLimit(settings.maxBodyBytes(), () -> fenced)));
    return held(
        system,
        "HTTP server",
        "groupbuy API at http://{}:{}/",
        settings.httpInterface(),
        settings.httpPort(),
        Http.get(system).newServerAt(settings.httpInterface(), settings.httpPort()).bind(guarded));
  }

  /**
   * The binding, unbound on coordinated shutdown and announced; a port that cannot be bound stops
   * the node.
   */
  private static CompletionStage<ServerBinding> held(
      ActorSystem<?> system,
      String what,
      String announcement,
      String iface,
      int port,
      CompletionStage<ServerBinding> bound) {
    return bound.whenComplete(
        (binding, failure) -> {
          if (failure != null) {
            system
                .log()
                .error("{} could not bind {}:{}: {}", what, iface, port, failure.getMessage());
            system.terminate();
          } else {
            binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
            InetSocketAddress a = binding.localAddress();
            system.log().info(announcement, a.getHostString(), a.getPort());
          }
        });
  }

  /**
   * Binds a gRPC handler on its own port, speaking HTTP/2 with prior knowledge (plain text, as
   * behind a cluster's load balancer); unbinds on coordinated shutdown.
   */
  public static CompletionStage<ServerBinding> bindGrpc(
      ActorSystem<?> system,
      String iface,
      int port,
      org.apache.pekko.japi.function.Function<
              org.apache.pekko.http.javadsl.model.HttpRequest,
              CompletionStage<org.apache.pekko.http.javadsl.model.HttpResponse>>
          handler) {
    var http2 =
        org.apache.pekko.http.javadsl.settings.ServerSettings.create(
            com.typesafe.config.ConfigFactory.parseString(
                    "pekko.http.server.preview.enable-http2 = on")
                .withFallback(system.settings().config()));
    return held(
        system,
        "gRPC server",
        "groupbuy gRPC at {}:{} (HTTP/2)",
        iface,
        port,
        Http.get(system).newServerAt(iface, port).withSettings(http2).bind(handler));
  }
}
