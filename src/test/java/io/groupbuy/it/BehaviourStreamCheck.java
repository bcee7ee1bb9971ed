package io.groupbuy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.session.grpc.BehaviourStreamClient;
import io.groupbuy.session.grpc.StreamSummary;
import io.groupbuy.session.grpc.StreamedEvent;
import io.groupbuy.sim.ApiClient;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The behaviour stream over gRPC against a running node, with the generated pekko-grpc client: one
 * client stream of 2,500 events for one user (three batches at least), with a duplicate, an unknown
 * action and, under a customer's token, someone else's event; then the session shows them, and a
 * stream without a token is refused.
 */
final class BehaviourStreamCheck {
  private BehaviourStreamCheck() {}

  static void streamOverGrpc(ApiClient api, int grpcPort) throws Exception {
    ActorSystem<Void> client =
        ActorSystem.create(
            Behaviors.empty(),
            "stream-client",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.defaultReference()));
    try {
      BehaviourStreamClient stream =
          BehaviourStreamClient.create(
              GrpcClientSettings.connectToServiceAt("127.0.0.1", grpcPort, client)
                  .withTls(false)
                  .withDeadline(Duration.ofSeconds(60)),
              client);
      long now = System.currentTimeMillis();
      String[] skus = {"apple", "pear", "plum"};
      List<StreamedEvent> events = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        events.add(
            StreamedEvent.newBuilder()
                .setEventId("g-" + i)
                .setUserId("u-g")
                .setTsMs(now - 60_000 + i * 10L)
                .setAction("view")
                .setSku(skus[i % 3])
                .build());
      }
      // sent again: dropped as a duplicate (a session remembers its latest 500 event ids)
      events.add(events.get(2400));
      events.add(
          StreamedEvent.newBuilder()
              .setEventId("g-x")
              .setUserId("u-g")
              .setTsMs(now)
              .setAction("teleport")
              .build());
      events.add(
          StreamedEvent.newBuilder()
              .setEventId("g-y")
              .setUserId("u-a")
              .setTsMs(now)
              .setAction("view")
              .build());
      StreamSummary summary =
          stream
              .send()
              .addHeader("authorization", "Bearer " + ItSupport.customer("u-g"))
              .invoke(Source.from(events))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertEquals(2503, summary.getReceived(), summary.toString());
      assertEquals(2500, summary.getAccepted(), summary.toString());
      assertEquals(1L, summary.getDroppedOrDefault("duplicate", 0), summary.toString());
      assertEquals(2, summary.getRefused(), summary.toString());
      assertEquals("UNKNOWN_ACTION", summary.getRefusals(0).getReason(), summary.toString());
      assertEquals(2501, summary.getRefusals(0).getIndex());
      assertEquals("NOT_YOUR_USER", summary.getRefusals(1).getReason(), summary.toString());
      assertTrue(summary.getBatches() >= 3, summary.toString());

      var session = api.call("GET", "/users/u-g/session", ItSupport.OPERATOR, null);
      assertEquals(200, session.status(), session.raw());
      var cleaning = session.body().path("session").path("cleaning");
      assertEquals(1, cleaning.path("DUPLICATE").asInt(), session.raw());

      try {
        stream
            .send()
            .invoke(Source.from(events.subList(0, 3)))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        throw new AssertionError("a stream without a token was taken");
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        Status status =
            cause instanceof GrpcServiceException g
                ? g.getStatus()
                : cause instanceof io.grpc.StatusRuntimeException s ? s.getStatus() : null;
        assertEquals(
            Status.Code.UNAUTHENTICATED,
            status == null ? null : status.getCode(),
            String.valueOf(cause));
      }
      stream.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      client.terminate();
      client.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
