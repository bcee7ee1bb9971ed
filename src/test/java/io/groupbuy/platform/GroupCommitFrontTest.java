package io.groupbuy.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.groupbuy.UnitTestConfig;
import io.groupbuy.platform.GroupCommitFront.Kind;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The front alone, in front of an entity that is a probe: the test decides when a write is done, so
 * the order in which commands reach the entity is seen exactly.
 */
class GroupCommitFrontTest {
  private static final ActorTestKit testKit = ActorTestKit.create(UnitTestConfig.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  sealed interface Msg extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  record Cmd(String id, Kind kind) implements Msg {}

  record Batch(List<Msg> commands, long number) implements Msg {}

  record Written(long number) implements Msg {}

  final List<String> refused = new CopyOnWriteArrayList<>();
  final List<Integer> sizes = new CopyOnWriteArrayList<>();

  final GroupCommitFront.Protocol<Msg> protocol =
      new GroupCommitFront.Protocol<>() {
        @Override
        public Kind kind(Msg command) {
          return ((Cmd) command).kind();
        }

        @Override
        public Msg batch(List<Msg> commands, long number, ActorRef<Msg> front) {
          return new Batch(commands, number);
        }

        @Override
        public Msg written(long number) {
          return new Written(number);
        }

        @Override
        public OptionalLong writtenNumber(Msg message) {
          return message instanceof Written w ? OptionalLong.of(w.number()) : OptionalLong.empty();
        }

        @Override
        public void refuse(Msg command, String reason) {
          refused.add(((Cmd) command).id() + ": " + reason);
        }
      };

  private ActorRef<Msg> front(TestProbe<Msg> entity, int maxCommands, int maxWaiting, Duration t) {
    return testKit.spawn(
        GroupCommitFront.create(
            Msg.class,
            "test entity",
            Behaviors.monitor(Msg.class, entity.getRef(), Behaviors.ignore()),
            protocol,
            new GroupCommitFront.Settings(maxCommands, maxWaiting, t),
            sizes::add));
  }

  private static Cmd batched(String id) {
    return new Cmd(id, Kind.BATCHED);
  }

  @Test
  void commandsReachTheEntityInTheirOrderWithQueriesAtOnce() {
    TestProbe<Msg> entity = testKit.createTestProbe();
    ActorRef<Msg> front = front(entity, 2, 100, Duration.ofSeconds(30));
    front.tell(batched("a1"));
    assertEquals(new Batch(List.of(batched("a1")), 1), entity.receiveMessage());

    // while batch 1 is being written
    front.tell(batched("a2"));
    front.tell(batched("a3"));
    front.tell(batched("a4"));
    front.tell(new Cmd("cutoff", Kind.IN_TURN));
    front.tell(batched("a5"));
    front.tell(new Cmd("query", Kind.IMMEDIATE));
    assertEquals(new Cmd("query", Kind.IMMEDIATE), entity.receiveMessage(), "a query goes at once");
    entity.expectNoMessage(Duration.ofMillis(100));

    front.tell(new Written(1));
    assertEquals(new Batch(List.of(batched("a2"), batched("a3")), 2), entity.receiveMessage());
    front.tell(new Written(2));
    assertEquals(new Batch(List.of(batched("a4")), 3), entity.receiveMessage(), "up to the turn");
    entity.expectNoMessage(Duration.ofMillis(100));
    front.tell(new Written(1)); // stale: changes nothing
    entity.expectNoMessage(Duration.ofMillis(100));
    front.tell(new Written(3));
    assertEquals(new Cmd("cutoff", Kind.IN_TURN), entity.receiveMessage(), "after what came first");
    assertEquals(new Batch(List.of(batched("a5")), 4), entity.receiveMessage());
    assertEquals(List.of(1, 2, 1, 1), sizes);
  }

  @Test
  void aFullFrontRefusesAndAnUnansweredWriteIsGivenUp() {
    TestProbe<Msg> entity = testKit.createTestProbe();
    ActorRef<Msg> front = front(entity, 1, 2, Duration.ofMillis(300));
    front.tell(batched("a1"));
    entity.receiveMessage();
    front.tell(batched("a2"));
    front.tell(batched("a3"));
    front.tell(batched("a4")); // two already wait
    entity.expectNoMessage(Duration.ofMillis(100));
    assertEquals(List.of("a4: test entity has 2 commands waiting; retry"), refused);
    // batch 1 is never confirmed: past the write timeout the next one goes
    assertEquals(
        new Batch(List.of(batched("a2")), 2), entity.receiveMessage(Duration.ofSeconds(2)));
  }
}
