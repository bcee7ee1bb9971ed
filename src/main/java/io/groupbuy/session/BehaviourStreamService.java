package io.groupbuy.session;

import io.groupbuy.http.Auth;
import io.groupbuy.session.BehaviourIntake.RawEvent;
import io.groupbuy.session.grpc.BehaviourStreamPowerApi;
import io.groupbuy.session.grpc.StreamRefusal;
import io.groupbuy.session.grpc.StreamSummary;
import io.groupbuy.session.grpc.StreamedEvent;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The behaviour stream over gRPC ({@code protobuf/grpc/behaviour_stream.proto}): a client streams
 * events, the node groups them into batches (up to {@code maxBatch} events, or what arrived within
 * {@code batchWithin}) and takes each batch into the sessions exactly as an upload to {@code POST
 * /behaviour} is taken, one batch at a time, so a client that sends faster than the sessions write
 * is slowed by HTTP/2 flow control, not buffered without end. The answer, once the client ends the
 * stream, sums up every batch.
 */
public final class BehaviourStreamService implements BehaviourStreamPowerApi {
  static final String NOT_YOUR_USER = "NOT_YOUR_USER";
  private static final int MAX_REFUSALS_LISTED = 100;

  private final BehaviourIntake intake;
  private final Auth auth;
  private final int maxBatch;
  private final Duration batchWithin;
  private final Materializer materializer;

  public BehaviourStreamService(
      ActorSystem<?> system,
      BehaviourIntake intake,
      Auth auth,
      int maxBatch,
      Duration batchWithin) {
    this.intake = intake;
    this.auth = auth;
    this.maxBatch = maxBatch;
    this.batchWithin = batchWithin;
    this.materializer = Materializer.matFromSystem(system);
  }

  @Override
  public CompletionStage<StreamSummary> send(Source<StreamedEvent, NotUsed> in, Metadata metadata) {
    Optional<Auth.Principal> who = metadata.getText("authorization").flatMap(auth::verifyHeader);
    if (who.isEmpty()) {
      return CompletableFuture.failedFuture(
          new GrpcServiceException(
              Status.UNAUTHENTICATED.withDescription(
                  "send the 'authorization' metadata 'Bearer <token>' (an operator's, or the"
                      + " customer's own)")));
    }
    Tally tally = new Tally();
    return in.zipWithIndex()
        .groupedWithin(maxBatch, batchWithin)
        .mapAsync(1, batch -> take(who.get(), batch, tally))
        .runWith(Sink.ignore(), materializer)
        .thenApply(done -> tally.summary());
  }

  /** Takes one batch into the sessions; the tally is touched by one batch at a time. */
  private CompletionStage<Void> take(
      Auth.Principal who, List<Pair<StreamedEvent, Long>> batch, Tally tally) {
    List<RawEvent> raw = new ArrayList<>(batch.size());
    List<Long> positions = new ArrayList<>(batch.size());
    for (Pair<StreamedEvent, Long> p : batch) {
      StreamedEvent e = p.first();
      tally.received++;
      String user = e.getUserId().isEmpty() ? null : e.getUserId();
      if (!who.isOperator() && user != null && !user.equals(who.subject())) {
        tally.refuse(p.second(), e.getEventId(), NOT_YOUR_USER);
        continue;
      }
      raw.add(raw(e, user));
      positions.add(p.second());
    }
    if (raw.isEmpty()) return CompletableFuture.completedFuture(null);
    return intake
        .ingest(raw)
        .handle(
            (result, failure) -> {
              if (failure != null) {
                // what was taken before stays taken; the same events again are dropped as
                // duplicates
                throw new GrpcServiceException(
                    Status.UNAVAILABLE.withDescription(
                        "the sessions did not take a batch in time ("
                            + failure.getMessage()
                            + "); send the stream again: events already taken count as duplicates"));
              }
              tally.batches++;
              tally.accepted += result.accepted();
              result
                  .dropped()
                  .forEach(
                      (rule, n) ->
                          tally.dropped.merge(
                              rule.name().toLowerCase(Locale.ROOT), (long) n, Long::sum));
              for (BehaviourIntake.Refused r : result.rejected()) {
                tally.refuse(positions.get(r.index()), r.eventId(), r.reason().name());
              }
              return null;
            });
  }

  private static RawEvent raw(StreamedEvent e, String user) {
    return new RawEvent(
        e.getEventId().isEmpty() ? null : e.getEventId(),
        user,
        e.hasTsMs() ? e.getTsMs() : null,
        e.getAction().isEmpty() ? null : e.getAction(),
        e.hasSku() ? e.getSku() : null,
        e.hasPage() ? e.getPage() : null,
        e.hasDurationMs() ? e.getDurationMs() : null);
  }

  /** What the stream came to so far. */
  private static final class Tally {
    long received;
    long accepted;
    long refused;
    long batches;
    final Map<String, Long> dropped = new TreeMap<>();
    final List<StreamRefusal> refusals = new ArrayList<>();

    void refuse(long index, String eventId, String reason) {
      refused++;
      if (refusals.size() < MAX_REFUSALS_LISTED) {
        refusals.add(
            StreamRefusal.newBuilder()
                .setIndex(index)
                .setEventId(eventId == null ? "" : eventId)
                .setReason(reason)
                .build());
      }
    }

    StreamSummary summary() {
      return StreamSummary.newBuilder()
          .setReceived(received)
          .setAccepted(accepted)
          .putAllDropped(dropped)
          .setRefused(refused)
          .addAllRefusals(
              refusals.stream()
                  .sorted(java.util.Comparator.comparingLong(StreamRefusal::getIndex))
                  .toList())
          .setBatches(batches)
          .build();
    }
  }
}
