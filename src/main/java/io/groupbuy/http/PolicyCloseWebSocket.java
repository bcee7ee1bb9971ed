package io.groupbuy.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * Accepts a WebSocket whose handler may end it with close code 1008 (policy violation) and a
 * reason, as a server should when it throws out an abusive client. Pekko HTTP's message API can
 * only close with 1000 (the handler completed) or 1011 (it failed; akka/akka-http#2458 is the
 * request for more). So this runs Pekko's own WebSocket stack through its frame-level entry point
 * and, when {@link Closing#policy} has been called, rewrites the stack's final 1000 close frame to
 * 1008: everything else (masking, fragments, pings, the close handshake) stays Pekko's.
 *
 * <p>The frame-level entry point is internal to Pekko HTTP (checked against 1.1.x); where it is not
 * available (e.g. the route testkit's upgrade) the socket is accepted as usual and closes with
 * 1000.
 */
public final class PolicyCloseWebSocket {
  /** Control frames carry at most 125 bytes: two for the code, the rest for the reason. */
  private static final int MAX_REASON_BYTES = 123;

  private static final int NORMAL = 1000;
  private static final int POLICY_VIOLATION = 1008;
  private static final byte CLOSE_OPCODE = 0x8;

  private PolicyCloseWebSocket() {}

  /** Set by the handler before it completes, to close with 1008 instead of 1000. */
  public static final class Closing {
    private final AtomicReference<String> reason = new AtomicReference<>();

    public void policy(String why) {
      reason.set(why);
    }
  }

  public static HttpResponse accept(
      WebSocketUpgrade upgrade,
      Flow<Message, Message, ?> handler,
      Closing closing,
      ClassicActorSystemProvider system) {
    if (!(upgrade instanceof UpgradeToWebSocketLowLevel lowLevel))
      return upgrade.handleMessagesWith(handler);
    WebSocketSettings settings =
        ((ServerSettings)
                org.apache.pekko.http.javadsl.settings.ServerSettings.create(
                    system.classicSystem()))
            .websocketSettings();
    BidiFlow<
            FrameEvent,
            org.apache.pekko.http.scaladsl.model.ws.Message,
            org.apache.pekko.http.scaladsl.model.ws.Message,
            FrameEvent,
            ?>
        stack =
            BidiFlow.fromGraph(
                WebSocket.stack(
                    true,
                    settings,
                    FiniteDuration.apply(3, TimeUnit.SECONDS),
                    Logging.getLogger(system.classicSystem(), PolicyCloseWebSocket.class)));
    Flow<
            org.apache.pekko.http.scaladsl.model.ws.Message,
            org.apache.pekko.http.scaladsl.model.ws.Message,
            ?>
        messages =
            Flow.<org.apache.pekko.http.scaladsl.model.ws.Message>create()
                .map(m -> (Message) m)
                .via(handler)
                .map(Message::asScala);
    Flow<FrameEvent, FrameEvent, Object> frames =
        stack
            .join(messages)
            .map(frame -> rewriteClose(frame, closing.reason.get()))
            .mapMaterializedValue(m -> (Object) m);
    return lowLevel.handleFrames(frames, Option.empty());
  }

  private static FrameEvent rewriteClose(FrameEvent frame, String reason) {
    if (reason == null
        || !(frame instanceof FrameStart start)
        || start.header().opcode().code() != CLOSE_OPCODE) {
      return frame;
    }
    ByteString data = start.data();
    int code = data.size() >= 2 ? ((data.apply(0) & 0xFF) << 8) | (data.apply(1) & 0xFF) : -1;
    return code == NORMAL
        ? FrameEvent.closeFrame(POLICY_VIOLATION, truncate(reason), Option.empty())
        : frame;
  }

  /** At most {@link #MAX_REASON_BYTES} of UTF-8, cut between characters. */
  static String truncate(String reason) {
    if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) return reason;
    StringBuilder b = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < reason.length(); ) {
      int cp = reason.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > MAX_REASON_BYTES) break;
      b.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return b.toString();
  }
}
