package io.groupbuy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.groupbuy.platform.ProtoCodec;
import io.groupbuy.session.BehaviourCleaner.Rule;
import io.groupbuy.session.BehaviourEvent.Action;
import io.groupbuy.session.proto.CleanerSnapshot;
import io.groupbuy.session.proto.SessionSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's snapshot, through the codec the journal uses. */
class SessionSnapshotTest {
  private static final UserSession.Settings SETTINGS =
      UserSession.Settings.fromConfig(
          ConfigFactory.parseResources("session.conf").resolve().getConfig("groupbuy.session"));
  private static final long T0 = 1_780_000_000_000L;

  @SuppressWarnings("unchecked")
  private static final ProtoCodec<SessionState> CODEC =
      (ProtoCodec<SessionState>)
          SessionProtobuf.CODECS.stream()
              .filter(c -> c.type() == SessionState.class)
              .findFirst()
              .orElseThrow();

  private static BehaviourEvent view(String id, long ts) {
    return new BehaviourEvent(id, "u1", ts, Action.VIEW, "apple", null, null, "veg");
  }

  private static SessionState read(byte[] bytes) throws Exception {
    return CODEC.parser().parse(bytes).boundTo(SETTINGS.cleaning(), SETTINGS.features());
  }

  @Test
  void theRememberedIdsSurviveASnapshot() throws Exception {
    SessionState s = SessionState.empty(SETTINGS.cleaning(), SETTINGS.features()).writable();
    s.record(T0, List.of(view("a", T0 - 5), view("b", T0 - 4)), Map.of());
    SessionState back = read(CODEC.toProto().apply(s.frozenCopy()).toByteArray());
    assertEquals(s, back);
    assertEquals(
        List.of(Rule.DUPLICATE, Rule.ACCEPTED, Rule.DUPLICATE),
        back.verdicts(List.of(view("b", T0), view("c", T0), view("a", T0)), T0));
  }

  /** Nodes before fingerprints wrote the ids themselves: such a snapshot still reads. */
  @Test
  void aSnapshotWithTheIdsThemselvesStillReads() throws Exception {
    SessionState s = SessionState.empty(SETTINGS.cleaning(), SETTINGS.features()).writable();
    s.record(T0, List.of(view("a", T0 - 5)), Map.of());
    SessionSnapshot current = SessionSnapshot.parseFrom(CODEC.toProto().apply(s).toByteArray());
    CleanerSnapshot older =
        current.getCleaner().toBuilder()
            .clearSeenIdFingerprints()
            .addAllSeenIds(List.of("old-1", "old-2", "a"))
            .build();
    SessionState back = read(current.toBuilder().setCleaner(older).build().toByteArray());
    assertEquals(
        List.of(Rule.DUPLICATE, Rule.DUPLICATE, Rule.ACCEPTED, Rule.DUPLICATE),
        back.verdicts(
            List.of(view("old-2", T0), view("a", T0), view("new", T0), view("old-1", T0)), T0));
  }
}
