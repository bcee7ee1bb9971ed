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
    return Http.get(system)
        .newServerAt(settings.httpInterface(), settings.httpPort())
        .bind(guarded)
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                system
                    .log()
                    .error(
                        "HTTP server could not bind {}:{}: {}",
                        settings.httpInterface(),
                        settings.httpPort(),
                        failure.getMessage());
                system.terminate();
              } else {
                binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
                InetSocketAddress a = binding.localAddress();
                system.log().info("groupbuy API at http://{}:{}/", a.getHostString(), a.getPort());
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
    return Http.get(system)
        .newServerAt(iface, port)
        .withSettings(http2)
        .bind(handler)
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                system
                    .log()
                    .error(
                        "gRPC server could not bind {}:{}: {}", iface, port, failure.getMessage());
                system.terminate();
              } else {
                binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
                InetSocketAddress a = binding.localAddress();
                system
                    .log()
                    .info("groupbuy gRPC at {}:{} (HTTP/2)", a.getHostString(), a.getPort());
              }
            });
  }
}
