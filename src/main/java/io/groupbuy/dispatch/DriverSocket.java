package io.groupbuy.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.groupbuy.http.JsonSupport;
import io.groupbuy.http.PolicyCloseWebSocket;
import io.groupbuy.platform.DomainError;
import io.groupbuy.platform.Failures;
import io.groupbuy.platform.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * One driver's app on one WebSocket: JSON text frames both ways.
 *
 * <p>Up: {@code gps} {lat, lng, speedKmh?, at}; {@code arrived}/{@code departed} {stopId, at?};
 * {@code departedDepot}/{@code returned}; {@code ack} {version}; {@code incident} {kind:
 * JAM|BREAKDOWN, delayMinutes, note}; {@code ping}. Any frame may carry an {@code id}, echoed in
 * its {@code ok} or {@code error} answer (GPS fixes are answered only when refused, to keep the
 * rate up).
 *
 * <p>Down: {@code route} {version, reason, stops} on connect and on every change (the app
 * acknowledges with {@code ack}; after a reconnect the current route comes first, so nothing
 * unacknowledged is lost); {@code ok}; {@code error} {code, message, id}. Pushes wait in a small
 * buffer; a slow app that falls behind loses the oldest pushes first, which is safe because each
 * route push carries the whole route. Frames over the size limit, binary frames, malformed JSON and
 * refused commands get an error frame; after too many bad frames in a row the server sends a final
 * {@code error} frame with code {@code too-many-bad-frames} and closes the socket with close code
 * 1008 (policy violation).
 */
public final class DriverSocket {
  public record Settings(
      int maxFrameBytes, int maxBadFrames, int pushBuffer, Duration reattachInterval, int chunk) {
    public static Settings fromConfig(Config c) {
      return new Settings(
          c.getInt("max-frame-bytes"),
          c.getInt("max-bad-frames"),
          c.getInt("push-buffer"),
          c.getDuration("reattach-interval"),
          c.getInt("max-frames-per-chunk"));
    }
  }

  /** Marks the end of the outgoing stream. */
  private enum Close {
    INSTANCE
  }

  private final ActorSystem<?> system;
  private final ShardedDispatch dispatch;
  private final GpsGate gps;
  private final Metrics metrics;
  private final Settings settings;
  private final Duration timeout;

  public DriverSocket(
      ActorSystem<?> system,
      ShardedDispatch dispatch,
      GpsGate gps,
      Metrics metrics,
      Settings settings,
      Duration timeout) {
    this.system = system;
    this.dispatch = dispatch;
    this.gps = gps;
    this.metrics = metrics;
    this.settings = settings;
    this.timeout = timeout;
  }

  /**
   * Accepts the upgrade of {@code driverId}'s connection, already authorised to drive {@code
   * vehicleId}.
   */
  public HttpResponse accept(WebSocketUpgrade upgrade, String vehicleId, String driverId) {
    var closing = new PolicyCloseWebSocket.Closing();
    return PolicyCloseWebSocket.accept(
        upgrade, flow(vehicleId, driverId, closing), closing, system);
  }

  /**
   * The message flow of one connection of {@code driverId}, already authorised to drive {@code
   * vehicleId}; a socket thrown out for abuse is marked on {@code closing}, so it closes with 1008
   * (policy violation).
   */
  public Flow<Message, Message, NotUsed> flow(
      String vehicleId, String driverId, PolicyCloseWebSocket.Closing closing) {
    Pair<ActorRef<Object>, Source<Object, NotUsed>> out =
        ActorSource.<Object>actorRef(
                m -> m == Close.INSTANCE,
                m -> Optional.empty(),
                settings.pushBuffer(),
                OverflowStrategy.dropHead())
            .preMaterialize(system);
    ActorRef<Object> outRef = out.first();
    Connection connection = new Connection(vehicleId, driverId, outRef, closing);
    Source<Message, NotUsed> down =
        out.second()
            .map(m -> (Message) TextMessage.create(m instanceof String text ? text : render(m)))
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete((d, f) -> metrics.driversConnected.decrementAndGet());
                  return mat;
                });
    // Frames are read and checked one by one; while the vehicle is taking the last chunk, the next
    // frames gather into
    // one chunk (all its fixes go in one message), and the socket reads no further once a chunk is
    // full.
    Sink<Message, NotUsed> up =
        Flow.<Message>create()
            .mapAsync(1, connection::read)
            .batch(
                settings.chunk(),
                first -> {
                  List<Object> l = new ArrayList<>();
                  l.add(first);
                  return l;
                },
                (list, next) -> {
                  list.add(next);
                  return list;
                })
            .mapAsync(1, connection::handleChunk)
            .to(Sink.ignore());
    metrics.driversConnected.incrementAndGet();
    dispatch
        .vehicle(vehicleId)
        .<Vehicle.Summary>askWithStatus(
            r -> new Vehicle.Connect(driverId, outRef.<Vehicle.Push>narrow(), r), timeout)
        .whenComplete(
            (summary, failure) -> {
              if (failure != null) {
                outRef.tell(
                    error(
                        "unavailable",
                        "could not attach to vehicle "
                            + vehicleId
                            + ": "
                            + Failures.message(failure)
                            + "; reconnect",
                        null));
                outRef.tell(Close.INSTANCE);
              }
            });
    // If the vehicle's node dies, the entity restarts elsewhere without this socket: attaching
    // again finds it.
    Cancellable reattach =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.reattachInterval(),
                settings.reattachInterval(),
                () ->
                    dispatch
                        .vehicle(vehicleId)
                        .tell(
                            new Vehicle.Connect(
                                driverId, outRef.<Vehicle.Push>narrow(), system.ignoreRef())),
                system.executionContext());
    return Flow.fromSinkAndSourceCoupled(
        up,
        down.watchTermination(
            (mat, done) -> {
              done.whenComplete((d, f) -> reattach.cancel());
              return mat;
            }));
  }

  private final class Connection {
    final String vehicleId;
    final String driverId;
    final ActorRef<Object> out;
    final PolicyCloseWebSocket.Closing closing;
    final AtomicInteger badInARow = new AtomicInteger();

    Connection(
        String vehicleId,
        String driverId,
        ActorRef<Object> out,
        PolicyCloseWebSocket.Closing closing) {
      this.vehicleId = vehicleId;
      this.driverId = driverId;
      this.out = out;
      this.closing = closing;
    }

    /**
     * Runs a chunk of read frames: every checked fix in one message to the vehicle, then the other
     * commands in order.
     */
    CompletionStage<NotUsed> handleChunk(List<Object> chunk) {
      List<GpsGate.CheckedFix> fixes = new ArrayList<>();
      for (Object o : chunk) if (o instanceof GpsGate.CheckedFix f) fixes.add(f);
      CompletionStage<NotUsed> stage =
          fixes.isEmpty()
              ? done()
              : gps.send(vehicleId, fixes).handle((d, failure) -> NotUsed.getInstance());
      for (Object o : chunk) {
        if (o instanceof Deferred d) stage = stage.thenCompose(x -> d.run());
      }
      return stage;
    }

    /**
     * Reads a frame: a checked fix, a command to run in order ({@link Deferred}), or a frame
     * already answered.
     */
    CompletionStage<Object> read(Message message) {
      CompletionStage<String> text;
      if (message.isText()) {
        TextMessage t = message.asTextMessage();
        text =
            t.isStrict()
                ? CompletableFuture.completedFuture(t.getStrictText())
                : t.getStreamedText()
                    .limitWeighted(settings.maxFrameBytes(), s -> (long) s.length())
                    .runFold("", String::concat, system);
      } else {
        message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system);
        return answered(bad("binary-frame", "send JSON text frames, not binary", null));
      }
      return text.handle(
          (frame, failure) -> {
            if (failure != null || frame.length() > settings.maxFrameBytes()) {
              bad(
                  "frame-too-large",
                  "frames are limited to " + settings.maxFrameBytes() + " bytes",
                  null);
              return (Object) NotUsed.getInstance();
            }
            return onFrame(frame);
          });
    }

    Object onFrame(String frame) {
      JsonNode json;
      try {
        json = JsonSupport.MAPPER.readTree(frame);
      } catch (JsonProcessingException e) {
        return bad("malformed-json", "the frame is not JSON: " + e.getOriginalMessage(), null);
      }
      if (json == null || !json.isObject() || !json.path("type").isTextual()) {
        return bad("missing-type", "a frame is a JSON object with a \"type\"", null);
      }
      String id = json.path("id").isValueNode() ? json.path("id").asText() : null;
      String type = json.get("type").asText();
      switch (type) {
        case "gps":
          return onGps(json, id);
        case "arrived":
        case "departed":
          if (!json.path("stopId").isTextual())
            return bad("missing-field", "stopId is required", id);
          return ask(
              id,
              r ->
                  new Vehicle.ReportStop(
                      driverId,
                      type.equals("arrived")
                          ? Vehicle.StopEventKind.ARRIVED
                          : Vehicle.StopEventKind.DEPARTED,
                      json.get("stopId").asText(),
                      json.path("at").asLong(0),
                      r));
        case "departedDepot":
          return ask(
              id,
              r ->
                  new Vehicle.ReportStop(
                      driverId,
                      Vehicle.StopEventKind.DEPARTED_DEPOT,
                      Vehicle.DEPOT,
                      json.path("at").asLong(0),
                      r));
        case "returned":
          return ask(
              id,
              r ->
                  new Vehicle.ReportStop(
                      driverId,
                      Vehicle.StopEventKind.RETURNED,
                      Vehicle.DEPOT,
                      json.path("at").asLong(0),
                      r));
        case "ack":
          if (!json.path("version").canConvertToLong())
            return bad("missing-field", "version is required", id);
          return ask(id, r -> new Vehicle.Acknowledge(driverId, json.get("version").asLong(), r));
        case "incident":
          if (!json.path("kind").isTextual())
            return bad("missing-field", "kind (JAM or BREAKDOWN) is required", id);
          Optional<Vehicle.IncidentKind> kind =
              Vehicle.IncidentKind.parse(json.get("kind").asText());
          if (kind.isEmpty()) return bad("invalid", "incident kind must be JAM or BREAKDOWN", id);
          return ask(
              id,
              r ->
                  new Vehicle.ReportIncident(
                      driverId,
                      kind.get(),
                      json.path("delayMinutes").asInt(0),
                      json.path("note").asText(""),
                      json.path("at").asLong(0),
                      r));
        case "ping":
          badInARow.set(0);
          out.tell(ok(id, "pong"));
          return NotUsed.getInstance();
        default:
          return bad(
              "unknown-type",
              "unknown frame type "
                  + type
                  + "; use gps, arrived, departed, departedDepot, returned, ack, incident or ping",
              id);
      }
    }

    Object onGps(JsonNode json, String id) {
      if (!json.path("lat").isNumber()
          || !json.path("lng").isNumber()
          || !json.path("at").canConvertToLong()) {
        return bad("missing-field", "a gps frame needs numeric lat, lng and at (epoch ms)", id);
      }
      double lat = json.get("lat").asDouble();
      double lng = json.get("lng").asDouble();
      double speed = json.path("speedKmh").isNumber() ? json.get("speedKmh").asDouble() : -1;
      long at = json.get("at").asLong();
      GpsGate.Admission admission = gps.admit(vehicleId, lat, lng, speed, at);
      // Fixes go on to the vehicle without waiting for it (full rate); a frame with an id is
      // answered on receipt.
      if (admission instanceof GpsGate.Admitted admitted) {
        badInARow.set(0);
        if (id != null) out.tell(ok(id, "accepted"));
        return admitted.fix();
      }
      GpsGate.Refusal refusal = ((GpsGate.Refused) admission).reason();
      if (refusal == GpsGate.Refusal.DUPLICATE) {
        // a repeated fix is harmless: dropped, counted, not a bad frame
        badInARow.set(0);
        if (id != null) out.tell(ok(id, "duplicate"));
        return NotUsed.getInstance();
      }
      return bad(
          refusal.code(),
          switch (refusal) {
            case OUT_OF_RANGE -> "lat must be within ±90, lng within ±180, speedKmh within 0..300";
            case STALE ->
                "the fix is older than " + gps.settings().maxAge().toMinutes() + " minutes";
            case FUTURE -> "the fix is in the future; check the device clock";
            default -> "refused: " + refusal.code();
          },
          id);
    }

    Deferred ask(
        String id, Function<ActorRef<StatusReply<Vehicle.Summary>>, Vehicle.Command> command) {
      return () ->
          dispatch
              .vehicle(vehicleId)
              .<Vehicle.Summary>askWithStatus(command::apply, timeout)
              .handle(
                  (summary, failure) -> {
                    if (failure == null) {
                      badInARow.set(0);
                      out.tell(ok(id, summary.status().name()));
                      return NotUsed.getInstance();
                    }
                    if (Failures.unwrap(failure) instanceof DomainError.Failure refused) {
                      return bad(refused.error().code(), refused.error().message(), id);
                    }
                    String message = Failures.message(failure);
                    out.tell(error("unavailable", message + "; retry the same frame", id));
                    return NotUsed.getInstance();
                  });
    }

    /** Answers a bad frame with an error frame; too many in a row close the socket. */
    NotUsed bad(String code, String message, String id) {
      metrics.driverBadFrames.labelValues(code).inc();
      out.tell(error(code, message, id));
      int bad = badInARow.incrementAndGet();
      if (bad == settings.maxBadFrames()) {
        out.tell(error("too-many-bad-frames", bad + " bad frames in a row; closing", null));
        closing.policy("too-many-bad-frames");
        out.tell(Close.INSTANCE);
      }
      return NotUsed.getInstance();
    }
  }

  /** A command frame to run after the fixes read before it. */
  @FunctionalInterface
  private interface Deferred {
    CompletionStage<NotUsed> run();
  }

  private static CompletionStage<Object> answered(NotUsed n) {
    return CompletableFuture.completedFuture(n);
  }

  private static CompletionStage<NotUsed> done() {
    return CompletableFuture.completedFuture(NotUsed.getInstance());
  }

  private static String ok(String id, String status) {
    ObjectNode n = JsonSupport.MAPPER.createObjectNode().put("type", "ok");
    if (id != null) n.put("id", id);
    n.put("status", status);
    return n.toString();
  }

  static String error(String code, String message, String id) {
    ObjectNode n =
        JsonSupport.MAPPER
            .createObjectNode()
            .put("type", "error")
            .put("code", code)
            .put("message", message);
    if (id != null) n.put("id", id);
    return n.toString();
  }

  private static String render(Object push) {
    if (push instanceof Vehicle.RoutePush p) {
      ObjectNode n = JsonSupport.MAPPER.valueToTree(p);
      ObjectNode framed = JsonSupport.MAPPER.createObjectNode().put("type", "route");
      framed.setAll(n);
      return framed.toString();
    }
    return error("internal", "unexpected push " + push.getClass().getSimpleName(), null);
  }
}
